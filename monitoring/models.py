"""Quarterly reports against the signed targets (DESIGN.md §3.4).

A :class:`Quarter` (TW I–IV of a year) has a due date and, separately, a lock: a late
report is still accepted, flagged with its days late, until Bappeda closes the
quarter. A unit's :class:`Report` for a quarter has one :class:`ReportLine` per
indicator of its binding signed targets (``contracts.selectors.targets_in_force``):
the target is copied from the signed pact, never typed. Staff draft, the head
submits, Bappeda verifies or returns it with comments per line; a verified report is
frozen, and a correction is a new revision that refers to it.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opd import files

#: Days after a quarter ends by which its report is due (by default).
DUE_DAYS = 10
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class FrozenReport(Exception):
    """Raised on an attempt to change a verified report or its lines."""


def days_late(
    due: datetime.date,
    *,
    submitted_on: datetime.date | None,
    closed_on: datetime.date | None,
    today: datetime.date,
) -> int:
    """Days a quarter's report came after its due date: until it was submitted; never
    submitted, until the quarter was closed (no report is taken after that), or until
    today while it is still open. Never negative."""
    end = submitted_on or closed_on or today
    return max((end - due).days, 0)


class Quarter(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(
        _("quarter"), choices=[(n, f"TW {r}") for n, r in ROMAN.items()]
    )
    due_date = models.DateField(_("report due"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="quarter_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=4), name="quarter_number_1_to_4"
            ),
        ]

    def __str__(self):
        return f"TW {ROMAN[self.number]} {self.year}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        if self.number == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.number + 1, 1) - datetime.timedelta(days=1)

    @staticmethod
    def default_due(year: int, number: int) -> datetime.date:
        end = Quarter(year=year, number=number).end
        return end + datetime.timedelta(days=DUE_DAYS)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        RETURNED = "returned", _("Returned for correction")
        VERIFIED = "verified", _("Verified")

    opd = models.ForeignKey(
        "opd.Opd", verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+"
    )
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="reports"
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["quarter", "opd__name", "revision"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "quarter", "revision"], name="report_revision_unique"
            )
        ]

    def __str__(self):
        label = f"{self.opd} — {self.quarter}"
        return label if self.revision == 1 else f"{label} (revisi {self.revision - 1})"

    def save(self, *args, **kwargs):
        if not self._state.adding and self._verified_in_db():
            raise FrozenReport(f"report #{self.pk} is verified and cannot be changed")
        super().save(*args, **kwargs)

    def _verified_in_db(self) -> bool:
        return Report.objects.filter(pk=self.pk, status=self.Status.VERIFIED).exists()

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def days_late(self) -> int:
        """Days after the due date it was submitted (see :func:`days_late`)."""
        from django.utils import timezone

        def local(moment):
            return timezone.localtime(moment).date() if moment else None

        return days_late(
            self.quarter.due_date,
            submitted_on=local(self.submitted_at),
            closed_on=local(self.quarter.closed_at),
            today=timezone.localdate(),
        )


class ReportLine(models.Model):
    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed yet")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned with a comment")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="lines"
    )
    indicator = models.ForeignKey(
        "opd.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    pact = models.ForeignKey(
        "contracts.Document",
        verbose_name=_("signed pact"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    yearly_target = models.DecimalField(_("target for the year"), max_digits=20, decimal_places=4)
    target = models.DecimalField(_("target for the quarter"), max_digits=20, decimal_places=4)
    realization = models.DecimalField(
        _("realisation"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    numerator = models.DecimalField(
        _("numerator"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    narrative = models.TextField(_("narrative"), blank=True)
    obstacles = models.TextField(_("obstacles (kendala)"), blank=True)
    follow_up = models.TextField(_("follow-up (tindak lanjut)"), blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_comment = models.TextField(_("comment"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["report", "order", "pk"]
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="report_line_unique")
        ]

    def __str__(self):
        return f"{self.report}: {self.indicator}"

    def save(self, *args, **kwargs):
        if Report.objects.filter(pk=self.report_id, status=Report.Status.VERIFIED).exists():
            raise FrozenReport(f"report #{self.report_id} is verified: its lines cannot change")
        super().save(*args, **kwargs)


def evidence_path(instance, filename):
    return f"monitoring/{uuid.uuid4().hex}.{files.extension_for(instance.content_type)}"


class Evidence(models.Model):
    line = models.ForeignKey(
        ReportLine, verbose_name=_("report line"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["line", "uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class Sanction(models.Model):
    """A consequence of the quarterly results (DESIGN.md §8): a rompi, a recommendation
    to hand the position to someone else, or a public recognition.

    The rules in ``monitoring.consequences`` propose one per rule, unit and period
    (``quarter`` 0 is the whole year); the panel confirms or dismisses it.
    """

    class Kind(models.TextChoices):
        ROMPI = "rompi", _("Rompi (vest)")
        HANDOVER = "handover", _("Recommendation to hand the position to someone else")
        RECOGNITION = "recognition", _("Public recognition")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    class Rule(models.TextChoices):
        VERY_LOW_TWICE = "very_low_twice", _("Very low band two quarters running")
        LATE_REPORT = "late_report", _("Report late")
        ALL_TARGETS_MET = "all_targets_met", _("Every indicator at or above target for the year")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    opd = models.ForeignKey(
        "opd.Opd", verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+"
    )
    official = models.ForeignKey(
        "opd.Official",
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), default=0, help_text=_("0 for the whole year.")
    )
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices, blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    vest_words = models.CharField(_("words on the back"), max_length=40, blank=True)
    starts_on = models.DateField(_("worn from"), null=True, blank=True)
    ends_on = models.DateField(_("worn until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-year", "-quarter", "opd__name", "pk"]
        verbose_name = _("sanction or reward")
        verbose_name_plural = _("sanctions and rewards")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "opd", "year", "quarter"],
                condition=~Q(rule=""),
                name="sanction_once_per_rule_unit_period",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0) & Q(quarter__lte=4), name="sanction_quarter_0_to_4"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="sanction_worn_until_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.opd} — {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.quarter:
            return f"TW {ROMAN[self.quarter]} {self.year}"
        return str(self.year)
