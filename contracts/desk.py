"""The inspector's desk: every pact, agreement and minutes, filtered; the evidence pack.

Bappeda, the panel and the inspectors see every document; a unit head sees the
documents of the units they hold a position in. The filters are a GET form, so a
filtered desk is a link one can share, and the evidence pack takes the same query.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from lelang.audit import audit_record
from opd.models import Opd
from opd.selectors import member_opd_ids

from . import services
from .evidence import EvidencePack, streaming_response
from .models import Document, Signature
from .selectors import document_rows

PER_PAGE = 25
YEAR_RANGE = (1990, 2100)

STATUS_CHOICES = [
    ("", gettext_lazy("Any status")),
    ("draft", gettext_lazy("Awaiting signatures")),
    ("head_signed", gettext_lazy("Awaiting the countersignature")),
    ("sealed", gettext_lazy("Signed and sealed (in force)")),
    ("superseded", gettext_lazy("Replaced by a later version")),
]
SIGNED_CHOICES = [
    ("", gettext_lazy("Signed or not")),
    ("yes", gettext_lazy("Signed and sealed")),
    ("no", gettext_lazy("Not signed yet")),
]


class DeskFilterForm(forms.Form):
    """The desk's filters (GET). Invalid values are reported and not applied."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": gettext_lazy("Number, official or unit"),
                "autocomplete": "off",
            }
        ),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        required=False,
        min_value=YEAR_RANGE[0],
        max_value=YEAR_RANGE[1],
        widget=forms.Select,
    )
    opd = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Opd.objects.none(),
        required=False,
        empty_label=gettext_lazy("All units"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=STATUS_CHOICES)
    signed = forms.ChoiceField(label=gettext_lazy("Signed"), required=False, choices=SIGNED_CHOICES)

    def __init__(self, *args, opds, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = opds
        self.fields["kind"].choices = [("", _("All kinds")), *Document.Kind.choices]
        years = set(years)
        typed = self.data.get("year", "") if self.is_bound else ""
        if str(typed).isdigit() and YEAR_RANGE[0] <= int(typed) <= YEAR_RANGE[1]:
            years.add(int(typed))  # a shared link keeps its year even with no document yet
        self.fields["year"].widget.choices = [
            ("", _("All years")),
            *((year, str(year)) for year in sorted(years, reverse=True)),
        ]

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


class AgreementsPrepareForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        min_value=YEAR_RANGE[0],
        max_value=YEAR_RANGE[1],
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--year"}),
    )


# --- Reading ------------------------------------------------------------------------


def sees_all_documents(user) -> bool:
    """Bappeda, the panel and the inspectors may read any document (``view_document``
    without a particular document is theirs alone)."""
    return user.has_perm("contracts.view_document")


def visible_documents(user):
    documents = Document.objects.select_related("opd", "official", "session")
    if sees_all_documents(user):
        return documents
    return documents.filter(opd_id__in=member_opd_ids(user))


def visible_opds(user):
    if sees_all_documents(user):
        return Opd.objects.order_by("name")
    return Opd.objects.filter(pk__in=member_opd_ids(user)).order_by("name")


def apply_filters(documents, filters: dict):
    if query := filters.get("q", "").strip():
        documents = documents.filter(
            Q(number__icontains=query)
            | Q(official__name__icontains=query)
            | Q(opd__name__icontains=query)
            | Q(opd__short_name__icontains=query)
            | Q(opd__code__iexact=query)
            | Q(session__title__icontains=query)
        )
    if "year" in filters:
        documents = documents.filter(year=filters["year"])
    if "opd" in filters:
        documents = documents.filter(opd=filters["opd"])
    if "kind" in filters:
        documents = documents.filter(kind=filters["kind"])
    signed = Exists(Signature.objects.filter(document=OuterRef("pk")))
    status = filters.get("status")
    if status == "draft":
        documents = documents.filter(status=Document.Status.DRAFT).exclude(signed)
    elif status == "head_signed":
        documents = documents.filter(signed, status=Document.Status.DRAFT)
    elif status == "sealed":
        documents = documents.filter(status=Document.Status.SEALED, amendment__isnull=True)
    elif status == "superseded":
        documents = documents.filter(amendment__isnull=False)
    if filters.get("signed") == "yes":
        documents = documents.filter(status=Document.Status.SEALED)
    elif filters.get("signed") == "no":
        documents = documents.filter(status=Document.Status.DRAFT)
    return documents


