"""The mayor's list of proposed and decided consequences, and the page to decide one.

Everyone who reads every report sees the list; a unit's people see their own unit's
confirmed ones. Only the panel confirms (words and days of a rompi) or dismisses
(with a reason): the service checks it again.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from . import consequences
from .models import Sanction

TYPED = "__typed__"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConfirmForm(forms.Form):
    words = forms.ChoiceField(
        label=gettext_lazy("Words on the back"),
        required=False,
        choices=[(w, w) for w in consequences.VEST_WORDS]
        + [(TYPED, gettext_lazy("Other (type below)"))],
    )
    typed_words = forms.CharField(
        label=gettext_lazy("Other words"), required=False, max_length=consequences.VEST_WORDS_MAX
    )
    starts_on = forms.DateField(label=gettext_lazy("Worn from"), required=False, widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Worn until"), required=False, widget=DATE)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea)

    def vest_words(self) -> str:
        chosen = self.cleaned_data.get("words") or ""
        return self.cleaned_data.get("typed_words", "") if chosen == TYPED else chosen


class DismissForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea)


@require_GET
@login_required
@permission_required("monitoring.view_sanctions", raise_exception=True)
def sanction_list(request):
    year = request.GET.get("year", "")
    status = request.GET.get("status", "")
    year = int(year) if year.isdigit() else None
    status = status if status in Sanction.Status.values else None
    items = consequences.sanctions_for_user(request.user, year=year, status=status)
    years = sorted(set(Sanction.objects.values_list("year", flat=True)), reverse=True)
    return render(
        request,
        "monitoring/consequences.html",
        {
            "items": items,
            "year": year,
            "status": status,
            "years": years,
            "statuses": Sanction.Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sanction_detail(request, pk: int):
    sanction = consequences.get_sanction_for_user(request.user, pk)
    can_decide = request.user.has_perm("monitoring.decide_sanction", sanction)
    words = sanction.vest_words
    initial = {"words": words if words in consequences.VEST_WORDS else ""}
    confirm_form = ConfirmForm(initial=initial)
    dismiss_form = DismissForm()
    if request.method == "POST":
        action = request.POST.get("action")
        form = ConfirmForm(request.POST) if action == "confirm" else DismissForm(request.POST)
        if action == "confirm":
            confirm_form = form
        else:
            dismiss_form = form
        if form.is_valid():
            try:
                if action == "confirm":
                    consequences.sanction_confirm(
                        sanction=sanction,
                        user=request.user,
                        vest_words=form.vest_words(),
                        starts_on=form.cleaned_data["starts_on"],
                        ends_on=form.cleaned_data["ends_on"],
                        note=form.cleaned_data["note"],
                        request=request,
                    )
                    messages.success(request, _("The proposal is confirmed."))
                else:
                    consequences.sanction_dismiss(
                        sanction=sanction,
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                        request=request,
                    )
                    messages.success(request, _("The proposal is dismissed."))
                return redirect("dashboards:sanction", pk=sanction.pk)
            except ValidationError as error:
                _add_errors(form, error)
    return render(
        request,
        "monitoring/consequence.html",
        {
            "sanction": sanction,
            "can_decide": can_decide,
            "confirm_form": confirm_form,
            "dismiss_form": dismiss_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = {"vest_words": "typed_words"}.get(name, name)
        form.add_error(field if field in form.fields else None, errors)
