"""The performance auction: cycles, sessions, agenda items, negotiations, offers, decisions.

Offers and decisions are immutable records: a new offer is a new version, and a
decision names the version it answers (one decision per version, enforced by the
database). Accepted offers become ``AgreedTarget`` rows, which the pacts and the
performance agreement are later built from.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_display_token() -> str:
    return secrets.token_urlsafe(24)


class Immutable(models.Model):
    """A record that is written once and never changed: offers and answers.

    ``save()`` refuses an update here, and a database trigger (migration 0002) refuses
    one from any other path (``QuerySet.update()``, raw SQL, another program).
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(f"{type(self).__name__} #{self.pk} cannot be changed")
        super().save(*args, **kwargs)


class ImmutableRecord(Exception):
    """Raised on an attempt to change an offer or an answer once written."""


class Auction(models.Model):
    """One performance-auction cycle, e.g. Lelang Kinerja RPJMD 2018–2023."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    period = models.ForeignKey(
        "opd.Period", verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-period__start_year", "name"]
        verbose_name = _("performance auction")
        verbose_name_plural = _("performance auctions")

    def __str__(self):
        return self.name


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        LIVE = "live", _("Live")
        CLOSED = "closed", _("Closed")

    auction = models.ForeignKey(
        Auction, verbose_name=_("auction"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(pgettext_lazy("session", "title"), max_length=200)
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, default="Ngalam Command Center")
    day = models.PositiveSmallIntegerField(_("day"), default=1)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    display_token = models.CharField(
        _("display link token"), max_length=64, unique=True, default=new_display_token
    )
    current_item = models.ForeignKey(
        "AgendaItem",
        verbose_name=_("current item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    focus_indicator = models.ForeignKey(
        "opd.Indicator",
        verbose_name=_("indicator on the projector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The countdown: running when timer_ends_at is set, paused when only remaining is.
    timer_ends_at = models.DateTimeField(_("timer ends at"), null=True, blank=True)
    timer_remaining = models.PositiveIntegerField(_("seconds left"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["date", "round", "day", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("auctions:console", args=[self.pk])

    @property
    def topic(self) -> str:
        return f"session:{self.pk}"


class AgendaItem(models.Model):
    """One presentation slot: a unit (or a theme carried by several units)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PRESENTING = "presenting", _("Presenting")
        NEGOTIATING = "negotiating", _("Negotiating")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        SIGNED = "signed", _("Signed")
        POSTPONED = "postponed", _("Postponed")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    opd = models.ForeignKey(
        "opd.Opd",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    theme = models.ForeignKey(
        "opd.Theme",
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    time_box = models.PositiveSmallIntegerField(_("time box (minutes)"), default=15)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.WAITING
    )
    postponed_to = models.ForeignKey(
        Session,
        verbose_name=_("postponed to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    postponed_from = models.ForeignKey(
        "self",
        verbose_name=_("postponed from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["session", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=(Q(opd__isnull=False) & Q(theme__isnull=True))
                | (Q(opd__isnull=True) & Q(theme__isnull=False)),
                name="agenda_item_is_opd_or_theme",
            )
        ]

    def __str__(self):
        return str(self.opd or self.theme)

    @property
    def title(self) -> str:
        return self.opd.name if self.opd_id else self.theme.name


class Negotiation(models.Model):
    """One unit's negotiation on an agenda item, with the official who answers.

    A refusal can hand the position to another official (an acting head): that
    opens a new negotiation (number + 1) on the same item.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        HANDED_OVER = "handed_over", _("Handed to another official")

    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="negotiations",
    )
    opd = models.ForeignKey(
        "opd.Opd", verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        "opd.Official",
        verbose_name=_("answering official"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(_("negotiation"), default=1)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    position_flagged = models.BooleanField(
        _("position flagged"),
        default=False,
        help_text=_("Set by a refusal: the position may be offered to another official."),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["item", "opd__name", "number"]
        verbose_name = _("negotiation")
        verbose_name_plural = _("negotiations")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "opd", "number"], name="negotiation_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.item} — {self.opd} #{self.number}"


class Offer(Immutable):
    """The panel's offer, version N of a negotiation. Never changed once written."""

    negotiation = models.ForeignKey(
        Negotiation,
        verbose_name=_("negotiation"),
        on_delete=models.CASCADE,
        related_name="offers",
    )
    version = models.PositiveSmallIntegerField(_("version"))
    deadline_year = models.PositiveSmallIntegerField(_("deadline year"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("offered at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["negotiation", "version"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "version"], name="offer_version_unique")
        ]

    def __str__(self):
        return f"{self.negotiation} v{self.version}"


class OfferTarget(Immutable):
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        "opd.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("offered target")
        verbose_name_plural = _("offered targets")
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "indicator", "year"], name="offer_target_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"


class Decision(Immutable):
    """The answering official's answer to one offer version (exactly one per version)."""

    class Kind(models.TextChoices):
        # The words of the pakta integritas kesanggupan: sanggup / tidak sanggup.
        ACCEPT = "accept", _("Willing")
        REFUSE = "refuse", _("Not willing")
        COUNTER = "counter", _("Propose other values")

    class Reason(models.TextChoices):
        BUDGET = "budget", _("Budget is not enough")
        AUTHORITY = "authority", _("Outside the unit's authority")
        DATA = "data", _("Baseline or data are doubtful")
        TIME = "time", _("Deadline too short")
        CAPACITY = "capacity", _("Staff or capacity lacking")
        OTHER = "other", _("Other")

    offer = models.OneToOneField(
        Offer, verbose_name=_("offer answered"), on_delete=models.PROTECT, related_name="decision"
    )
    kind = models.CharField(_("answer"), max_length=10, choices=Kind.choices)
    reason_category = models.CharField(
        _("reason category"), max_length=12, choices=Reason.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    official = models.ForeignKey(
        "opd.Official", verbose_name=_("official"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.offer}: {self.get_kind_display()}"

    @property
    def outcome(self) -> str:
        """The answer as a result for status lines ("Penawaran 2: sanggup"); the kind's
        own label is the choice the head makes ("Sanggup")."""
        return {
            self.Kind.ACCEPT: _("willing"),
            self.Kind.REFUSE: _("not willing"),
            self.Kind.COUNTER: _("other values proposed"),
        }[self.kind]


class CounterTarget(Immutable):
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.ForeignKey(
        "opd.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("proposed value"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("counter-proposed target")
        verbose_name_plural = _("counter-proposed targets")

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"


class AgreedTarget(models.Model):
    """A target the unit accepted: what the pact and the performance agreement are made of."""

    negotiation = models.ForeignKey(
        Negotiation,
        verbose_name=_("negotiation"),
        on_delete=models.PROTECT,
        related_name="agreed_targets",
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        "opd.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    # At most one agreed target per indicator and year binds at any time; a later
    # agreement on a reopened indicator supersedes the earlier one, which is kept.
    is_binding = models.BooleanField(_("binding"), default=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        ordering = ["negotiation", "indicator", "year"]
        verbose_name = _("agreed target")
        verbose_name_plural = _("agreed targets")
        constraints = [
            models.UniqueConstraint(
                fields=["negotiation", "indicator", "year"], name="agreed_target_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(is_binding=True),
                name="one_binding_target_per_indicator_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.value}"


class Reopening(models.Model):
    """Bappeda's explicit decision to negotiate an already agreed indicator again on an
    item. The new agreement, once accepted, supersedes the earlier one."""

    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="reopenings",
    )
    indicator = models.ForeignKey(
        "opd.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reopened at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["item", "created_at"]
        verbose_name = _("reopened indicator")
        verbose_name_plural = _("reopened indicators")
        constraints = [
            models.UniqueConstraint(fields=["item", "indicator"], name="reopening_unique")
        ]

    def __str__(self):
        return f"{self.item}: {self.indicator}"
