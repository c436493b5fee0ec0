"""Preparing, signing, sealing and amending documents.

Every function checks who may act (against today's positions, not only the view's)
and writes its audit entry inside the same transaction as the change. Sealing is
part of the transaction that adds the last signature: the PDF is rendered once,
PAdES-sealed, stored and hashed, or nothing is signed at all.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.models import Decision, Negotiation, Session
from auctions.selectors import current_head_official
from lelang import events
from lelang.audit import audit_record, chain_head, client_ip
from lelang.passwords import confirm_password
from opd.models import Opd

from . import content as build
from . import pdf
from .models import Document, Signature, required_roles
from .seal import SealNotConfigured, seal_pdf
from .selectors import item_pacts_sealed

logger = logging.getLogger(__name__)

PREFIX = {
    Document.Kind.PACT: "PIK",
    Document.Kind.REFUSAL: "PITK",
    Document.Kind.AGREEMENT: "PK",
    Document.Kind.MINUTES: "BA",
}


def _number(kind: str, serial: int, code: str, year: int) -> str:
    """PIK/0007/DINKES/2018: kind, serial, unit, year."""
    return f"{PREFIX[kind]}/{serial:04d}/{code.upper()}/{year}"


def _create(*, kind, title, year, content, user, request=None, previous=None, reason="", **refs):
    code = refs["opd"].code if refs.get("opd") is not None else "SESI"
    document = Document(
        kind=kind,
        title=title,
        year=year,
        content=content,
        created_by=user,
        previous=previous,
        version=previous.version + 1 if previous else 1,
        amendment_reason=reason,
        # The serial is the row's own id (two units answering at the same instant on a
        # theme item must not draw the same number): a unique placeholder until then.
        number=previous.number if previous else "",
        **refs,
    )
    if previous is None:
        document.number = f"draft-{document.token}"
    document.save()
    if previous is None:
        document.number = _number(kind, document.pk, code, year)
        document.save(update_fields=["number"])
    audit_record(
        action="contracts.document.prepare" if previous is None else "contracts.document.amend",
        actor=user,
        obj=document,
        after={"kind": kind, "number": document.number, "version": document.version},
        before={"previous": previous.pk} if previous else None,
        request=request,
    )
    return document


def _announce(document: Document) -> None:
    """Screens of the live session the document came from show its state."""
    session_id = document.session_id
    if session_id is None and document.negotiation_id:
        session_id = document.negotiation.item.session_id
    if session_id:
        events.publish(f"session:{session_id}")


# --- Preparing ----------------------------------------------------------------------


def pact_prepare(*, negotiation: Negotiation, decision: Decision, user=None, request=None):
    """The pact for a head's answer, prepared at once: of willingness after *Sanggup*,
    of unwillingness after *Tidak sanggup*. Called inside the answer's transaction."""
    session = negotiation.item.session
    if decision.kind == Decision.Kind.ACCEPT:
        kind, content = Document.Kind.PACT, build.pact_content(negotiation, decision)
        title = _("Integrity pact of willingness")
    elif decision.kind == Decision.Kind.REFUSE:
        kind, content = Document.Kind.REFUSAL, build.refusal_content(negotiation, decision)
        title = _("Integrity pact of unwillingness")
    else:
        return None
    document = _create(
        kind=kind,
        title=f"{title} — {negotiation.opd.name}",
        year=session.date.year,
        content=content,
        user=user,
        request=request,
        opd=negotiation.opd,
        official=negotiation.official,
        session=session,
        negotiation=negotiation,
        is_demo=session.is_demo and negotiation.opd.is_demo,
    )
    return document


@transaction.atomic
def agreement_prepare(*, opd: Opd, year: int, user, request=None) -> Document:
    """The unit's Perjanjian Kinerja for ``year`` from its binding agreed targets."""
    if not user.has_perm("contracts.prepare_agreement"):
        raise PermissionDenied
    current = (
        Document.objects.select_for_update()
        .filter(kind=Document.Kind.AGREEMENT, opd=opd, year=year)
        .order_by("-version")
        .first()
    )
    if current is not None:
        if current.is_sealed:
            raise ValidationError(
                _(
                    "The performance agreement %(number)s for %(year)s is signed already; "
                    "change it with an amendment."
                )
                % {"number": current.number, "year": year}
            )
        raise ValidationError(
            _("The performance agreement %(number)s for %(year)s awaits signatures already.")
            % {"number": current.number, "year": year}
        )
    return _agreement(opd=opd, year=year, user=user, request=request)


