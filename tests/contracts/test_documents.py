"""From an answer to a sealed, verifiable document: preparing, signing, sealing,
freezing, amending, verifying — in the service layer and through the pages."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from auctions import services as auction_services
from auctions.live import render_session
from contracts import pdf, services
from contracts.models import Document, FrozenDocument, Signature
from contracts.seal import validate_seal
from lelang.models import AuditEntry
from lelang.roles import Role
from tests.factories import PASSWORD, UserFactory, make_member


def sign(document, user, password=PASSWORD):
    return services.document_sign(document=document, user=user, password=password)


@pytest.fixture
def sealed(pact, dinkes_head, mayor):
    sign(pact, dinkes_head)
    sign(pact, mayor)
    pact.refresh_from_db()
    return pact


def stored_bytes(document) -> bytes:
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


# --- Preparing --------------------------------------------------------------------


def test_willing_answer_prepares_the_pact_at_once(pact, dinkes, dinkes_head):
    assert pact.kind == Document.Kind.PACT
    assert pact.status == Document.Status.DRAFT
    assert pact.opd == dinkes
    assert pact.official.user == dinkes_head
    assert pact.number.startswith("PIK/") and pact.number.endswith("/DINKES/2018")
    names = {row["name"] for row in pact.content["indicators"]}
    assert names == {"Angka Kematian Ibu", "Persalinan di fasilitas kesehatan"}
    assert all(
        row["targets"] == {str(y): "50.0000" for y in range(2019, 2024)}
        for row in pact.content["indicators"]
    )
    assert AuditEntry.objects.filter(action="contracts.document.prepare").count() == 1


def test_draft_pdf_reads_as_the_pact_and_says_draft(pact):
    text = pdf.text_of(pdf.render(pact))
    assert "PAKTA INTEGRITAS KESANGGUPAN" in text
    assert "Dinas Kesehatan" in text
    assert "Kepala Dinas Kesehatan" in text  # the official
    assert "Angka Kematian Ibu" in text and "Persalinan di fasilitas kesehatan" in text
    assert "2019" in text and "2023" in text  # years unlocalised: not "2.019"
    assert "2.019" not in text
    assert "53,6" in text  # the baseline, the Indonesian way
    assert "DRAF" in text
    assert "jabatan dapat diserahkan" in text  # reward and punishment, the hand-over
    # Every page prints the verification address whole (also when the token has a "-").
    assert text.count(f"/verifikasi/{pact.token}/") == len(
        PdfReader(io.BytesIO(pdf.render(pact))).pages
    )


def test_counter_proposal_prepares_nothing(offer, dinkes_head):
    auction_services.decision_record(
        offer=offer,
        kind="counter",
        user=dinkes_head,
        password=PASSWORD,
        reason="Terlalu tinggi",
        counter_values={(t.indicator_id, t.year): Decimal("51") for t in offer.targets.all()},
    )
    assert not Document.objects.exists()


def test_refusal_prepares_the_pact_of_unwillingness_signed_by_the_head_alone(refused, dinkes_head):
    assert refused.kind == Document.Kind.REFUSAL
    assert refused.content["reason"] == "Anggaran tidak cukup"
    sign(refused, dinkes_head)
    refused.refresh_from_db()
    assert refused.is_sealed
    text = pdf.text_of(stored_bytes(refused))
    assert "KETIDAKSANGGUPAN" in text and "Anggaran tidak cukup" in text
    assert "DRAF" not in text


# --- Signing and sealing ------------------------------------------------------------


def test_head_then_mayor_seal_the_pact_once(sealed, dinkes_head, mayor):
    assert sealed.is_sealed and sealed.sealed_at is not None
    data = stored_bytes(sealed)
    assert hashlib.sha256(data).hexdigest() == sealed.sha256
    assert sealed.size == len(data)
    roles = dict(sealed.signatures.values_list("role", "user"))
    assert roles == {Signature.Role.HEAD: dinkes_head.pk, Signature.Role.MAYOR: mayor.pk}
    text = pdf.text_of(data)
    assert "DRAF" not in text
    signed_on = pdf.long_date(sealed.signatures.get(role="mayor").signed_at)
    assert f"Malang, {signed_on}" in " ".join(text.split())
    actions = list(
        AuditEntry.objects.filter(object_type="contracts.document")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "contracts.document.prepare",
        "contracts.document.sign.head",
        "contracts.document.sign.mayor",
        "contracts.document.seal",
    ]


def test_the_seal_is_a_valid_pades_signature_and_one_byte_breaks_it(sealed):
    data = stored_bytes(sealed)
    status = validate_seal(data)
    assert status.intact and status.valid and status.trusted
    assert status.coverage.name == "ENTIRE_FILE"
    altered = bytearray(data)
    position = data.index(b"/Producer") + 3  # inside the signed range
    altered[position] ^= 0x01
    broken = validate_seal(bytes(altered))
    assert broken is None or not broken.intact


def test_the_mayor_cannot_countersign_before_the_head(pact, mayor):
    with pytest.raises(PermissionDenied):
        sign(pact, mayor)


def test_another_units_head_and_staff_cannot_sign(pact, dindik_head, dinkes_staff):
    with pytest.raises(PermissionDenied):
        sign(pact, dindik_head)
    with pytest.raises(PermissionDenied):
        sign(pact, dinkes_staff)
    assert not Signature.objects.exists()


def test_a_head_whose_tenure_ended_cannot_sign(pact, dinkes_head):
    import datetime

    from opd.models import Tenure

    Tenure.objects.filter(official__user=dinkes_head).update(
        end_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        sign(pact, dinkes_head)


def test_wrong_password_signs_nothing_and_is_recorded(pact, dinkes_head):
    with pytest.raises(ValidationError):
        sign(pact, dinkes_head, password="salah")
    assert not Signature.objects.exists()
    assert AuditEntry.objects.filter(action="contracts.document.bad_password").exists()


def test_ceremony_countersigns_many_with_one_password(
    client, pact, dinkes_head, mayor, dindik, dindik_head, session, ready_dinkes
):
    sign(pact, dinkes_head)
    client.force_login(mayor)
    page = client.get(reverse("contracts:ceremony"))
    assert page.status_code == 200 and pact.number in page.content.decode()
    wrong = client.post(
        reverse("contracts:ceremony"), {"documents": [pact.pk], "password": "salah"}
    )
    assert wrong.status_code == 400
    assert not Document.objects.get(pk=pact.pk).is_sealed
    done = client.post(
        reverse("contracts:ceremony"), {"documents": [pact.pk], "password": PASSWORD}
    )
    assert done.status_code == 302
    assert Document.objects.get(pk=pact.pk).is_sealed


def test_ceremony_is_for_the_panel_only(client, inspector, dinkes_head):
    for user in (inspector, dinkes_head):
        client.force_login(user)
        assert client.get(reverse("contracts:ceremony")).status_code == 403


# --- Frozen -------------------------------------------------------------------------


def test_a_sealed_document_cannot_be_changed_by_any_path(sealed, admin_client):
    sealed.title = "Diubah"
    with pytest.raises(FrozenDocument):
        sealed.save()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Document.objects.filter(pk=sealed.pk).update(title="Diubah")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Signature.objects.filter(document=sealed).update(name="Orang lain")
    with pytest.raises(FrozenDocument):
        sealed.delete()
    url = reverse("admin:contracts_document_change", args=[sealed.pk])
    response = admin_client.post(url, {"title": "Diubah"})
    assert response.status_code in (302, 403) or "Diubah" not in response.content.decode()
    assert Document.objects.get(pk=sealed.pk).title != "Diubah"


def test_signing_a_sealed_document_again_is_refused(sealed, mayor):
    with pytest.raises(ValidationError):
        sign(sealed, mayor)


def test_download_serves_the_stored_bytes_without_rendering(client, sealed, inspector, monkeypatch):
    def no_render(*args, **kwargs):
        raise AssertionError("a sealed document must not be rendered again")

    monkeypatch.setattr(pdf, "render", no_render)
    client.force_login(inspector)
    response = client.get(reverse("contracts:download", args=[sealed.pk]))
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == sealed.sha256
    assert AuditEntry.objects.filter(action="contracts.document.download").exists()


def test_other_units_cannot_see_a_draft(client, pact, dindik_head, dinkes_staff):
    client.force_login(dindik_head)
    assert client.get(reverse("contracts:document", args=[pact.pk])).status_code == 404
    assert client.get(reverse("contracts:download", args=[pact.pk])).status_code == 404
    client.force_login(dinkes_staff)  # own unit: may read, may not sign
    page = client.get(reverse("contracts:document", args=[pact.pk]))
    assert page.status_code == 200 and 'id="sign"' not in page.content.decode()


def test_head_signs_on_the_document_page(client, pact, dinkes_head):
    client.force_login(dinkes_head)
    page = client.get(reverse("contracts:document", args=[pact.pk]))
    assert 'id="sign"' in page.content.decode()
    bad = client.post(reverse("contracts:sign", args=[pact.pk]), {"password": "salah"})
    assert bad.status_code == 400
    ok = client.post(reverse("contracts:sign", args=[pact.pk]), {"password": PASSWORD})
    assert ok.status_code == 302
    assert pact.signatures.filter(role="head").exists()


# --- Amendments and verification ----------------------------------------------------


def test_amendment_is_version_two_and_version_one_stays_verifiable(
    client, sealed, operator, dinkes_head, mayor
):
    with pytest.raises(PermissionDenied):
        services.document_amend(document=sealed, reason="x", user=dinkes_head)
    with pytest.raises(ValidationError):
        services.document_amend(document=sealed, reason=" ", user=operator)
    second = services.document_amend(
        document=sealed, reason="Indikator dibuka kembali", user=operator
    )
    assert second.version == 2 and second.previous == sealed and second.number == sealed.number
    with pytest.raises(ValidationError):
        services.document_amend(document=sealed, reason="lagi", user=operator)
    sign(second, dinkes_head)
    sign(second, mayor)
    second.refresh_from_db()
    assert second.is_sealed and second.sha256 != sealed.sha256

    first_page = client.get(reverse("verify", args=[sealed.token]))
    assert first_page.status_code == 200
    assert 'data-status="superseded"' in first_page.content.decode()
    upload = _upload(stored_bytes(sealed))
    checked = client.post(reverse("verify", args=[sealed.token]), {"file": upload})
    assert 'data-result="match"' in checked.content.decode()


def _upload(data: bytes, name="pakta.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_verification_page_public_facts_and_byte_comparison(client, sealed, settings):
    page = client.get(reverse("verify", args=[sealed.token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert sealed.number in html and sealed.sha256 in html and "Dinas Kesehatan" in html
    assert "Angka Kematian Ibu" not in html  # nothing beyond the listed facts

    data = stored_bytes(sealed)
    before = sorted(p.name for p in (settings.MEDIA_ROOT / "documents").iterdir())
    same = client.post(reverse("verify", args=[sealed.token]), {"file": _upload(data)})
    assert 'data-result="match"' in same.content.decode()
    altered = bytearray(data)
    altered[len(altered) // 2] ^= 0xFF
    other = client.post(reverse("verify", args=[sealed.token]), {"file": _upload(bytes(altered))})
    assert 'data-result="mismatch"' in other.content.decode()
    after = sorted(p.name for p in (settings.MEDIA_ROOT / "documents").iterdir())
    assert before == after  # uploads are never stored

    settings.LELANG_VERIFY_MAX_BYTES = 1000
    big = client.post(reverse("verify", args=[sealed.token]), {"file": _upload(data)})
    assert big.status_code == 400 and "data-result" not in big.content.decode()


def test_unknown_token_is_a_plain_404(client, db):
    assert client.get(reverse("verify", args=["tidak-ada"])).status_code == 404


def test_tokens_are_unguessable(sealed, pact):
    assert len(sealed.token) >= 32


# --- Minutes -------------------------------------------------------------------------


def test_closing_a_session_seals_its_minutes_with_the_chain_head(
    accepted, on_stage, operator, session
):
    from lelang.audit import chain_head

    auction_services.session_close(session=session, user=operator)
    minutes = Document.objects.get(kind=Document.Kind.MINUTES)
    assert minutes.is_sealed and minutes.session == session
    seq, digest = minutes.chain_head.split(":")
    text = " ".join(pdf.text_of(stored_bytes(minutes)).split())
    assert "BERITA ACARA" in text and "Dinas Kesehatan" in text
    assert digest[:20] in text.replace(" ", "")
    assert int(seq) < chain_head()[0]  # the sealing came after, in the chain too


# --- The live screens -----------------------------------------------------------------


def test_live_screens_show_the_pact_state(pact, session, dinkes_head, mayor):
    fragments = render_session(f"session:{session.pk}")
    console = fragments[f"session:{session.pk}:console"]
    assert pact.number in console
    sign(pact, dinkes_head)
    sign(pact, mayor)
    fragments = render_session(f"session:{session.pk}")
    projector = fragments[f"session:{session.pk}:projector"]
    assert "signed-pact" in projector and f"/dokumen/{pact.pk}.png" in projector


def test_projector_image_needs_the_display_token(client, sealed, session):
    url = reverse("projector_document_page", args=[session.display_token, sealed.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert (
        client.get(reverse("projector_document_page", args=["salah", sealed.pk])).status_code == 404
    )


def test_agreement_prepared_from_binding_targets(sealed, operator, dinkes, mayor, dinkes_head):
    agreement = services.agreement_prepare(opd=dinkes, year=2019, user=operator)
    assert agreement.kind == Document.Kind.AGREEMENT and agreement.official.user == dinkes_head
    with pytest.raises(ValidationError):
        services.agreement_prepare(opd=dinkes, year=2019, user=operator)
    sign(agreement, dinkes_head)
    sign(agreement, mayor)
    agreement.refresh_from_db()
    text = " ".join(pdf.text_of(stored_bytes(agreement)).split())
    assert "PERJANJIAN KINERJA TAHUN 2019" in text
    assert "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text
    assert "Sasaran Strategis" in text and "Angka Kematian Ibu" in text


def test_staff_role_user_cannot_countersign(pact, dinkes_head, dinkes):
    sign(pact, dinkes_head)
    clerk = UserFactory(username="clerk", role=Role.OPD_STAFF)
    make_member(clerk, dinkes)
    with pytest.raises(PermissionDenied):
        sign(pact, clerk)


def test_minutes_closed_without_a_certificate_are_sealed_later(
    client, accepted, on_stage, operator, session, settings, tmp_path
):
    settings.DATA_DIR = tmp_path / "no-certificate"  # production: no demo certificate
    auction_services.session_close(session=session, user=operator)
    minutes = Document.objects.get(kind=Document.Kind.MINUTES)
    assert not minutes.is_sealed and minutes.chain_head  # the session closed anyway
    from contracts.seal import ensure_demo_certificate

    ensure_demo_certificate()
    client.force_login(operator)
    page = client.get(reverse("contracts:document", args=[minutes.pk]))
    assert reverse("contracts:seal", args=[minutes.pk]) in page.content.decode()
    client.post(reverse("contracts:seal", args=[minutes.pk]))
    assert Document.objects.get(pk=minutes.pk).is_sealed


def test_the_item_is_signed_once_its_pact_is_sealed(sealed, on_stage):
    on_stage.refresh_from_db()
    assert on_stage.state == "signed"
    assert on_stage.closed_at is not None
    assert AuditEntry.objects.filter(action="auctions.item.signed").count() == 1


def test_the_pact_text_carries_the_agreed_values(pact):
    text = " ".join(pdf.text_of(pdf.render(pact)).split())
    assert "Target kinerja yang disanggupi" in text
    assert text.count(" 50 ") >= 10  # both indicators, every year 2019–2023


def test_monitoring_reads_the_targets_of_the_version_in_force(sealed, operator, dinkes_head, mayor):
    from contracts.selectors import targets_in_force

    aki = next(r["id"] for r in sealed.content["indicators"] if r["name"] == "Angka Kematian Ibu")
    before = targets_in_force()
    assert (
        before[(aki, 2023)]["value"] == Decimal("50") and before[(aki, 2023)]["document"] == sealed
    )
    second = services.document_amend(document=sealed, reason="Perbaikan", user=operator)
    # A draft amendment binds nothing yet: version 1 stays in force.
    assert targets_in_force()[(aki, 2023)]["document"] == sealed
    sign(second, dinkes_head)
    sign(second, mayor)
    assert targets_in_force()[(aki, 2023)]["document"].pk == second.pk


def test_an_oversized_upload_is_refused_before_it_is_read(client, sealed, settings):
    settings.LELANG_VERIFY_MAX_BYTES = 1000
    response = client.post(
        reverse("verify", args=[sealed.token]), {"file": _upload(bytes(300_000))}
    )
    assert response.status_code == 400
    assert "data-result" not in response.content.decode()


def test_five_wrong_passwords_on_signing_lock_the_account(client, pact, dinkes_head):
    client.force_login(dinkes_head)
    url = reverse("contracts:sign", args=[pact.pk])
    for _attempt in range(5):
        client.post(url, {"password": "salah"})
    assert AuditEntry.objects.filter(action="contracts.document.bad_password").count() == 5
    response = client.post(url, {"password": PASSWORD})
    assert "terkunci" in response.content.decode()
    assert not Signature.objects.exists()
