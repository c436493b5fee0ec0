"""The inspector's desk, its filters, the evidence pack and the agreements form."""

import csv
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
import rules
from asgiref.sync import async_to_sync
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from auctions.models import Decision
from contracts import evidence, services
from contracts.models import Document, new_token
from lelang.models import AuditEntry
from lelang.navigation import sections_for
from lelang.roles import is_bappeda, is_inspector, is_opd_head, is_panel
from tests.auctions.conftest import arbitrary_offer, full_values
from tests.contracts.conftest import answer
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DESK = reverse("contracts:desk")
EVIDENCE = reverse("contracts:evidence")


def sealed_document(opd, number, *, kind=Document.Kind.PACT, year=2018, size=3000, **fields):
    """A sealed document written straight to the database and the storage."""
    data = b"%PDF-1.7\n" + bytes(range(256)) * (size // 256)
    token = new_token()
    name = default_storage.save(f"documents/{token}.pdf", ContentFile(data))
    return Document.objects.create(
        kind=kind,
        number=number,
        title=f"Dokumen {number}",
        opd=opd,
        year=year,
        content={},
        token=token,
        file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        sealed_at=timezone.now(),
        status=Document.Status.SEALED,
        **fields,
    )


def draft_document(opd, number, *, kind=Document.Kind.AGREEMENT, year=2019, **fields):
    return Document.objects.create(
        kind=kind,
        number=number,
        title=f"Dokumen {number}",
        opd=opd,
        year=year,
        content={},
        **fields,
    )


@pytest.fixture
def signed_pact(pact, dinkes_head, mayor):
    services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    services.document_sign(document=pact, user=mayor, password=PASSWORD)
    pact.refresh_from_db()
    assert pact.is_sealed
    return pact


@pytest.fixture
def others(dindik, dindik_head):
    """Dinas Pendidikan's sealed pact and draft agreement, and minutes of a session."""
    return {
        "pact": sealed_document(dindik, "PIK/0090/DINDIK/2018"),
        "draft": draft_document(dindik, "PK/0091/DINDIK/2019"),
        "minutes": sealed_document(None, "BA/0092/SESI/2018", kind=Document.Kind.MINUTES),
    }


def numbers(response) -> list[str]:
    return [row.document.number for row in response.context["rows"]]


# --- Who sees the desk ----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["operator", "mayor", "inspector"])
def test_bappeda_panel_and_inspectors_see_every_document(client, request, persona, pact, others):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(DESK)
    assert response.status_code == 200
    assert set(numbers(response)) == {pact.number, *(d.number for d in others.values())}


def test_a_unit_head_sees_only_the_own_units_documents(client, dinkes_head, pact, others):
    client.force_login(dinkes_head)
    response = client.get(DESK)
    assert response.status_code == 200
    assert numbers(response) == [pact.number]
    body = response.content.decode()
    assert others["pact"].number not in body and others["minutes"].number not in body
    # Asking for the other unit is an invalid choice, not a way in.
    response = client.get(DESK, {"opd": others["pact"].opd_id})
    assert "opd" in response.context["form"].errors
    assert numbers(response) == [pact.number]


def test_staff_and_other_roles_are_refused(client, dinkes_staff, pact):
    client.force_login(dinkes_staff)
    assert client.get(DESK).status_code == 403
    assert client.get(EVIDENCE).status_code == 403
    assert client.post(reverse("contracts:agreements_prepare"), {"year": 2019}).status_code == 403


def test_anonymous_is_sent_to_the_login(client, pact):
    for url in (DESK, EVIDENCE):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_navigation_shows_documents_to_those_who_see_the_desk(
    operator, inspector, mayor, dinkes_head, dinkes_staff
):
    for user in (operator, inspector, mayor, dinkes_head):
        assert "documents" in [s.key for s in sections_for(user)]
    assert "documents" not in [s.key for s in sections_for(dinkes_staff)]


# --- Filters ---------------------------------------------------------------------------


@pytest.fixture
def desk_set(signed_pact, others, dinkes, mayor):
    """A sealed pact with an amendment (v2, a draft), and the other unit's documents."""
    amended = sealed_document(
        dinkes, "PK/0095/DINKES/2019", kind=Document.Kind.AGREEMENT, year=2019
    )
    successor = draft_document(
        dinkes, amended.number, version=2, previous=amended, amendment_reason="Ralat"
    )
    return {"signed": signed_pact, "amended": amended, "successor": successor, **others}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": "2019"}, {"amended", "successor", "draft"}),
        ({"kind": "minutes"}, {"minutes"}),
        ({"kind": "agreement", "year": "2019"}, {"amended", "successor", "draft"}),
        ({"status": "draft"}, {"successor", "draft"}),
        ({"status": "sealed"}, {"signed", "pact", "minutes"}),
        ({"status": "superseded"}, {"amended"}),
        ({"signed": "yes"}, {"signed", "pact", "minutes", "amended"}),
        ({"signed": "no"}, {"successor", "draft"}),
        ({"q": "dindik"}, {"pact", "draft"}),
        ({"q": "0092"}, {"minutes"}),
        ({"q": "Kepala Dinas Kesehatan"}, {"signed"}),
        ({"q": "pendidikan", "signed": "yes"}, {"pact"}),
    ],
)
def test_filters_and_search(client, inspector, desk_set, query, expected):
    client.force_login(inspector)
    response = client.get(DESK, query)
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert sorted(numbers(response)) == sorted(desk_set[key].number for key in expected)