def _agreement(*, opd, year, user, request, previous=None, reason="") -> Document:
    head = current_head_official(opd)
    if head is None:
        raise ValidationError(
            _("%(opd)s has no head on record today; appoint one first.") % {"opd": opd}
        )
    content = build.agreement_content(opd, year, head)
    if not content["objectives"]:
        raise ValidationError(
            _("%(opd)s has no agreed target for %(year)s.") % {"opd": opd, "year": year}
        )
    return _create(
        kind=Document.Kind.AGREEMENT,
        title=_("Performance agreement %(year)s — %(opd)s") % {"year": year, "opd": opd.name},
        year=year,
        content=content,
        user=user,
        request=request,
        previous=previous,
        reason=reason,
        opd=opd,
        official=head,
        is_demo=opd.is_demo,
    )


def agreements_prepare_all(*, year: int, user, request=None) -> tuple[list, list[str]]:
    """A performance agreement for every unit with binding targets in ``year`` and none
    yet; returns those prepared and, per unit left out, why."""
    from auctions.models import AgreedTarget

    opd_ids = set(
        AgreedTarget.objects.filter(is_binding=True, year=year).values_list(
            "negotiation__opd_id", flat=True
        )
    )
    prepared, skipped = [], []
    for opd in Opd.objects.filter(pk__in=opd_ids).order_by("name"):
        try:
            prepared.append(agreement_prepare(opd=opd, year=year, user=user, request=request))
        except ValidationError as error:
            skipped.append(f"{opd.name}: {' '.join(error.messages)}")
    return prepared, skipped


def minutes_prepare(*, session: Session, user=None, request=None) -> Document:
    """The minutes of a session at its closing, sealed at once: they carry the audit
    chain's head, which anchors the chain outside the database."""
    seq, digest = chain_head()
    document = _create(
        kind=Document.Kind.MINUTES,
        title=_("Minutes of %(session)s") % {"session": session.title},
        year=session.date.year,
        content=build.minutes_content(session, (seq, digest)),
        user=user,
        request=request,
        session=session,
        chain_head=f"{seq}:{digest}",
        is_demo=session.is_demo,
    )
    try:
        _seal(document, user=user, request=request)
    except SealNotConfigured as problem:
        # Closing the session must not fail for want of a certificate: the minutes
        # keep their content and chain head, and are sealed once one is configured.
        logger.error("minutes %s not sealed: %s", document.number, problem)
    return document


@transaction.atomic
def document_seal_pending(*, document: Document, user, request=None) -> Document:
    """Seal minutes left unsealed (no certificate was configured when they closed)."""
    if not user.has_perm("contracts.prepare_agreement"):
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.kind != Document.Kind.MINUTES or document.is_sealed:
        raise ValidationError(_("Only unsealed minutes can be sealed this way."))
    _seal(document, user=user, request=request)
    return document


# --- Signing ------------------------------------------------------------------------


def _check_password(user, password: str, document: Document, request) -> None:
    confirm_password(
        user,
        password,
        obj=document,
        action="contracts.document.bad_password",
        refused=_("The password is not correct; nothing was signed."),
        request=request,
    )


def document_sign(*, document: Document, user, password: str, request=None) -> Document:
    """The head signs (first party) or the panel countersigns (second party), after
    re-entering the password. The last signature seals the document."""
    _check_password(user, password, document, request)
    return _sign(document=document, user=user, request=request)


@transaction.atomic
def _sign(*, document: Document, user, request=None) -> Document:
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("official", "opd")
        .get(pk=document.pk)
    )
    if document.is_sealed:
        raise ValidationError(_("%(number)s is signed already.") % {"number": document})
    if user.has_perm("contracts.sign_as_head", document):
        role = Signature.Role.HEAD
        official = document.official
        name, nip = official.name, official.nip or ""
        position = build.official_facts(official, document.opd)["position"]
    elif user.has_perm("contracts.countersign", document):
        role = Signature.Role.MAYOR
        official = getattr(user, "official", None)
        name = official.name if official is not None else user.get_full_name()
        nip = (official.nip or "") if official is not None else ""
        position = build.user_position(user) or document.content.get("party_two", {}).get(
            "position", ""
        )
    else:
        raise PermissionDenied(_("You may not sign %(number)s.") % {"number": document})
    signature = Signature.objects.create(
        document=document,
        role=role,
        user=user,
        name=name,
        nip=nip,
        position=position,
        ip=client_ip(request),
    )
    audit_record(
        action=f"contracts.document.sign.{role}",
        actor=user,
        obj=document,
        after={"name": name, "position": position, "at": signature.signed_at.isoformat()},
        request=request,
    )
    signed = set(document.signatures.values_list("role", flat=True))
    if set(required_roles(document.kind)) <= signed:
        _seal(document, user=user, request=request)
        if document.kind == Document.Kind.PACT:
            _item_signed_when_complete(document, user=user, request=request)
    _announce(document)
    return document


