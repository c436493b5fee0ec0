"""A document's page, its download, signing, amendment, and the public verification page."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lelang.audit import audit_record

from . import pdf, services
from .forms import AmendForm, SignForm, VerifyUploadForm
from .models import Document
from .seal import SealNotConfigured
from .selectors import document_rows, page_image_name


def get_document_for_user(request, pk, perm: str = "contracts.view_document") -> Document:
    document = get_object_or_404(
        Document.objects.select_related("opd", "official", "session", "previous"), pk=pk
    )
    if not request.user.has_perm("contracts.view_document", document):
        raise Http404  # another unit's documents are not even confirmed to exist
    if perm != "contracts.view_document" and not request.user.has_perm(perm, document):
        raise PermissionDenied
    return document


def _detail_context(request, document, **extra) -> dict:
    user = request.user
    return {
        "document": document,
        "row": document_rows([document], user)[0],
        "versions": document_rows(_versions(document), user),
        "may_sign": user.has_perm("contracts.sign_as_head", document)
        or user.has_perm("contracts.countersign", document),
        "may_amend": user.has_perm("contracts.amend")
        and document.is_sealed
        and document.kind in (Document.Kind.PACT, Document.Kind.AGREEMENT)
        and not Document.objects.filter(previous=document).exists(),
        "may_see_trail": user.has_perm("contracts.view_document_trail"),
        "may_seal": document.kind == Document.Kind.MINUTES
        and not document.is_sealed
        and user.has_perm("contracts.prepare_agreement"),
        "sign_form": extra.pop("sign_form", None) or SignForm(),
        "amend_form": extra.pop("amend_form", None) or AmendForm(),
        "verify_url": pdf.verification_url(document),
        **extra,
    }


def _versions(document: Document) -> list[Document]:
    """Every version of the document's series, oldest first."""
    first = document
    while first.previous_id:
        first = first.previous
    versions, current = [first], first
    while True:
        following = Document.objects.filter(previous=current).first()
        if following is None:
            return versions
        versions.append(following)
        current = following


@require_GET
@login_required
def document_detail(request, pk):
    document = get_document_for_user(request, pk)
    return render(request, "contracts/document.html", _detail_context(request, document))


@require_GET
@login_required
def document_download(request, pk):
    """A sealed document is served as stored (never rendered again); a draft is drawn
    now, marked DRAF on every page."""
    document = get_document_for_user(request, pk)
    filename = document.number.replace("/", "-") + (
        f"-v{document.version}.pdf" if document.version > 1 else ".pdf"
    )
    if document.is_sealed:
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )
    else:
        response = HttpResponse(pdf.render(document), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="DRAF-{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    audit_record(
        action="contracts.document.download",
        obj=document,
        request=request,
        after={"sealed": document.is_sealed},
    )
    return response


@require_GET
@login_required
def document_page(request, pk):
    """The first page of a sealed document as an image (the phone and the projector)."""
    document = get_document_for_user(request, pk)
    return page_image_response(document)


def page_image_response(document: Document) -> HttpResponse:
    if not document.is_sealed:
        raise Http404
    name = page_image_name(document)
    if not default_storage.exists(name):
        raise Http404
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@login_required
def document_sign(request, pk):
    document = get_document_for_user(request, pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.document_sign(
                document=document,
                user=request.user,
                password=form.cleaned_data["password"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            document.refresh_from_db()
            if document.is_sealed:
                messages.success(
                    request, _("Signed. %(number)s is sealed and stored.") % {"number": document}
                )
            else:
                messages.success(request, _("Signed. It now awaits the countersignature."))
            return redirect(document)
    context = _detail_context(request, document, sign_form=form)
    return render(request, "contracts/document.html", context, status=400)


@require_POST
@login_required
def document_amend(request, pk):
    document = get_document_for_user(request, pk)
    if not request.user.has_perm("contracts.amend"):
        raise PermissionDenied
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            amended = services.document_amend(
                document=document,
                reason=form.cleaned_data["reason"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(v)s prepared; it needs the signatures again.")
                % {"v": amended.version},
            )
            return redirect(amended)
    context = _detail_context(request, document, amend_form=form)
    return render(request, "contracts/document.html", context, status=400)


# --- Public verification ------------------------------------------------------------


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
def verify(request, token):
    """What anyone may know of a document from its QR code, and whether an uploaded
    PDF is byte-identical to the registered one. Nothing uploaded is stored."""
    document = (
        Document.objects.select_related("opd").prefetch_related("signatures").filter(token=token)
    ).first()
    if document is None:
        raise Http404
    versions = _versions(document)
    sealed = [v for v in versions if v.is_sealed]
    in_force = sealed[-1] if sealed else None
    result = None
    form = VerifyUploadForm()
    too_large = _declared_size(request) > settings.LELANG_VERIFY_MAX_BYTES + 64 * 1024
    if request.method == "POST" and too_large:
        # Refused before Django reads the body, so an oversized upload is not even spooled.
        form = VerifyUploadForm(data={})
        form.add_error(None, VerifyUploadForm.too_large_message())
    elif request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            sha = digest.hexdigest()
            match = next((v for v in versions if v.sha256 and v.sha256 == sha), None)
            result = {
                "sha256": sha,
                "match": match,
                "same": match is not None and match == document,
            }
    return render(
        request,
        "contracts/verify.html",
        {
            "document": document,
            "versions": versions,
            "newest": versions[-1],
            "in_force": in_force,
            "form": form,
            "result": result,
            "max_mb": settings.LELANG_VERIFY_MAX_BYTES // (1024 * 1024),
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


@require_GET
def projector_page(request, token, pk):
    """The first page of a sealed pact of the session on stage, for the projector,
    which is opened with the display link, not a login."""
    from auctions.access import get_session_by_token

    session = get_session_by_token(token)
    document = get_object_or_404(Document, pk=pk, session=session)
    return page_image_response(document)


@require_POST
@login_required
def document_seal(request, pk):
    """Seal minutes a session closed without a certificate configured."""
    document = get_document_for_user(request, pk)
    try:
        services.document_seal_pending(document=document, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except SealNotConfigured as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Sealed and stored."))
    return redirect(document)
