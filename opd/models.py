import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opd import files, units


class Opd(models.Model):
    """A unit of the city government: a dinas, badan, kantor, bagian or kecamatan."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        KANTOR = "kantor", _("Kantor")
        BAGIAN = "bagian", _("Bagian")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        KECAMATAN = "kecamatan", _("Kecamatan")

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short code used in links, e.g. dinkes.")
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPDs")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("opd:detail", args=[self.code])

    @property
    def display_name(self):
        return self.short_name or self.name


class Position(models.Model):
    """A post (jabatan) that people hold in turn, e.g. Kepala Dinas Kesehatan.

    A position without an OPD belongs to the city as a whole (Walikota, Sekda).
    """

    opd = models.ForeignKey(
        Opd,
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    title = models.CharField(pgettext_lazy("position", "title"), max_length=200)
    is_head = models.BooleanField(
        _("head of the unit"),
        default=False,
        help_text=_("The holder answers offers and signs for the unit."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["opd__name", "-is_head", "title"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["opd", "title"], name="position_title_unique_per_opd"),
            models.UniqueConstraint(
                fields=["opd"], condition=Q(is_head=True), name="one_head_position_per_opd"
            ),
        ]

    def __str__(self):
        return self.title


class Official(models.Model):
    """A civil servant or elected official, with or without a login."""

    name = models.CharField(_("name"), max_length=150)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        help_text=_("18-digit civil servant number; empty for elected officials."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        constraints = [
            models.UniqueConstraint(
                fields=["nip"], condition=~Q(nip=""), name="official_nip_unique"
            )
        ]

    def __str__(self):
        return self.name


class TenureQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class Tenure(models.Model):
    """Who held which position when; ``is_acting`` marks a Plt. (acting official)."""

    official = models.ForeignKey(
        Official, verbose_name=_("official"), on_delete=models.PROTECT, related_name="tenures"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="tenures"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    is_acting = models.BooleanField(_("acting (Plt.)"), default=False)

    objects = TenureQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("tenure")
        verbose_name_plural = _("tenures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="tenure_ends_after_start",
            )
        ]

    def __str__(self):
        prefix = "Plt. " if self.is_acting else ""
        return f"{prefix}{self.position} — {self.official}"

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


# --- The data room: what a unit brings to the auction -------------------------


class Period(models.Model):
    """A medium-term planning period (RPJMD), e.g. 2018–2023; programs belong to one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    is_current = models.BooleanField(
        _("current"), default=False, help_text=_("The period whose data rooms are open.")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("planning period")
        verbose_name_plural = _("planning periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="period_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_period"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Theme(models.Model):
    """A theme carried by several units together, e.g. Penurunan Angka Kematian Ibu."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("opd:theme", args=[self.code])


class DataRoom(models.Model):
    """One unit's case for one period: its programs, indicators and evidence.

    Staff and head edit it while it is a draft or returned; the head submits it;
    Bappeda returns it with comments or marks it ready for the agenda.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        RETURNED = "returned", _("Returned for revision")
        READY = "ready", _("Ready for the session")

    opd = models.ForeignKey(
        Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="data_rooms"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="data_rooms"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        ordering = ["opd__name"]
        verbose_name = _("data room")
        verbose_name_plural = _("data rooms")
        constraints = [
            models.UniqueConstraint(fields=["opd", "period"], name="one_data_room_per_opd_period")
        ]

    def __str__(self):
        return f"{self.opd} — {self.period}"

    def get_absolute_url(self):
        return reverse("opd:data_room", args=[self.opd.code])

    @property
    def owner_data_room(self) -> "DataRoom":
        return self

    @property
    def owner_opd_id(self) -> int:
        return self.opd_id

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


def is_percentage_unit(unit: str | None) -> bool:
    """The satuan is a share ("%"): every value of the indicator lies in 0–100.

    A percentage that may pass 100 or go below 0 has a satuan of its own
    ("% pertumbuhan", "% rasio"); see ``opd.units``.
    """
    return units.is_share(unit)


def outside_unit_range(value, unit: str) -> bool:
    """True when ``value`` cannot be a value in this satuan (130 %, 8,67 kelurahan)."""
    return units.value_problem(value, unit) is not None


class DataRoomPart:
    """Mixin for everything inside a data room: who owns it, and is it open for editing."""

    @property
    def owner_data_room(self) -> "DataRoom":
        raise NotImplementedError

    @property
    def owner_opd_id(self) -> int:
        return self.owner_data_room.opd_id


class StrategicObjective(DataRoomPart, models.Model):
    """A strategic objective (sasaran strategis) of the unit: what its indicators serve.

    The yearly Perjanjian Kinerja lists each indicator under its objective
    (PermenPAN-RB 53/2014: No | Sasaran Strategis | Indikator Kinerja | Target).
    """

    data_room = models.ForeignKey(
        DataRoom, verbose_name=_("data room"), on_delete=models.CASCADE, related_name="objectives"
    )
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        constraints = [
            models.UniqueConstraint(fields=["data_room", "name"], name="objective_name_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.data_room


class Program(DataRoomPart, models.Model):
    class Kind(models.TextChoices):
        PROGRAM = "program", _("Program")
        INNOVATION = "innovation", _("Innovation")

    data_room = models.ForeignKey(
        DataRoom, verbose_name=_("data room"), on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROGRAM)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(
        _("budget (Rp)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.UniqueConstraint(fields=["data_room", "name"], name="program_name_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.data_room


class Indicator(DataRoomPart, models.Model):
    """A measurable indicator anchored on its baseline (titik nol)."""

    class Polarity(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")
        RANGE = "range", _("Within a range")

    class Aggregation(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative (sum of quarters)")
        LAST = "last", _("Last value (stock or rate)")
        AVERAGE = "average", _("Average of quarters")
        # Reported as numerator and denominator each quarter (e.g. maternal deaths and
        # live births); the year's value is the ratio of the sums, times ``ratio_per``.
        RATIO = "ratio", _("Ratio of sums (numerator and denominator)")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="indicators"
    )
    # Required in the forms and the Excel import; nullable so rows made before
    # objectives existed could migrate (the checklist names what still lacks one).
    objective = models.ForeignKey(
        StrategicObjective,
        verbose_name=_("strategic objective"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=300)
    definition = models.TextField(_("definition / formula"), blank=True)
    unit = models.CharField(_("unit (satuan)"), max_length=60)
    polarity = models.CharField(
        _("polarity"), max_length=10, choices=Polarity.choices, default=Polarity.HIGHER
    )
    range_min = models.DecimalField(
        _("range from"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    range_max = models.DecimalField(
        _("range to"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    aggregation = models.CharField(
        _("quarterly aggregation"),
        max_length=12,
        choices=Aggregation.choices,
        default=Aggregation.LAST,
    )
    ratio_per = models.DecimalField(
        _("ratio per"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        help_text=_("For a ratio: per how many, e.g. 100000 for “per 100.000 kelahiran hidup”."),
    )
    is_public = models.BooleanField(
        _("shown on the public page"),
        default=False,
        help_text=_(
            "Bappeda marks the indicators whose signed target and realisation the public sees."
        ),
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=20, decimal_places=4)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    baseline_source = models.CharField(_("baseline source"), max_length=300)
    target_value = models.DecimalField(
        _("proposed end target"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="indicator_name_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.program.data_room

    @property
    def is_percentage(self) -> bool:
        return is_percentage_unit(self.unit)


class Comparator(DataRoomPart, models.Model):
    """Something to hold the baseline and target against."""

    class Kind(models.TextChoices):
        REGION = "region", _("Other region")
        PROVINCE = "province", _("Province")
        NATIONAL = "national", _("National")
        STANDARD = "standard", _("Standard (SPM)")
        EARLIER = "earlier", _("Own earlier year")

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="comparators",
    )
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["kind", "label"]
        verbose_name = _("comparator")
        verbose_name_plural = _("comparators")

    def __str__(self):
        return f"{self.label} ({self.year})"

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.indicator.program.data_room


class SupportingTable(DataRoomPart, models.Model):
    """A small breakdown table, e.g. ibu hamil per kecamatan."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="supporting_tables",
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    value_label = models.CharField(_("value column"), max_length=100, default="Jumlah")
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("supporting table")
        verbose_name_plural = _("supporting tables")

    def __str__(self):
        return self.title

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.indicator.program.data_room


class SupportingRow(DataRoomPart, models.Model):
    table = models.ForeignKey(
        SupportingTable, verbose_name=_("table"), on_delete=models.CASCADE, related_name="rows"
    )
    label = models.CharField(_("label"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("supporting row")
        verbose_name_plural = _("supporting rows")

    def __str__(self):
        return self.label

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.table.indicator.program.data_room


class CaseExample(DataRoomPart, models.Model):
    """A concrete case behind the numbers (a village, a family, a school)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="cases"
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("case example")
        verbose_name_plural = _("case examples")

    def __str__(self):
        return self.title

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.indicator.program.data_room


def attachment_path(instance, filename):
    # A random name: files are served through a permission-checked view only. The
    # extension is that of the content found in the file (opd.files), not the upload's.
    return f"dataroom/{uuid.uuid4().hex}.{files.extension_for(instance.content_type)}"


class Attachment(DataRoomPart, models.Model):
    data_room = models.ForeignKey(
        DataRoom, verbose_name=_("data room"), on_delete=models.CASCADE, related_name="attachments"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("opd:attachment", args=[self.pk])

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.data_room


class Submission(DataRoomPart, models.Model):
    """One submission of a data room, frozen as a snapshot, and its review outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        RETURNED = "returned", _("Returned")
        READY = "ready", _("Marked ready")

    data_room = models.ForeignKey(
        DataRoom, verbose_name=_("data room"), on_delete=models.CASCADE, related_name="submissions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content as submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # A version marked ready can be reopened once by Bappeda (the room goes back to the
    # unit, whose next submission is a new version); the reason is shown to the unit.
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["data_room", "number"], name="submission_number_unique")
        ]

    def __str__(self):
        return f"{self.data_room} v{self.number}"

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.data_room


class ReviewComment(DataRoomPart, models.Model):
    """Bappeda's comment on a submission, on the whole, a program or an indicator."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="comments"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), null=True, blank=True, on_delete=models.SET_NULL
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.SET_NULL
    )
    subject = models.CharField(_("about"), max_length=300, blank=True)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self):
        return self.text[:60]

    @property
    def owner_data_room(self) -> "DataRoom":
        return self.submission.data_room
