"""Forms of the live session: the panel's offer and the head's answer."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auctions.models import Auction, Decision, Session
from auctions.targets import AmbitionWarning, IndicatorFacts, grid_warnings, value_problem
from opd.forms import DecimalInput, NumberField


def _target_field(label: str, required: bool = True) -> NumberField:
    # The data room's parser: "0.125" on an Indonesian page is refused, never read as 125.
    return NumberField(
        label=label,
        required=required,
        widget=DecimalInput(attrs={"size": 8}),
        error_messages={"required": gettext_lazy("Fill in this year.")},
    )


class TargetGrid:
    """Fields named ``<prefix>_<indicator>_<year>``, one per indicator and year."""

    grid_prefix = "t"

    def add_grid(
        self, indicators, years, initial: dict[tuple[int, int], Decimal], required: bool
    ) -> None:
        self.grid = []
        for indicator in indicators:
            row = []
            for year in years:
                name = f"{self.grid_prefix}_{indicator.pk}_{year}"
                self.fields[name] = _target_field(f"{indicator.name} {year}", required=required)
                if (indicator.pk, year) in initial:
                    self.initial[name] = initial[(indicator.pk, year)]
                row.append((year, name))
            self.grid.append((indicator, row))

    def grid_rows(self):
        """(indicator, [(year, bound field)]) for templates."""
        return [(ind, [(year, self[name]) for year, name in row]) for ind, row in self.grid]

    def grid_values(self, *, up_to: int | None = None) -> dict[tuple[int, int], Decimal]:
        values = {}
        for indicator, row in self.grid:
            for year, name in row:
                value = self.cleaned_data.get(name)
                if value is not None and (up_to is None or year <= up_to):
                    values[(indicator.pk, year)] = value
        return values

    def check_units(self) -> None:
        for indicator, row in self.grid:
            for _year, name in row:
                value = self.cleaned_data.get(name)
                problem = value is not None and value_problem(value, unit=indicator.unit)
                if problem:
                    self.add_error(name, problem)


class OfferForm(TargetGrid, forms.Form):
    """The panel's offer to one unit: a target per indicator and year up to the deadline."""

    deadline_year = forms.TypedChoiceField(label=gettext_lazy("Deadline"), coerce=int)
    note = forms.CharField(label=gettext_lazy("Note to the unit"), max_length=500, required=False)
    # Set by the "Send anyway" button, after the panel has seen the ambition warnings.
    send_anyway = forms.BooleanField(required=False)

    def __init__(self, *args, indicators, years, initial_values, deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline_year"].choices = [(y, str(y)) for y in years]
        self.initial.setdefault("deadline_year", deadline)
        self.years = years
        # Years after the chosen deadline may stay empty; checked in clean().
        self.add_grid(indicators, years, initial_values, required=False)

    def ambition_warnings(self) -> list[AmbitionWarning]:
        """The ambition check (``auctions.targets``) on the values shown: the pre-filled
        ones, or what is typed so far (cells that are not numbers yet are skipped)."""
        if self.is_bound:
            self.is_valid()
            values = self.grid_values(up_to=self.cleaned_data.get("deadline_year"))
        else:
            deadline = self.initial["deadline_year"]
            values = {
                (indicator.pk, year): self.initial[name]
                for indicator, row in self.grid
                for year, name in row
                if year <= deadline and self.initial.get(name) is not None
            }
        return grid_warnings([IndicatorFacts.of(ind) for ind, _row in self.grid], values)

    def clean(self):
        data = super().clean()
        deadline = data.get("deadline_year")
        if deadline is None:
            return data
        for _indicator, row in self.grid:
            for year, name in row:
                if year <= deadline and data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Fill in the target for %(year)s.") % {"year": year})
        self.check_units()
        return data


class DecisionForm(TargetGrid, forms.Form):
    """The head's answer. ``offer`` names the version answered, so a stale screen fails."""

    grid_prefix = "c"
    offer = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=gettext_lazy("Your answer"), choices=Decision.Kind.choices, widget=forms.RadioSelect
    )
    reason_category = forms.ChoiceField(
        label=gettext_lazy("Reason category"),
        choices=[("", "—"), *Decision.Reason.choices],
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    password = forms.CharField(
        label=gettext_lazy("Your password (to confirm)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, offer=None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = list(offer.targets.select_related("indicator")) if offer else []
        indicators = list({t.indicator_id: t.indicator for t in targets}.values())
        years = sorted({t.year for t in targets})
        initial = {(t.indicator_id, t.year): t.value for t in targets}
        if offer is not None:
            self.initial["offer"] = offer.pk
        self.add_grid(indicators, years, initial, required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in (Decision.Kind.REFUSE, Decision.Kind.COUNTER) and not data.get("reason"):
            self.add_error("reason", _("Give the reason for this answer."))
        if kind == Decision.Kind.REFUSE and not data.get("reason_category"):
            self.add_error("reason_category", _("Choose the category of the reason."))
        if kind == Decision.Kind.COUNTER:
            for _indicator, row in self.grid:
                for _year, name in row:
                    if data.get(name) is None and name not in self.errors:
                        self.add_error(name, _("Fill in this year."))
            self.check_units()
        return data


class AddItemForm(forms.Form):
    opd = forms.ModelChoiceField(label=gettext_lazy("OPD"), queryset=None, required=False)
    theme = forms.ModelChoiceField(label=gettext_lazy("or a theme"), queryset=None, required=False)
    time_box = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=1, max_value=180, initial=15
    )

    def __init__(self, *args, **kwargs):
        from opd.models import Opd, Theme

        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = Opd.objects.order_by("name")
        self.fields["theme"].queryset = Theme.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if bool(data.get("opd")) == bool(data.get("theme")):
            raise forms.ValidationError(_("Choose either an OPD or a theme."))
        return data


class PostponeForm(forms.Form):
    to_session = forms.ModelChoiceField(label=gettext_lazy("Postpone to"), queryset=None)

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_session"].queryset = (
            Session.objects.filter(auction=session.auction)
            .exclude(pk=session.pk)
            .exclude(status=Session.Status.CLOSED)
        )


class HandOverForm(forms.Form):
    """Bappeda appoints the unit's next head on the spot: an official on record, or a new
    one with a login (the one-time password is shown once)."""

    MODE_EXISTING, MODE_NEW = "existing", "new"

    mode = forms.ChoiceField(
        label=gettext_lazy("Who"),
        choices=[
            (MODE_EXISTING, gettext_lazy("An official on record")),
            (MODE_NEW, gettext_lazy("A new official")),
        ],
        initial=MODE_EXISTING,
        widget=forms.RadioSelect,
    )
    official = forms.TypedChoiceField(
        label=gettext_lazy("Official"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    nip = forms.CharField(label=gettext_lazy("NIP (18 digits)"), max_length=18, required=False)
    title = forms.CharField(
        label=gettext_lazy("Own position (jabatan)"), max_length=200, required=False
    )
    username = forms.RegexField(
        label=gettext_lazy("Username for the login"),
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        required=False,
        error_messages={
            "invalid": gettext_lazy("Use letters, digits and . @ + - _ only, without spaces.")
        },
    )
    reason = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=500, required=False)

    def __init__(self, *args, candidates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {row["official"].pk: row["official"] for row in candidates}
        self.fields["official"].choices = [("", "—")] + [
            (pk, str(official)) for pk, official in self.candidates.items()
        ]

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.MODE_EXISTING:
            if not data.get("official"):
                self.add_error("official", _("Choose the official to appoint."))
            else:
                data["official"] = self.candidates[data["official"]]
        elif data.get("mode") == self.MODE_NEW:
            for name in ("name", "title", "username"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Fill this in for a new official."))
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why negotiate it again?"), max_length=1000, widget=forms.Textarea
    )


class SessionForm(forms.Form):
    """A session of an auction, as Bappeda plans it (the agenda is set in the console)."""

    auction = forms.ModelChoiceField(
        label=gettext_lazy("Performance auction"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the auctions listed.")},
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    day = forms.IntegerField(label=gettext_lazy("Day"), min_value=1, max_value=99, initial=1)
    round = forms.IntegerField(label=gettext_lazy("Round"), min_value=1, max_value=99, initial=1)
    date = forms.DateField(
        label=gettext_lazy("Date"),
        # Day first, as dates are written here (12/11/2018); a date picker's ISO value too.
        input_formats=["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        ),
        help_text=gettext_lazy("Day/month/year, e.g. 12/11/2018."),
        error_messages={
            "invalid": gettext_lazy("Type the date as day/month/year, e.g. 12/11/2018.")
        },
    )
    venue = forms.CharField(
        label=gettext_lazy("Venue"), max_length=200, initial="Ngalam Command Center"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auction"].queryset = Auction.objects.select_related("period")
