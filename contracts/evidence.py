"""The inspector's evidence pack: a ZIP of the desk's filtered documents, streamed.

Layout of the archive::

    <unit code>/PIK-0007-DINKES-2018-v1.pdf     sealed pacts, refusals, agreements
    <unit code>/riwayat-negosiasi.csv           the unit's negotiation ledger
    <unit code>/...                             files of registered contributors
    berita-acara/BA-0012-SESI-2018-v1.pdf       session minutes
    MANIFEST.csv                                every file with its SHA-256 and size

The archive is produced while it is sent: each stored PDF is read in chunks of
:data:`CHUNK` bytes and hashed on the way through, so a server process holds one
chunk of one file at a time, whatever the size of the archive. ``MANIFEST.csv``
comes last, because the hashes it lists are computed while the files stream; for
each document it also gives the SHA-256 registered at sealing and whether the two
match. Drafts are listed in the manifest as not signed; their files are not included
(a draft has no stored file: it is drawn on request, marked DRAF).

Later apps add files per unit through :func:`register_evidence` (the monitoring app's
quarterly reports and evidence files, for instance)::

    from contracts.evidence import EvidenceFile, register_evidence

    @register_evidence
    def quarterly_reports(unit):            # unit: EvidenceUnit
        for report in Report.objects.filter(opd=unit.opd, year__in=unit.years):
            yield EvidenceFile(f"laporan-triwulan/{report.slug}.pdf", open=report.file.open)
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import zipstream
from asgiref.sync import sync_to_async
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lelang.numbers import format_number
from lelang.spreadsheet import csv_text

from .models import Document
from .selectors import DocumentRow

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
# Under ASGI, chunks are pulled from the worker thread in batches of about this size.
ASYNC_BATCH = 1024 * 1024
MINUTES_FOLDER = "berita-acara"
LEDGER_NAME = "riwayat-negosiasi.csv"
MANIFEST_NAME = "MANIFEST.csv"


# --- Extension point ----------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceUnit:
    """What a contributor is told about one unit's folder of the pack."""

    opd: object  # opd.models.Opd
    documents: tuple  # the unit's documents in the pack (drafts too)
    years: frozenset[int]  # the years asked for, else the years of those documents
    user: object


@dataclass
class EvidenceFile:
    """A file a contributor adds to a unit's folder.

    ``name`` is the path inside the folder (``laporan-triwulan/2019-1.pdf``). Give
    either ``data`` (small files) or ``open``, a callable returning a binary file
    object, called only when the file's turn comes and read in chunks.
    ``registered_sha256``, when the contributor knows the hash the file should have,
    is compared in the manifest like a document's.
    """

    name: str
    data: bytes | None = None
    open: Callable[[], BinaryIO] | None = None
    registered_sha256: str = ""
    description: str = ""


Contributor = Callable[[EvidenceUnit], Iterable[EvidenceFile]]
_contributors: list[Contributor] = []


def register_evidence(contributor: Contributor) -> Contributor:
    """Add ``contributor`` to every unit's folder of every evidence pack (from the
    contributing app's ``AppConfig.ready``, or as a decorator). Idempotent."""
    if contributor not in _contributors:
        _contributors.append(contributor)
    return contributor


def unregister_evidence(contributor: Contributor) -> None:
    if contributor in _contributors:
        _contributors.remove(contributor)


def contributors() -> tuple[Contributor, ...]:
    return tuple(_contributors)


# --- Names --------------------------------------------------------------------------


def document_filename(document: Document) -> str:
    """``PIK/0007/DINKES/2018`` version 1 → ``PIK-0007-DINKES-2018-v1.pdf``."""
    return f"{document.number.replace('/', '-')}-v{document.version}.pdf"


def unit_folder(opd) -> str:
    return opd.code


# --- The manifest -------------------------------------------------------------------


@dataclass
class ManifestRow:
    path: str = ""
    size: int | None = None
    sha256: str = ""
    document: Document | None = None
    status: str = ""
    registered: str = ""
    check: str = ""  # "", "yes", "no", "draft", "missing", "failed"

    def check_text(self) -> str:
        return {
            "": "",
            "yes": _("yes"),
            "no": _("NO"),
            "draft": _("not signed: no file included"),
            "missing": _("stored file MISSING"),
            "failed": _("not included: the contributor failed"),
        }[self.check]


