from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lelang.roles import Role, role_label


class User(AbstractUser):
    """A person who logs in. Their unit comes from their position (``opd.Official``)."""

    first_name = None
    last_name = None
    name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Created by seed_demo; not a real person.")
    )

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    def get_role_display(self):
        """The role in words; the operators' role is named after the city's planning
        agency (``LELANG_PLANNING_AGENCY``: "Bappeda", Malang's "Barenlitbang")."""
        return role_label(self.role)


class AuditEntry(models.Model):
    """One append-only audit event, chained to the previous one by SHA-256.

    ``hash`` covers every other column plus ``prev_hash``; ``seq`` runs 1, 2, 3…
    without gaps, so an edited, inserted or deleted row breaks the chain and
    ``manage.py verify_audit`` names it. Write through ``lelang.audit.audit_record``.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    # No database constraint and no cascade: deleting a user must never rewrite history.
    actor = models.ForeignKey(
        "lelang.User",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        # Append-only: an existing entry is never saved again.
        if not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")


class AuditChainHead(models.Model):
    """A single row holding the newest entry's seq and hash.

    Appending locks this row, so concurrent writers queue up instead of forking
    the chain; verification compares it with the last entry, which catches a
    deleted tail that the chain alone could not show.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"#{self.seq}"


class Notification(models.Model):
    """A message to one person, shown in the app (and sent by e-mail when made).

    ``key`` names what it is about ("report-due:2019-1:dinkes"): a person gets one
    notification per key, so a job that runs twice sends nothing twice.
    """

    user = models.ForeignKey(
        User, verbose_name=_("for"), on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(_("key"), max_length=200)
    text = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("sent by e-mail"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")
        ]

    def __str__(self):
        return self.text