def filtered_documents(request):
    """The desk's form, the documents it selects (newest year first) and its filters."""
    user = request.user
    base = visible_documents(user)
    years = base.order_by().values_list("year", flat=True).distinct()
    form = DeskFilterForm(request.GET or None, opds=visible_opds(user), years=years)
    filters = form.filters()
    documents = apply_filters(base, filters).order_by(
        "-year", "opd__name", "kind", "number", "version"
    )
    return form, documents, filters


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _desk_context(request, prepare_form=None) -> dict:
    user = request.user
    form, documents, filters = filtered_documents(request)
    page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
    year = filters.get("year") or timezone.localdate().year
    return {
        "form": form,
        "page": page,
        "rows": document_rows(page.object_list, user),
        "querystring": _querystring(request),
        "filtered": bool(filters),
        "may_see_trail": user.has_perm("contracts.view_document_trail"),
        "may_download_evidence": user.has_perm("contracts.download_evidence"),
        "may_prepare": user.has_perm("contracts.prepare_agreement"),
        "may_countersign": user.has_perm("contracts.countersign_any"),
        "prepare_form": prepare_form or AgreementsPrepareForm(initial={"year": year}),
        "audit_url": reverse("audit_log"),
    }


def _render_desk(request, prepare_form=None, status=200):
    context = _desk_context(request, prepare_form)
    template = "contracts/_desk_results.html" if request.htmx else "contracts/desk.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers a page or a part
    return response


# --- Views --------------------------------------------------------------------------


@require_GET
@login_required
def desk(request):
    if not request.user.has_perm("contracts.view_desk"):
        raise PermissionDenied
    return _render_desk(request)


@require_GET
@login_required
def evidence_pack(request):
    """The filtered documents as a ZIP with the units' negotiation ledgers and a
    manifest of SHA-256 hashes, streamed while it is built. The download is audited."""
    user = request.user
    if not user.has_perm("contracts.download_evidence"):
        raise PermissionDenied
    _form, documents, filters = filtered_documents(request)
    documents = [
        document
        for document in documents.defer("content").order_by(
            "opd__code", "kind", "number", "version"
        )
        if user.has_perm("contracts.view_document", document)
    ]
    rows = {row.document.pk: row for row in document_rows(documents, user)}
    pack = EvidencePack(
        documents=documents,
        rows=rows,
        user=user,
        years=frozenset([filters["year"]]) if "year" in filters else frozenset(),
        language=translation.get_language(),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"paket-bukti-{stamp}.zip"
    audit_record(
        action="contracts.evidence.download",
        request=request,
        object_repr=filename,
        after={
            "filters": {
                name: getattr(value, "code", value) for name, value in sorted(filters.items())
            },
            "count": len(documents),
            "sealed": sum(1 for d in documents if d.is_sealed),
            "units": len({d.opd_id for d in documents if d.opd_id is not None}),
        },
    )
    return streaming_response(request, pack, filename)


@require_POST
@login_required
def agreements_prepare(request):
    """Bappeda prepares the year's performance agreements of every unit with binding
    targets; the desk then shows them, filtered on that year."""
    if not request.user.has_perm("contracts.prepare_agreement"):
        raise PermissionDenied
    form = AgreementsPrepareForm(request.POST)
    if not form.is_valid():
        return _render_desk(request, prepare_form=form, status=400)
    year = form.cleaned_data["year"]
    prepared, skipped = services.agreements_prepare_all(
        year=year, user=request.user, request=request
    )
    if prepared:
        messages.success(
            request,
            ngettext(
                "%(count)s performance agreement for %(year)s prepared: %(numbers)s. "
                "It now awaits the signatures.",
                "%(count)s performance agreements for %(year)s prepared: %(numbers)s. "
                "They now await the signatures.",
                len(prepared),
            )
            % {
                "count": len(prepared),
                "year": year,
                "numbers": ", ".join(str(document) for document in prepared),
            },
        )
    for reason in skipped:
        messages.warning(request, _("Not prepared: %(reason)s") % {"reason": reason})
    if not prepared and not skipped:
        messages.info(
            request,
            _("No unit has binding agreed targets for %(year)s; nothing was prepared.")
            % {"year": year},
        )
    query = urlencode({"year": year, "kind": Document.Kind.AGREEMENT})
    return redirect(f"{reverse('contracts:desk')}?{query}")
