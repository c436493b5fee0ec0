"""Forms of the data room. Numbers are typed and shown the Indonesian way (1.234,5)."""

from decimal import Decimal

import filetype
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lelang.templatetags.numbers import format_angka
from opd.models import (
    CaseExample,
    Comparator,
    Indicator,
    Program,
    SupportingRow,
    SupportingTable,
    Theme,
    outside_unit_range,
)

FIRST_YEAR = 1990
LAST_YEAR = 2100
UNIT_SUGGESTIONS = [
    "%",
    "orang",
    "kasus",
    "per 100.000 kelahiran hidup",
    "per 1.000 kelahiran hidup",
    "indeks",
    "nilai",
    "unit",
    "km",
    "hektare",
    "Rp",
    "dokumen",
    "kelurahan",
    "sekolah",
]


class DecimalInput(forms.TextInput):
    """A text box for Indonesian numbers: a number box would refuse the comma."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        # A stored Decimal keeps the column's four places: show it as the read views
        # do (2,67 and 10, not 2,6700); what the user typed is shown as typed.
        if isinstance(value, Decimal) and value.is_finite():
            return format_angka(value)
        return super().format_value(value)


def number_field(label, required=True, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        localize=True,
        max_digits=20,
        decimal_places=4,
        widget=DecimalInput(),
        **kwargs,
    )


def check_year(value, *, label, allow_future=False) -> None:
    this_year = timezone.localdate().year
    if value is None:
        return
    if value < FIRST_YEAR or value > LAST_YEAR:
        raise forms.ValidationError(
            _("%(label)s must be between %(first)s and %(last)s.")
            % {"label": label, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if not allow_future and value > this_year:
        raise forms.ValidationError(
            _("%(label)s %(year)s is in the future; use a year up to %(now)s.")
            % {"label": label, "year": value, "now": this_year}
        )


def check_percentage(value: Decimal | None, unit: str) -> None:
    if outside_unit_range(value, unit):
        raise forms.ValidationError(_("A percentage must be between 0 and 100."))


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))
        super().__init__(**kwargs)


class ProgramForm(forms.ModelForm):
    budget = number_field(gettext_lazy("Budget (Rp)"), required=False)

    class Meta:
        model = Program
        fields = ["name", "kind", "description", "budget"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, data_room=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_room = data_room or (self.instance.data_room if self.instance.pk else None)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Program.objects.filter(data_room=self.data_room, name__iexact=name)
        if self.data_room and others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This data room already has a program with this name."))
        return name


class IndicatorForm(forms.ModelForm):
    baseline_value = number_field(gettext_lazy("Baseline value"))
    baseline_year = YearField(label=gettext_lazy("Baseline year"))
    target_value = number_field(gettext_lazy("Proposed end target"), required=False)
    target_year = YearField(label=gettext_lazy("Target year"), required=False)
    range_min = number_field(gettext_lazy("Range from"), required=False)
    range_max = number_field(gettext_lazy("Range to"), required=False)

    class Meta:
        model = Indicator
        fields = [
            "name",
            "definition",
            "unit",
            "polarity",
            "range_min",
            "range_max",
            "aggregation",
            "data_source",
            "baseline_value",
            "baseline_year",
            "baseline_source",
            "target_value",
            "target_year",
            "theme",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 2}),
            "unit": forms.TextInput(attrs={"list": "unit-suggestions", "size": 12}),
        }
        help_texts = {
            "unit": gettext_lazy(
                "For a percentage write “%”: values must then lie between 0 and 100."
            ),
        }

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.order_by("name")
        self.fields["theme"].required = False
        self.program = program or (self.instance.program if self.instance.pk else None)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Indicator.objects.filter(program=self.program, name__iexact=name)
        if self.program and others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This program already has an indicator with this name."))
        return name

    def clean_baseline_year(self):
        year = self.cleaned_data.get("baseline_year")
        check_year(year, label=_("The baseline year"))
        return year

    def clean_target_year(self):
        year = self.cleaned_data.get("target_year")
        check_year(year, label=_("The target year"), allow_future=True)
        return year

    def clean(self):
        data = super().clean()
        unit = data.get("unit") or ""
        for name in ("baseline_value", "target_value", "range_min", "range_max"):
            try:
                check_percentage(data.get(name), unit)
            except forms.ValidationError as error:
                self.add_error(name, error)
        target, baseline = data.get("target_year"), data.get("baseline_year")
        if target and baseline and target < baseline:
            self.add_error("target_year", _("The target year cannot be before the baseline year."))
        if (data.get("target_value") is None) != (target is None):
            self.add_error(
                "target_value" if data.get("target_value") is None else "target_year",
                _("Give both the proposed end target and its year, or neither."),
            )
        if data.get("polarity") == Indicator.Polarity.RANGE:
            low, high = data.get("range_min"), data.get("range_max")
            if low is None or high is None:
                self.add_error("range_min", _("An indicator “within a range” needs both bounds."))
            elif low > high:
                self.add_error("range_max", _("The upper bound must not be below the lower one."))
        return data


class ComparatorForm(forms.ModelForm):
    value = number_field(gettext_lazy("Value"))
    year = YearField(label=gettext_lazy("Year"))

    class Meta:
        model = Comparator
        fields = ["label", "kind", "value", "year", "source"]

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_year(self):
        year = self.cleaned_data.get("year")
        check_year(year, label=_("The comparator's year"))
        return year

    def clean_value(self):
        value = self.cleaned_data.get("value")
        check_percentage(value, self.indicator.unit)
        return value


class SupportingTableForm(forms.ModelForm):
    class Meta:
        model = SupportingTable
        fields = ["title", "value_label", "source"]


class SupportingRowForm(forms.ModelForm):
    value = number_field(gettext_lazy("Value"))

    class Meta:
        model = SupportingRow
        fields = ["label", "value", "note"]


class CaseExampleForm(forms.ModelForm):
    class Meta:
        model = CaseExample
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


# What may be uploaded, by the content found in the file (never by its name).
ALLOWED_UPLOADS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
}


def detect_content_type(upload) -> str | None:
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/zip":
        # Office files are zip archives; look deeper for their inner structure.
        kind = filetype.guess(upload.read())
        upload.seek(0)
    return kind.mime if kind else None


class AttachmentForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("About indicator"), queryset=Indicator.objects.none(), required=False
    )

    def __init__(self, *args, data_room, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            program__data_room=data_room
        ).order_by("program__order", "order", "pk")
        self.content_type = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.LELANG_UPLOAD_MAX_BYTES
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty (0 bytes). Choose the right file."))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        content_type = detect_content_type(upload)
        if content_type not in ALLOWED_UPLOADS:
            raise forms.ValidationError(
                _(
                    "“%(name)s” is not an allowed kind of file, whatever its name says. "
                    "Allowed: %(kinds)s."
                )
                % {"name": upload.name, "kinds": ", ".join(ALLOWED_UPLOADS.values())}
            )
        self.content_type = content_type
        return upload


class ReviewCommentForm(forms.Form):
    about = forms.ChoiceField(label=gettext_lazy("About"))
    text = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("The data room as a whole"))]
        self._targets = {"": (None, None)}
        for program in programs:
            key = f"p{program.pk}"
            choices.append((key, _("Program: %(name)s") % {"name": program.name}))
            self._targets[key] = (program, None)
            for indicator in program.indicators.all():
                key = f"i{indicator.pk}"
                choices.append((key, f"— {indicator.name}"))
                self._targets[key] = (None, indicator)
        self.fields["about"].choices = choices
        self.fields["about"].required = False

    @property
    def target(self):
        """(program, indicator) the comment is about."""
        return self._targets.get(self.cleaned_data.get("about", ""), (None, None))
