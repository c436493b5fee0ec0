"""Forms of the quarterly report screens. Numbers are typed the active language's way
(1.234,5) and read by ``opd.forms.number_field``; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opd.forms import limit_length, number_field
from opd.models import Indicator

TEXT_MAX_LENGTH = 4000


class LineForm(forms.Form):
    """One report line: the realisation (a ratio as numerator and denominator) and its texts."""

    realization = number_field(_("Realisation"), required=False)
    numerator = number_field(_("Numerator"), required=False)
    denominator = number_field(_("Denominator"), required=False)
    narrative = forms.CharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    obstacles = forms.CharField(
        label=_("Obstacles (kendala)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(
        label=_("Follow-up (tindak lanjut)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, line, **kwargs):
        kwargs.setdefault("prefix", f"line-{line.pk}")
        if not args or args[0] is None:
            kwargs.setdefault(
                "initial",
                {
                    "realization": line.realization,
                    "numerator": line.numerator,
                    "denominator": line.denominator,
                    "narrative": line.narrative,
                    "obstacles": line.obstacles,
                    "follow_up": line.follow_up,
                },
            )
        super().__init__(*args, **kwargs)
        self.is_ratio = line.indicator.aggregation == Indicator.Aggregation.RATIO
        if self.is_ratio:
            del self.fields["realization"]
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            self.fields["realization"].help_text = line.indicator.unit
        for name in ("narrative", "obstacles", "follow_up"):
            limit_length(self, name, TEXT_MAX_LENGTH)

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "realization": data.get("realization"),
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "narrative": data["narrative"],
            "obstacles": data["obstacles"],
            "follow_up": data["follow_up"],
        }


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))

    def __init__(self, *args, line, **kwargs):
        kwargs.setdefault("prefix", f"evidence-{line.pk}")
        super().__init__(*args, **kwargs)


class DueDateForm(forms.Form):
    due_date = forms.DateField(
        label=_("Report due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
