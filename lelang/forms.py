from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lelang.audit_log import action_choices
from lelang.models import User
from opd.models import Opd


class LoginForm(AuthenticationForm):
    def get_invalid_login_error(self):
        return ValidationError(
            _(
                "Wrong username or password. Capital letters matter. After %(limit)s wrong "
                "tries in a row the account is locked for a while."
            )
            % {"limit": settings.AXES_FAILURE_LIMIT},
            code="invalid_login",
        )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Two people may share a name; their usernames differ.
        return f"{obj.name} ({obj.username})" if obj.name else obj.username


class AuditFilterForm(forms.Form):
    """The audit log's filters (GET). Invalid values are reported and ignored."""

    DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    person = PersonChoiceField(
        label=gettext_lazy("Who"),
        queryset=User.objects.order_by("name", "username"),
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD"),
        queryset=Opd.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All OPDs"),
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        ),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        ),
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *action_choices(actions)]
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = _(
                "Type the date as day/month/year, e.g. 12/11/2018."
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters only (an invalid one is shown as an error, not applied)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "") and name not in self.errors
        }
