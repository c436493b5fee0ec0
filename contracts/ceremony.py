"""The signing ceremony: the panel countersigns many documents with one password entry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from . import services
from .forms import CeremonyForm
from .selectors import awaiting_countersignature, document_rows


@require_http_methods(["GET", "POST"])
@login_required
def ceremony(request):
    if not request.user.has_perm("contracts.countersign_any"):
        raise PermissionDenied
    queryset = awaiting_countersignature()
    if request.method == "POST":
        form = CeremonyForm(request.POST, queryset=queryset)
        if form.is_valid():
            try:
                signed = services.countersign_many(
                    documents=form.cleaned_data["documents"],
                    user=request.user,
                    password=form.cleaned_data["password"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s document countersigned and sealed.",
                        "%(n)s documents countersigned and sealed.",
                        len(signed),
                    )
                    % {"n": len(signed)},
                )
                return redirect("contracts:ceremony")
    else:
        form = CeremonyForm(
            queryset=queryset, initial={"documents": list(queryset.values_list("pk", flat=True))}
        )
    rows = {row.document.pk: row for row in document_rows(queryset)}
    pairs = [
        (choice, rows[choice.data["value"].value])
        for choice in form["documents"]
        if choice.data["value"].value in rows
    ]
    return render(
        request,
        "contracts/ceremony.html",
        {"form": form, "pairs": pairs, "count": len(rows), "empty": not rows},
        status=400 if form.errors else 200,
    )
