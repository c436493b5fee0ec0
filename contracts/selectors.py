"""Reads about documents: their state in words, who signed, what awaits whom."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Document, Signature, required_roles


def page_image_name(document: Document) -> str:
    """Where the first page of a sealed document is stored as a PNG."""
    return f"documents/{document.token}-1.png"


@dataclass
class DocumentRow:
    document: Document
    status: str
    status_code: str  # draft | head_signed | sealed | superseded
    signatures: list = field(default_factory=list)
    awaiting: str = ""
    superseded_by: Document | None = None


def describe(document: Document, signatures=None, superseded_by=None) -> DocumentRow:
    signatures = list(document.signatures.all()) if signatures is None else signatures
    signed = {s.role for s in signatures}
    pending = [r for r in required_roles(document.kind) if r not in signed]
    if superseded_by is not None:
        code = "superseded"
        status = _("Replaced by version %(v)s") % {"v": superseded_by.version}
    elif document.is_sealed:
        code, status = "sealed", _("Signed and sealed")
    elif signed:
        code, status = "head_signed", _("Signed by the head; awaits the countersignature")
    else:
        code, status = "draft", _("Ready to sign")
    awaiting = ""
    if pending and not document.is_sealed:
        awaiting = (
            _("the head of the unit")
            if pending[0] == Signature.Role.HEAD
            else _("the mayor (countersignature)")
        )
    return DocumentRow(document, status, code, signatures, awaiting, superseded_by)


def document_rows(documents, user=None) -> list[DocumentRow]:
    """Rows for a list of documents with two queries in all (signatures, successors)."""
    documents = list(documents)
    ids = [d.pk for d in documents]
    by_doc: dict[int, list] = {}
    for signature in Signature.objects.filter(document_id__in=ids).order_by("signed_at"):
        by_doc.setdefault(signature.document_id, []).append(signature)
    # Replaced only once the new version is sealed: until then the old one is in force.
    successors = {
        d.previous_id: d
        for d in Document.objects.filter(previous_id__in=ids, status=Document.Status.SEALED)
    }
    return [describe(d, by_doc.get(d.pk, []), successors.get(d.pk)) for d in documents]


def awaiting_countersignature():
    """Drafts whose head has signed and whose countersignature is next."""
    return (
        Document.objects.filter(status=Document.Status.DRAFT, signatures__role=Signature.Role.HEAD)
        .exclude(signatures__role=Signature.Role.MAYOR)
        .select_related("opd", "official")
        .order_by("opd__name", "kind", "year")
        .distinct()
    )


def for_negotiations(negotiation_ids) -> dict[int, DocumentRow]:
    """The newest pact of each negotiation, described (the live screens show it)."""
    documents = (
        Document.objects.filter(negotiation_id__in=negotiation_ids)
        .filter(kind__in=[Document.Kind.PACT, Document.Kind.REFUSAL])
        .order_by("negotiation_id", "-version")
    )
    newest = {}
    for document in documents:
        newest.setdefault(document.negotiation_id, document)
    rows = document_rows(newest.values())
    return {row.document.negotiation_id: row for row in rows}


def in_force(documents=None):
    """Sealed documents that no sealed later version replaces: what binds today."""
    documents = Document.objects.all() if documents is None else documents
    return documents.filter(status=Document.Status.SEALED).exclude(
        amendment__status=Document.Status.SEALED
    )


def targets_in_force(opd_ids=None) -> dict[tuple[int, int], dict]:
    """The signed targets monitoring reads: per (indicator id, year) the value of the
    pact in force that holds it, with the pact. Where two pacts in force name the same
    indicator and year (an indicator reopened and agreed again on a later item), the
    later signed one binds."""
    from decimal import Decimal

    pacts = in_force(Document.objects.filter(kind=Document.Kind.PACT))
    if opd_ids is not None:
        pacts = pacts.filter(opd_id__in=opd_ids)
    found: dict[tuple[int, int], dict] = {}
    for pact in pacts.order_by("sealed_at", "pk"):
        for row in pact.content.get("indicators", []):
            for year, value in row["targets"].items():
                found[(row["id"], int(year))] = {
                    "value": Decimal(value),
                    "document": pact,
                    "opd_id": pact.opd_id,
                }
    return found


def units_bound_in(year: int, opd_ids=None) -> set[int]:
    """The units with a signed target in force for ``year`` (one query, no values
    built: the dashboards ask this for every page)."""
    pacts = in_force(Document.objects.filter(kind=Document.Kind.PACT))
    if opd_ids is not None:
        pacts = pacts.filter(opd_id__in=opd_ids)
    key = str(year)
    return {
        opd_id
        for opd_id, content in pacts.values_list("opd_id", "content")
        if any(key in row["targets"] for row in content.get("indicators", []))
    }


def item_pacts_sealed(item) -> bool:
    """Whether every unit that accepted on the agenda item has its pact sealed."""
    from auctions.models import Negotiation

    accepted = set(
        Negotiation.objects.filter(item=item, state=Negotiation.State.ACCEPTED).values_list(
            "pk", flat=True
        )
    )
    sealed = set(
        Document.objects.filter(
            kind=Document.Kind.PACT,
            negotiation_id__in=accepted,
            status=Document.Status.SEALED,
        ).values_list("negotiation_id", flat=True)
    )
    return bool(accepted) and accepted <= sealed