def manifest_bytes(rows: list[ManifestRow]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(out)
    writer.writerow(
        [
            _("File"),
            _("Size (bytes)"),
            _("SHA-256 of the file"),
            _("Document"),
            _("Version"),
            _("Kind"),
            _("Status"),
            _("Registered SHA-256"),
            _("Matches"),
        ]
    )
    for row in rows:
        document = row.document
        writer.writerow(
            [
                csv_text(row.path),
                "" if row.size is None else row.size,
                row.sha256,
                csv_text(document.number) if document else "",
                document.version if document else "",
                str(document.get_kind_display()) if document else "",
                csv_text(row.status),
                row.registered,
                row.check_text(),
            ]
        )
    return out.getvalue().encode("utf-8")


# --- The negotiation ledger ---------------------------------------------------------


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def ledger_bytes(opd) -> bytes:
    """Every offer version the unit was made, with its values per indicator and year,
    and every answer with its kind, time, reason and counter-proposed values."""
    from auctions.models import CounterTarget, Decision, Negotiation, Offer, OfferTarget

    offers = Offer.objects.select_related("created_by").prefetch_related(
        Prefetch(
            "targets",
            queryset=OfferTarget.objects.select_related("indicator").order_by(
                "indicator__name", "indicator_id", "year"
            ),
        )
    )
    negotiations = (
        Negotiation.objects.filter(opd=opd)
        .select_related("item__session", "item__opd", "item__theme", "official")
        .prefetch_related(Prefetch("offers", queryset=offers.order_by("version")))
        .order_by("item__session__date", "item__session__round", "item__order", "number")
    )
    decisions = {
        d.offer_id: d
        for d in Decision.objects.filter(offer__negotiation__opd=opd)
        .select_related("official", "decided_by")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=CounterTarget.objects.select_related("indicator").order_by(
                    "indicator__name", "indicator_id", "year"
                ),
            )
        )
    }
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Session"),
            _("Session date"),
            _("Agenda item"),
            _("Negotiation"),
            _("Answering official"),
            _("Record"),
            _("Offer version"),
            _("Time"),
            _("By"),
            _("Deadline year"),
            _("Indicator"),
            _("Year"),
            _("Value"),
            _("Unit of measure"),
            _("Answer"),
            _("Reason category"),
            _("Reason or note"),
        ]
    )
    for negotiation in negotiations:
        item = negotiation.item
        lead = [
            csv_text(item.session.title),
            item.session.date.isoformat(),
            csv_text(item.title),
            negotiation.number,
            csv_text(negotiation.official.name),
        ]
        for offer in negotiation.offers.all():
            offered_by = offer.created_by.get_full_name() or offer.created_by.get_username()
            head = [*lead, _("Offer"), offer.version, _local(offer.created_at)]
            targets = list(offer.targets.all())
            for target in targets or [None]:
                writer.writerow(
                    [
                        *head,
                        csv_text(offered_by),
                        offer.deadline_year,
                        csv_text(target.indicator.name) if target else "",
                        target.year if target else "",
                        format_number(target.value) if target else "",
                        csv_text(target.indicator.unit) if target else "",
                        "",
                        "",
                        csv_text(offer.note),
                    ]
                )
            decision = decisions.get(offer.pk)
            if decision is None:
                continue
            answer = [*lead, _("Answer"), offer.version, _local(decision.decided_at)]
            tail = [
                csv_text(str(decision.get_kind_display())),
                str(decision.get_reason_category_display()) if decision.reason_category else "",
                csv_text(decision.reason),
            ]
            who = csv_text(decision.official.name)
            writer.writerow([*answer, who, offer.deadline_year, "", "", "", "", *tail])
            for counter in decision.targets.all():
                writer.writerow(
                    [
                        *lead,
                        _("Counter-proposal"),
                        offer.version,
                        _local(decision.decided_at),
                        csv_text(decision.official.name),
                        offer.deadline_year,
                        csv_text(counter.indicator.name),
                        counter.year,
                        format_number(counter.value),
                        csv_text(counter.indicator.unit),
                        *tail,
                    ]
                )
    return out.getvalue().encode("utf-8")


# --- The pack -----------------------------------------------------------------------


def _inside(name: str) -> str:
    """A contributed file's name kept inside its unit's folder (no "..", no root)."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "berkas"


def _read(fileobj: BinaryIO, row: ManifestRow) -> Iterator[bytes]:
    """The file's bytes in chunks, hashed and counted on the way; closes the file."""
    digest, size = hashlib.sha256(), 0
    try:
        while chunk := fileobj.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            yield chunk
    finally:
        fileobj.close()
    row.sha256, row.size = digest.hexdigest(), size
    if row.registered:
        row.check = "yes" if row.sha256 == row.registered else "no"


