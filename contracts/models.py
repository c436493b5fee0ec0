"""Signed documents: integrity pacts, yearly performance agreements, session minutes.

A :class:`Document` is prepared from what the auction recorded (its ``content`` is a
snapshot taken then, so a later edit of a data room cannot change a draft silently),
signed by the people its kind requires (:class:`Signature`), and then *sealed*: the
PDF is rendered once, PAdES-signed with the city's certificate, stored, and its
SHA-256 recorded. A sealed document is frozen — the model refuses a change and a
database trigger (migration 0002) refuses one from any other path. A later change is
an *amendment*: a new document (``version`` + 1, ``previous`` → the old one) that
goes through the same signatures; every version stays downloadable and verifiable.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_token() -> str:
    """The verification token printed in the QR code: 192 random bits."""
    return secrets.token_urlsafe(24)


class FrozenDocument(Exception):
    """Raised on an attempt to change a sealed document or a signature."""


def document_path(instance, filename):
    return f"documents/{instance.token}.pdf"


class Document(models.Model):
    class Kind(models.TextChoices):
        PACT = "pact", _("Integrity pact of willingness")
        REFUSAL = "refusal", _("Integrity pact of unwillingness")
        AGREEMENT = "agreement", _("Performance agreement")
        MINUTES = "minutes", _("Session minutes")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting signatures")
        SEALED = "sealed", _("Signed and sealed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=80)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendment",
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=300)
    opd = models.ForeignKey(
        "opd.Opd",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    official = models.ForeignKey(
        "opd.Official",
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    session = models.ForeignKey(
        "auctions.Session",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    negotiation = models.ForeignKey(
        "auctions.Negotiation",
        verbose_name=_("negotiation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    content = models.JSONField(_("content as prepared"))
    token = models.CharField(
        _("verification token"), max_length=64, unique=True, default=new_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("prepared at"), default=timezone.now, editable=False)
    file = models.FileField(_("signed PDF"), upload_to=document_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    chain_head = models.CharField(
        _("audit chain head at closing"),
        max_length=80,
        blank=True,
        help_text=_("Minutes only: the audit chain's newest entry when the session closed."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-year", "kind", "number", "version"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("sign_document", "Can sign documents")]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="document_number_version"),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(sha256=""), name="sealed_document_has_hash"
            ),
        ]
        indexes = [models.Index(fields=["kind", "opd", "year"])]

    def __str__(self):
        if self.version > 1:
            return f"{self.number} ({_('amendment')} {self.version - 1})"
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding and self._frozen_in_db():
            raise FrozenDocument(f"document #{self.pk} is sealed and cannot be changed")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("contracts:document", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self._frozen_in_db():
            raise FrozenDocument(f"document #{self.pk} is sealed and cannot be deleted")
        return super().delete(*args, **kwargs)

    def _frozen_in_db(self) -> bool:
        return Document.objects.filter(pk=self.pk, status=self.Status.SEALED).exists()

    @property
    def is_sealed(self) -> bool:
        return self.status == self.Status.SEALED

    def awaits(self, role: str) -> bool:
        """Whether the draft needs ``role``'s signature next (the head signs first)."""
        if self.is_sealed:
            return False
        roles = required_roles(self.kind)
        signed = {s.role for s in self.signatures.all()}
        pending = [r for r in roles if r not in signed]
        return bool(pending) and pending[0] == role

    def verification_path(self) -> str:
        return reverse("verify", args=[self.token])


class Signature(models.Model):
    """One signature on a document: written once, never changed."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head of the unit (first party)")
        MAYOR = "mayor", _("Mayor (second party)")

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("signs as"), max_length=10, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=150)
    nip = models.CharField(_("NIP"), max_length=30, blank=True)
    position = models.CharField(_("position"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now, editable=False)
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)

    class Meta:
        ordering = ["document", "signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["document", "role"], name="one_signature_per_role")
        ]

    def __str__(self):
        return f"{self.document}: {self.name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenDocument(f"signature #{self.pk} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenDocument(f"signature #{self.pk} cannot be deleted")


def required_roles(kind: str) -> tuple[str, ...]:
    """The signatures a document of ``kind`` needs before it is sealed, in order."""
    return {
        Document.Kind.PACT: (Signature.Role.HEAD, Signature.Role.MAYOR),
        Document.Kind.REFUSAL: (Signature.Role.HEAD,),
        Document.Kind.AGREEMENT: (Signature.Role.HEAD, Signature.Role.MAYOR),
        Document.Kind.MINUTES: (),
    }[kind]
