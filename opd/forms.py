"""Forms of the data room. Numbers are typed and shown in the separators of the active
language (1.234,5 or 1,234.5) and read by ``lelang.numbers.parse_number``."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lelang.numbers import NumberError, format_number, parse_number
from opd import files, units
from opd.models import (
    CaseExample,
    Comparator,
    Indicator,
    Program,
    StrategicObjective,
    SupportingRow,
    SupportingTable,
    Theme,
)

FIRST_YEAR = 1990
LAST_YEAR = 2100
UNIT_SUGGESTIONS = units.SUGGESTIONS
# Long texts (TextField in the database) get a limit in the form: a definition or a
# description is a paragraph, not a document.
DEFINITION_MAX_LENGTH = 2000
DESCRIPTION_MAX_LENGTH = 4000


class DecimalInput(forms.TextInput):
    """A text box for numbers: a number box would refuse the Indonesian decimal comma."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        # A stored Decimal keeps the column's four places: show it as the read views
        # do (2,67 and 10, not 2,6700); what the user typed is shown as typed.
        if isinstance(value, Decimal) and value.is_finite():
            return format_number(value)
        return super().format_value(value)


class NumberField(forms.DecimalField):
    """A decimal typed in the active language's convention, read by ``parse_number``:
    ambiguous text ("0.125" on an Indonesian page), other digits, "1_000" and "1e3" are
    refused with a message that says why. Digits and decimals are limited as in the
    model's column (20 and 4 by default)."""

    widget = DecimalInput

    def __init__(self, *, max_digits=20, decimal_places=4, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)  # an initial value, not typed text
        try:
            return parse_number(str(value))
        except NumberError as error:
            raise forms.ValidationError(error.message, code="invalid") from None


def number_field(label, required=True, **kwargs) -> NumberField:
    return NumberField(label=label, required=required, widget=DecimalInput(), **kwargs)


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


def check_unit(value: Decimal | None, unit: str) -> None:
    """Refuse a value its satuan does not allow (130 %, 8,67 kelurahan); see ``opd.units``."""
    problem = units.value_sentence(value, unit)
    if problem:
        raise forms.ValidationError(problem)


def limit_length(form: forms.BaseForm, name: str, max_length: int) -> None:
    """Give a text field without a database limit (a TextField) one in the form."""
    field = form.fields[name]
    field.max_length = max_length
    field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs["maxlength"] = str(max_length)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 4}))
        super().__init__(**kwargs)


class ProgramForm(forms.ModelForm):
    # Whole rupiah, as the column stores them (18 digits, no decimals).
    budget = number_field(
        gettext_lazy("Budget (Rp)"), required=False, max_digits=18, decimal_places=0
    )

    class Meta:
        model = Program
        fields = ["name", "kind", "description", "budget"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, data_room=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.data_room = data_room or (self.instance.data_room if self.instance.pk else None)
        limit_length(self, "description", DESCRIPTION_MAX_LENGTH)

    def clean_name(self):
        name = files.clean_text(self.cleaned_data["name"]).strip()
        others = Program.objects.filter(data_room=self.data_room, name__iexact=name)
        if self.data_room and others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This data room already has a program with this name."))
        return name


class StrategicObjectiveForm(forms.ModelForm):
    """The name of a strategic objective; ``opd.services.objective_save`` checks it
    (cleaned, unique in the room ignoring case) and saves it."""

    class Meta:
        model = StrategicObjective
        fields = ["name"]
        labels = {"name": gettext_lazy("Strategic objective")}
        help_texts = {
            "name": gettext_lazy(
                "As in the performance agreement, e.g. “Meningkatnya derajat kesehatan masyarakat”."
            )
        }


class IndicatorForm(forms.ModelForm):
    baseline_value = number_field(gettext_lazy("Baseline value"))
    baseline_year = YearField(label=gettext_lazy("Baseline year"))
    target_value = number_field(gettext_lazy("Proposed end target"), required=False)
    target_year = YearField(label=gettext_lazy("Target year"), required=False)
    range_min = number_field(gettext_lazy("Range from"), required=False)
    range_max = number_field(gettext_lazy("Range to"), required=False)
    ratio_per = number_field(gettext_lazy("Ratio per"), required=False)

    class Meta:
        model = Indicator
        fields = [
            "objective",
            "name",
            "definition",
            "unit",
            "polarity",
            "range_min",
            "range_max",
            "aggregation",
            "ratio_per",
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
                "“%” is a share: values lie between 0 and 100. For a percentage that may "
                "go below 0 or above 100 write “% pertumbuhan” or “% rasio”. Counts "
                "(orang, kelurahan, sekolah…) are whole numbers."
            ),
        }

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self, "definition", DEFINITION_MAX_LENGTH)
        self.fields["theme"].queryset = Theme.objects.order_by("name")
        self.fields["theme"].required = False
        self.program = program or (self.instance.program if self.instance.pk else None)
        self._limit_objectives()

    def _limit_objectives(self) -> None:
        """Only the strategic objectives of the indicator's own data room; required."""
        field = self.fields["objective"]
        field.required = True
        room_id = self.program.data_room_id if self.program else None
        field.queryset = StrategicObjective.objects.filter(data_room_id=room_id)
        choices = list(field.queryset.values_list("pk", flat=True)[:2])
        if len(choices) == 1 and not self.instance.pk:
            field.initial = choices[0]  # the only one there is: nothing to choose
        if choices:
            field.error_messages["required"] = _(
                "Choose the strategic objective this indicator serves."
            )
            return
        field.help_text = format_html(
            '{} <a href="#objectives">{}</a>',
            _("This data room has no strategic objective yet."),
            _("Add one under “Strategic objectives” first."),
        )
        field.error_messages["required"] = _(
            "This data room has no strategic objective yet: add one under “Strategic "
            "objectives” on this page first, then choose it here."
        )

    def clean_name(self):
        name = files.clean_text(self.cleaned_data["name"]).strip()
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
                check_unit(data.get(name), unit)
            except forms.ValidationError as error:
                self.add_error(name, error)
        per = data.get("ratio_per")
        if data.get("aggregation") == Indicator.Aggregation.RATIO:
            if per is None or per <= 0 or per != per.to_integral_value():
                self.add_error(
                    "ratio_per",
                    _(
                        "A ratio is reported per a whole number, e.g. 100.000 "
                        "(per 100.000 kelahiran hidup)."
                    ),
                )
        elif per is not None:
            data["ratio_per"] = None  # only a ratio has one
        target, baseline = data.get("target_year"), data.get("baseline_year")
        if target and baseline and target < baseline:
            self.add_error("target_year", _("The target year cannot be before the baseline year."))
        # A target or year already refused (a year of 1800) is not "missing" as well.
        refused = self.has_error("target_value") or self.has_error("target_year")
        if not refused and (data.get("target_value") is None) != (target is None):
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
        check_unit(value, self.indicator.unit)
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

    def __init__(self, *args, table: SupportingTable | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if self.table is not None:
            check_unit(
                value, units.supporting_unit(self.table.value_label, self.table.indicator.unit)
            )
        return value


class CaseExampleForm(forms.ModelForm):
    class Meta:
        model = CaseExample
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self, "description", DESCRIPTION_MAX_LENGTH)