@dataclass
class EvidencePack:
    """The archive of ``documents`` (already filtered and permission-checked), as an
    iterator of bytes. ``rows`` gives each document's status in words."""

    documents: list[Document]
    rows: dict[int, DocumentRow]
    user: object = None
    years: frozenset[int] = frozenset()
    language: str = ""  # the request's: the pack is written after the view returned
    manifest: list[ManifestRow] = field(default_factory=list)

    def units(self) -> list[tuple[object, list[Document]]]:
        by_unit: dict[int, tuple[object, list[Document]]] = {}
        for document in self.documents:
            if document.opd_id is not None:
                by_unit.setdefault(document.opd_id, (document.opd, []))[1].append(document)
        return sorted(by_unit.values(), key=lambda unit: unit[0].code)

    def minutes(self) -> list[Document]:
        return [d for d in self.documents if d.opd_id is None]

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks()

    def chunks(self) -> Iterator[bytes]:
        archive = zipstream.ZipStream(compress_type=zipstream.ZIP_STORED)
        self.manifest = []
        self._names: set[str] = set()
        for opd, documents in self.units():
            folder = unit_folder(opd)
            for document in documents:
                yield from self._document(archive, folder, document)
            with translation.override(self.language or None):
                ledger = ledger_bytes(opd)
            yield from self._data(archive, f"{folder}/{LEDGER_NAME}", ledger)
            unit = EvidenceUnit(
                opd=opd,
                documents=tuple(documents),
                years=self.years or frozenset(d.year for d in documents),
                user=self.user,
            )
            for contributor in contributors():
                yield from self._contributed(archive, folder, contributor, unit)
        for document in self.minutes():
            yield from self._document(archive, MINUTES_FOLDER, document)
        with translation.override(self.language or None):
            manifest = manifest_bytes(self.manifest)
        archive.add(
            manifest,
            MANIFEST_NAME,
            compress_type=zipstream.ZIP_DEFLATED,
        )
        yield from archive.finalize()

    def _unique(self, path: str) -> str:
        candidate, n = path, 1
        while candidate in self._names:
            n += 1
            stem, dot, ext = path.rpartition(".")
            candidate = f"{stem}-{n}.{ext}" if dot else f"{path}-{n}"
        self._names.add(candidate)
        return candidate

    def _status(self, document: Document) -> str:
        row = self.rows.get(document.pk)
        return row.status if row is not None else str(document.get_status_display())

    def _document(self, archive, folder: str, document: Document) -> Iterator[bytes]:
        row = ManifestRow(
            document=document, status=self._status(document), registered=document.sha256
        )
        self.manifest.append(row)
        if not document.is_sealed:
            row.check = "draft"
            return
        path = self._unique(f"{folder}/{document_filename(document)}")
        try:
            if not document.file.name:
                raise FileNotFoundError(document.pk)
            size = default_storage.size(document.file.name)
            fileobj = default_storage.open(document.file.name, "rb")
        except OSError:
            logger.warning("evidence pack: the stored file of %s is missing", document.number)
            row.check = "missing"
            return
        row.path = path
        archive.add(_read(fileobj, row), path, size=size)
        yield from archive.all_files()

    def _data(self, archive, path: str, data: bytes, registered: str = "") -> Iterator[bytes]:
        path = self._unique(path)
        row = ManifestRow(path=path, registered=registered)
        self.manifest.append(row)
        archive.add(
            _read(io.BytesIO(data), row), path, size=len(data), compress_type=zipstream.ZIP_DEFLATED
        )
        yield from archive.all_files()

    def _contributed(self, archive, folder, contributor, unit) -> Iterator[bytes]:
        try:
            files = list(contributor(unit))
        except Exception:
            # A broken contributor must not cut the archive off half-way: its files
            # are left out, and the manifest says so.
            logger.exception("evidence contributor %r failed for %s", contributor, unit.opd)
            name = getattr(contributor, "__name__", repr(contributor))
            self.manifest.append(ManifestRow(status=f"{folder}/: {name}", check="failed"))
            return
        for item in files:
            path = f"{folder}/{_inside(item.name)}"
            if item.data is not None:
                yield from self._data(archive, path, item.data, item.registered_sha256)
                continue
            path = self._unique(path)
            row = ManifestRow(path=path, registered=item.registered_sha256, status=item.description)
            self.manifest.append(row)
            try:
                fileobj = item.open()
            except OSError:
                row.path, row.check = "", "missing"
                row.status = f"{path}: {item.description}".rstrip(": ")
                continue
            archive.add(_read(fileobj, row), path)
            yield from archive.all_files()


# --- The response -------------------------------------------------------------------


def _next_batch(chunks: Iterator[bytes], limit: int = ASYNC_BATCH) -> list[bytes]:
    batch, size = [], 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return batch


async def _async_chunks(chunks: Iterator[bytes]):
    """The pack for an ASGI server, pulled a batch at a time in the request's thread
    (where its database connection lives). Django would otherwise read a synchronous
    iterator to its end before sending the first byte."""
    pull = sync_to_async(_next_batch, thread_sensitive=True)
    while batch := await pull(chunks):
        for part in batch:
            yield part


def streaming_response(request, pack: EvidencePack, filename: str) -> StreamingHttpResponse:
    from django.core.handlers.asgi import ASGIRequest

    chunks = pack.chunks()
    content = _async_chunks(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