def test_filter_by_unit(client, inspector, desk_set, dindik):
    client.force_login(inspector)
    response = client.get(DESK, {"opd": dindik.pk})
    assert set(numbers(response)) == {desk_set["pact"].number, desk_set["draft"].number}


def test_awaiting_countersignature(client, inspector, pact, dinkes_head, others):
    services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    client.force_login(inspector)
    response = client.get(DESK, {"status": "head_signed"})
    assert numbers(response) == [pact.number]
    assert 'data-status="head_signed"' in response.content.decode()


def test_invalid_filters_are_reported_not_applied(client, inspector, desk_set):
    client.force_login(inspector)
    response = client.get(DESK, {"year": "abc", "kind": "kontrak", "status": "x", "opd": "999999"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"year", "kind", "status", "opd"}
    assert len(numbers(response)) == len(desk_set)
    assert 'role="alert"' in response.content.decode()


def test_htmx_gets_the_results_only(client, inspector, desk_set):
    client.force_login(inspector)
    response = client.get(DESK, {"kind": "minutes"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="desk-results"')
    assert "<html" not in body
    assert desk_set["minutes"].number in body and desk_set["pact"].number not in body
    assert "HX-Request" in response["Vary"]


def test_the_page_works_without_javascript(client, inspector, desk_set):
    client.force_login(inspector)
    body = client.get(DESK, {"kind": "minutes"}).content.decode()
    assert 'method="get"' in body and 'hx-push-url="true"' in body
    assert 'id="desk-results"' in body
    # The evidence pack link carries the same filters.
    assert f'{EVIDENCE}?kind=minutes"' in body


def test_pagination_keeps_the_filters(client, inspector, dindik):
    for n in range(30):
        draft_document(dindik, f"PK/{n:04d}/DINDIK/2019")
    client.force_login(inspector)
    first = client.get(DESK, {"kind": "agreement"})
    assert len(numbers(first)) == 25
    assert "?kind=agreement&amp;page=2" in first.content.decode()
    second = client.get(DESK, {"kind": "agreement", "page": "2"})
    assert len(numbers(second)) == 5


def test_links_and_signers(client, inspector, mayor, signed_pact):
    client.force_login(inspector)
    body = client.get(DESK).content.decode()
    assert reverse("contracts:document", args=[signed_pact.pk]) in body
    assert reverse("contracts:download", args=[signed_pact.pk]) in body
    assert reverse("audit_log") + "?q=PIK%2F" in body
    for signature in signed_pact.signatures.all():
        assert signature.name in body
    # The panel sees the desk but not the audit trail.
    client.force_login(mayor)
    body = client.get(DESK).content.decode()
    assert reverse("contracts:download", args=[signed_pact.pk]) in body
    assert reverse("audit_log") + "?q=" not in body


# --- The evidence pack -----------------------------------------------------------------


def read_pack(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    chunks = list(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def manifest_of(archive) -> list[dict]:
    text = archive.read("MANIFEST.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    keys = ["path", "size", "sha256", "number", "version", "kind", "status", "registered", "ok"]
    return [dict(zip(keys, row, strict=True)) for row in rows]


def test_evidence_pack_layout_and_manifest(client, inspector, desk_set, dinkes, dindik):
    client.force_login(inspector)
    archive = read_pack(client.get(EVIDENCE))
    assert archive.testzip() is None
    names = archive.namelist()
    signed = desk_set["signed"]
    assert names[-1] == "MANIFEST.csv"
    assert set(names) == {
        f"dindik/{desk_set['pact'].number.replace('/', '-')}-v1.pdf",
        "dindik/riwayat-negosiasi.csv",
        f"dinkes/{signed.number.replace('/', '-')}-v1.pdf",
        "dinkes/PK-0095-DINKES-2019-v1.pdf",
        "dinkes/riwayat-negosiasi.csv",
        "berita-acara/BA-0092-SESI-2018-v1.pdf",
        "MANIFEST.csv",
    }
    # The stored bytes, unchanged.
    with signed.file.open("rb") as stored:
        assert archive.read(f"dinkes/{signed.number.replace('/', '-')}-v1.pdf") == stored.read()

    manifest = manifest_of(archive)
    files = [row for row in manifest if row["path"]]
    assert {row["path"] for row in files} == set(names) - {"MANIFEST.csv"}
    for row in files:
        data = archive.read(row["path"])
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert int(row["size"]) == len(data)
        if row["number"]:
            assert row["registered"] == row["sha256"]
    # Drafts are listed, not included.
    drafts = [row for row in manifest if not row["path"]]
    assert sorted(row["number"] for row in drafts) == sorted(
        [desk_set["draft"].number, desk_set["successor"].number]
    )
    assert all(row["sha256"] == "" for row in drafts)


def test_evidence_pack_follows_the_filters(client, inspector, desk_set):
    client.force_login(inspector)
    archive = read_pack(client.get(EVIDENCE, {"kind": "minutes"}))
    assert archive.namelist() == ["berita-acara/BA-0092-SESI-2018-v1.pdf", "MANIFEST.csv"]


def test_download_is_an_audit_event(client, inspector, desk_set):
    client.force_login(inspector)
    response = client.get(EVIDENCE, {"year": "2019", "kind": "agreement"})
    read_pack(response)
    entry = AuditEntry.objects.get(action="contracts.evidence.download")
    assert entry.actor_id == inspector.pk
    assert entry.after["filters"] == {"kind": "agreement", "year": 2019}
    assert entry.after["count"] == 3


@pytest.fixture
def heads_may_download(monkeypatch):
    """A rule in which a unit head may download evidence too (the pack then holds the
    head's own unit only, whatever the rules say about the desk). The rule in force
    before is put back afterwards, whatever it was: other tests read it."""
    from rules.permissions import permissions

    before = permissions["contracts.download_evidence"]
    rules.set_perm(
        "contracts.download_evidence", is_bappeda | is_panel | is_inspector | is_opd_head
    )
    yield
    rules.set_perm("contracts.download_evidence", before)


def test_a_unit_heads_pack_holds_the_own_unit_only(
    client, dinkes_head, desk_set, heads_may_download
):
    client.force_login(dinkes_head)
    archive = read_pack(client.get(EVIDENCE))
    assert all(name.startswith("dinkes/") or name == "MANIFEST.csv" for name in archive.namelist())
    manifest = manifest_of(archive)
    assert desk_set["pact"].number not in {row["number"] for row in manifest}
    assert desk_set["minutes"].number not in {row["number"] for row in manifest}
    assert desk_set["signed"].number in {row["number"] for row in manifest}


def test_the_ledger_lists_every_offer_version_and_answer(
    client, inspector, offer, on_stage, dinkes, dinkes_head, mayor, settings
):
    answer(
        offer,
        dinkes_head,
        Decision.Kind.COUNTER,
        reason="Anggaran terbatas",
        counter_values=full_values(on_stage, dinkes, value_for=lambda i, y: Decimal("45.5")),
    )
    second = arbitrary_offer(
        on_stage, dinkes, mayor, value_for=lambda i, y: Decimal("47" if i.unit == "%" else "1047")
    )
    answer(second, dinkes_head, Decision.Kind.ACCEPT)
    client.force_login(inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    archive = read_pack(client.get(EVIDENCE))
    text = archive.read("dinkes/riwayat-negosiasi.csv").decode("utf-8-sig")
    header, *body = csv.reader(io.StringIO(text))
    rows = [dict(zip(header, row, strict=True)) for row in body]
    per_offer = 2 * 5  # two indicators, 2019–2023
    offers = [r for r in rows if r["Record"] == "Offer"]
    assert [r["Offer version"] for r in offers] == ["1"] * per_offer + ["2"] * per_offer
    assert {r["Value"] for r in offers if r["Offer version"] == "1"} == {"50"}
    assert {r["Value"] for r in offers if r["Offer version"] == "2"} == {"1,047", "47"}
    assert {r["By"] for r in offers} == {mayor.get_full_name()}
    assert {r["Indicator"] for r in offers} == {
        "Angka Kematian Ibu",
        "Persalinan di fasilitas kesehatan",
    }
    answers = [r for r in rows if r["Record"] == "Answer"]
    assert [(r["Offer version"], r["Answer"]) for r in answers] == [
        ("1", "Propose other values"),
        ("2", "Willing"),
    ]
    assert answers[0]["Reason or note"] == "Anggaran terbatas"
    assert all(r["Time"] for r in answers)
    counters = [r for r in rows if r["Record"] == "Counter-proposal"]
    assert len(counters) == per_offer
    assert {(r["Offer version"], r["Value"]) for r in counters} == {("1", "45.5")}


def test_a_missing_stored_file_is_reported_in_the_manifest(client, inspector, others):
    default_storage.delete(others["pact"].file.name)
    client.force_login(inspector)
    archive = read_pack(client.get(EVIDENCE))
    assert "dindik/PIK-0090-DINDIK-2018-v1.pdf" not in archive.namelist()
    row = next(r for r in manifest_of(archive) if r["number"] == others["pact"].number)
    assert row["path"] == "" and row["sha256"] == "" and row["registered"] == others["pact"].sha256


def test_registered_contributors_add_files_per_unit(client, inspector, others):
    seen = []

    def quarterly(unit):
        seen.append((unit.opd.code, unit.years))
        yield evidence.EvidenceFile("laporan-triwulan/2019-1.txt", data=b"laporan")
        yield evidence.EvidenceFile(
            "bukti/foto.bin", open=lambda: io.BytesIO(b"x" * 200_000), registered_sha256="0" * 64
        )
        yield evidence.EvidenceFile("../../luar.txt", data=b"tetap di dalam")

    def broken(unit):
        raise RuntimeError("monitoring is down")

    evidence.register_evidence(quarterly)
    evidence.register_evidence(broken)
    try:
        client.force_login(inspector)
        archive = read_pack(client.get(EVIDENCE, {"year": "2018"}))
    finally:
        evidence.unregister_evidence(quarterly)
        evidence.unregister_evidence(broken)
    assert quarterly not in evidence.contributors() and broken not in evidence.contributors()
    assert archive.testzip() is None
    assert archive.read("dindik/laporan-triwulan/2019-1.txt") == b"laporan"
    assert archive.read("dindik/luar.txt") == b"tetap di dalam"
    assert any("broken" in r["status"] and r["path"] == "" for r in manifest_of(archive))
    assert len(archive.read("dindik/bukti/foto.bin")) == 200_000
    assert seen == [("dindik", frozenset({2018}))]
    row = next(r for r in manifest_of(archive) if r["path"] == "dindik/bukti/foto.bin")
    assert row["sha256"] == hashlib.sha256(b"x" * 200_000).hexdigest()
    assert row["registered"] == "0" * 64 and row["ok"] != ""


def test_the_pack_streams_in_chunks(client, inspector, dindik):
    for n in range(3):
        sealed_document(dindik, f"PIK/{n:04d}/DINDIK/2018", size=300_000)
    client.force_login(inspector)
    response = client.get(EVIDENCE)
    sizes = [len(chunk) for chunk in response.streaming_content]
    assert max(sizes) <= evidence.CHUNK + 1024
    assert sum(sizes) > 900_000


@pytest.mark.django_db(transaction=True)
def test_the_pack_streams_under_asgi(inspector, others):
    """Under ASGI the pack is an asynchronous iterator (Django would read a synchronous
    one to its end before sending anything)."""

    async def fetch():
        client = AsyncClient()
        await client.aforce_login(inspector)
        response = await client.get(EVIDENCE)
        assert response.streaming and response.is_async
        return b"".join([chunk async for chunk in response.streaming_content])

    archive = zipfile.ZipFile(io.BytesIO(async_to_sync(fetch)()))
    assert "dindik/PIK-0090-DINDIK-2018-v1.pdf" in archive.namelist()
    assert archive.testzip() is None


# --- Preparing the performance agreements ---------------------------------------------


def test_bappeda_prepares_the_years_agreements(client, operator, accepted, dinkes):
    client.force_login(operator)
    body = client.get(DESK).content.decode()
    assert reverse("contracts:agreements_prepare") in body
    response = client.post(reverse("contracts:agreements_prepare"), {"year": "2019"})
    assert response.status_code == 302
    assert response["Location"] == f"{DESK}?year=2019&kind=agreement"
    agreement = Document.objects.get(kind=Document.Kind.AGREEMENT, opd=dinkes, year=2019)
    shown = client.get(response["Location"])
    assert numbers(shown) == [agreement.number]
    # Again: nothing new, and the reason why.
    client.post(reverse("contracts:agreements_prepare"), {"year": "2019"})
    listed = [str(m) for m in client.get(DESK).context["messages"]]
    assert any(agreement.number in m for m in listed)
    assert Document.objects.filter(kind=Document.Kind.AGREEMENT).count() == 1


def test_the_agreements_form_reports_a_bad_year(client, operator, pact):
    client.force_login(operator)
    response = client.post(reverse("contracts:agreements_prepare"), {"year": "20x9"})
    assert response.status_code == 400
    assert response.context["prepare_form"].errors["year"]
    assert 'value="20x9"' in response.content.decode()


@pytest.mark.parametrize("persona", ["inspector", "mayor", "dinkes_head"])
def test_only_bappeda_prepares_agreements(client, request, persona, accepted):
    client.force_login(request.getfixturevalue(persona))
    assert reverse("contracts:agreements_prepare") not in client.get(DESK).content.decode()
    response = client.post(reverse("contracts:agreements_prepare"), {"year": "2019"})
    assert response.status_code == 403
    assert not Document.objects.filter(kind=Document.Kind.AGREEMENT).exists()