# What may be uploaded, by the content found in the file (never by its name); see opd.files.
ALLOWED_UPLOADS = {mime: label for mime, (label, _ext, _aliases) in files.ALLOWED.items()}
detect_content_type = files.detect_content_type


def check_upload(upload) -> str:
    """The rules for every evidence file (data room, quarterly reports): not empty,
    at most ``LELANG_UPLOAD_MAX_BYTES``, an allowed kind by its content. Returns the
    content type found; raises ``ValidationError`` with what is wrong."""
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
            % {"name": files.clean_text(upload.name), "kinds": files.kinds_text()}
        )
    return content_type


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
        self.fields["indicator"].empty_label = _("The data room as a whole")
        self.content_type = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = check_upload(upload)
        return upload

    def clean_description(self):
        return files.clean_text(self.cleaned_data["description"]).strip()


class ReviewCommentForm(forms.Form):
    about = forms.ChoiceField(label=gettext_lazy("About"))
    text = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, programs, require_text=True, **kwargs):
        super().__init__(*args, **kwargs)
        # "Add comment" needs a text; returning or marking ready takes the text in the
        # box along if there is one, so the field is not marked as required.
        self.require_text = require_text
        self.fields["text"].required = False
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

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if self.require_text and not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        return text

    @property
    def target(self):
        """(program, indicator) the comment is about."""
        return self._targets.get(self.cleaned_data.get("about", ""), (None, None))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for reopening"),
        help_text=gettext_lazy("The unit reads it: say what has to change."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=DESCRIPTION_MAX_LENGTH,
    )


CURRENT_CONTENT = "now"


class VersionCompareForm(forms.Form):
    """Pick two versions to compare; the second may be the content as it is now."""

    old = forms.TypedChoiceField(label=gettext_lazy("Compare version"), coerce=int)
    new = forms.ChoiceField(label=gettext_lazy("with"))

    def __init__(self, data=None, *, numbers: list[int]):
        if not data and numbers:
            # By default the last change: the two latest versions, or the only one
            # against what the data room holds now.
            newest = numbers[-1]
            data = {"old": newest - 1, "new": newest} if len(numbers) > 1 else {"old": newest}
            data.setdefault("new", CURRENT_CONTENT)
        super().__init__(data)
        versions = [(n, _("Version %(number)s") % {"number": n}) for n in reversed(numbers)]
        self.fields["old"].choices = versions
        self.fields["new"].choices = [
            *((str(n), label) for n, label in versions),
            (CURRENT_CONTENT, _("The data room now (not submitted)")),
        ]

    def clean(self):
        data = super().clean()
        if data.get("old") is not None and data.get("new") == str(data["old"]):
            raise forms.ValidationError(_("Choose two different versions."))
        return data

    def pair(self) -> tuple[int, int | None]:
        """(earlier, later) version numbers; later is None for the content as it is now."""
        old, new = self.cleaned_data["old"], self.cleaned_data["new"]
        if new == CURRENT_CONTENT:
            return old, None
        return min(old, int(new)), max(old, int(new))