def _item_signed_when_complete(document: Document, *, user, request) -> None:
    """The agenda item is "signed" once the pact of each unit that accepted on it is."""
    from auctions import services as auction_services

    item = document.negotiation.item
    if item_pacts_sealed(item):
        auction_services.item_signed(item=item, user=user, request=request)


def countersign_many(*, documents, user, password: str, request=None) -> list[Document]:
    """The signing ceremony: one password entry, each document countersigned (and
    sealed) and audited on its own. All or none: one refusal signs nothing."""
    documents = list(documents)
    if not documents:
        raise ValidationError(_("Choose at least one document to sign."))
    _check_password(user, password, documents[0], request)
    with transaction.atomic():
        for document in documents:
            if not user.has_perm("contracts.countersign", document):
                raise ValidationError(
                    _("%(number)s cannot be countersigned now.") % {"number": document}
                )
        return [_sign(document=d, user=user, request=request) for d in documents]


def _seal(document: Document, *, user, request) -> None:
    """Render the PDF once, seal it, store it, record its hash: the record is frozen."""
    seal_and_store(document)
    audit_record(
        action="contracts.document.seal",
        actor=user,
        obj=document,
        after={"sha256": document.sha256, "size": document.size},
        request=request,
    )


def seal_and_store(document: Document, *, sealed_at=None) -> None:
    """The sealing itself (no audit entry: the caller writes it; the demo writes none)."""
    signatures = {s.role: s for s in document.signatures.all()}
    rendered = pdf.render(document, signatures, final=True)
    sealed = seal_pdf(
        rendered,
        reason=f"{document.title} ({document.number})",
        location=document.content.get("session", {}).get("venue", ""),
    )
    name = default_storage.save(f"documents/{document.token}.pdf", ContentFile(sealed))
    try:
        preview = pdf.first_page_png(sealed)
        default_storage.save(f"documents/{document.token}-1.png", ContentFile(preview))
        document.file.name = name
        document.sha256 = hashlib.sha256(sealed).hexdigest()
        document.size = len(sealed)
        document.sealed_at = sealed_at or timezone.now()
        document.status = Document.Status.SEALED
        document.save(update_fields=["file", "sha256", "size", "sealed_at", "status"])
    except Exception:
        default_storage.delete(name)
        raise


# --- Amendments ---------------------------------------------------------------------


@transaction.atomic
def document_amend(*, document: Document, reason: str, user, request=None) -> Document:
    """A new version of a sealed pact or agreement, from today's binding targets; it
    needs the same signatures again. The old version stays as it is."""
    if not user.has_perm("contracts.amend"):
        raise PermissionDenied
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the amendment."))
    if not document.is_sealed:
        raise ValidationError(_("Only a signed document can be amended; this one is a draft."))
    if Document.objects.filter(previous=document).exists():
        raise ValidationError(_("%(number)s has been amended already; amend the newest version."))
    if document.kind == Document.Kind.AGREEMENT:
        return _agreement(
            opd=document.opd,
            year=document.year,
            user=user,
            request=request,
            previous=document,
            reason=reason.strip(),
        )
    if document.kind != Document.Kind.PACT:
        raise ValidationError(_("This kind of document cannot be amended."))
    negotiation = document.negotiation
    content = build.pact_content(negotiation, Decision.objects.get(pk=_decision_id(document)))
    content["indicators"] = _binding_rows(document, negotiation)
    return _create(
        kind=document.kind,
        title=document.title,
        year=document.year,
        content=content,
        user=user,
        request=request,
        previous=document,
        reason=reason.strip(),
        opd=document.opd,
        official=document.official,
        session=document.session,
        negotiation=negotiation,
    )


def _decision_id(document: Document) -> int:
    return (
        Decision.objects.filter(offer__negotiation=document.negotiation, kind=Decision.Kind.ACCEPT)
        .values_list("pk", flat=True)
        .get()
    )


def _binding_rows(document: Document, negotiation: Negotiation) -> list[dict]:
    """The pact's indicators with today's binding values (a reopened indicator agreed
    again elsewhere carries its new trajectory)."""
    from auctions.models import AgreedTarget

    ids = [row["id"] for row in document.content["indicators"]]
    values: dict[int, dict] = {}
    for target in AgreedTarget.objects.filter(indicator_id__in=ids, is_binding=True).order_by(
        "indicator_id", "year"
    ):
        values.setdefault(target.indicator_id, {})[target.year] = target.value
    return build._rows(values)
