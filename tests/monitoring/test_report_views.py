"""The quarterly report screens: the whole flow through the views, bad input kept,
other units invisible, and who may press which button (checked on the server)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import services as contract_services
from lelang.models import AuditEntry
from monitoring import services
from monitoring.models import Report, ReportLine
from opd.models import Indicator
from tests.factories import PASSWORD
from tests.monitoring.test_reports import PNG

HX = {"HX-Request": "true"}


@pytest.fixture
def signed(pact, dinkes_head, mayor):
    contract_services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    contract_services.document_sign(document=pact, user=mayor, password=PASSWORD)
    return pact


@pytest.fixture
def quarter(db):
    return services.quarter_get(2019, 1)


@pytest.fixture
def report(signed, dinkes, quarter, dinkes_staff):
    return services.report_open(opd=dinkes, quarter=quarter, user=dinkes_staff)


def client_for(client, user):
    client.force_login(user)
    return client


def page_url(year=2019, number=1, code="dinkes"):
    return reverse("monitoring:report", args=[code, year, number])


def save(client, line, htmx=True, **values):
    data = {f"line-{line.pk}-{k}": v for k, v in values.items()}
    return client.post(
        reverse("monitoring:line_save", args=[line.pk]), data, headers=HX if htmx else {}
    )


def test_the_whole_flow_through_the_screens(
    client,
    signed,
    quarter,
    dinkes_staff,
    dinkes_head,
    operator,
    mayor,
):
    staff = client_for(client, dinkes_staff)
    assert staff.get(page_url()).status_code == 200  # not opened yet: the open button
    response = staff.post(page_url(), {"action": "open"})
    assert response.status_code == 302
    report = Report.objects.get()
    page = staff.get(page_url())
    assert page.status_code == 200
    lines = list(report.lines.order_by("pk"))
    for line in lines:
        assert f'id="line-{line.pk}"' in page.content.decode()
        assert reverse("contracts:document", args=[line.pact_id]) in page.content.decode()

    for line in lines:
        response = save(staff, line, realization="45,5", narrative="Sesuai rencana")
        assert response.status_code == 200
        body = response.content.decode()
        assert "<html" not in body and f'id="line-{line.pk}"' in body  # only the card
        assert "data-band=" in body  # achievement and band once there is a realisation
    assert {line.realization for line in report.lines.all()} == {Decimal("45.5")}

    upload = SimpleUploadedFile("foto kegiatan.png", PNG, content_type="image/png")
    response = staff.post(
        reverse("monitoring:evidence_upload", args=[lines[0].pk]),
        {f"evidence-{lines[0].pk}-file": upload},
        headers=HX,
    )
    assert response.status_code == 200
    evidence = lines[0].evidence.get()
    assert reverse("monitoring:evidence_download", args=[evidence.pk]) in response.content.decode()

    # Staff cannot submit; the head can.
    assert staff.post(reverse("monitoring:submit", args=[report.pk])).status_code == 403
    head = client_for(client, dinkes_head)
    response = head.post(reverse("monitoring:submit", args=[report.pk]), headers=HX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == page_url()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.days_late > 0
    assert save(head, lines[0], realization="46").status_code == 403  # not while submitted

    # Only Bappeda reviews; it returns one line with a comment.
    review = reverse("monitoring:review", args=[report.pk])
    panel = client_for(client, mayor)
    assert panel.post(review, {"action": "verify"}).status_code == 403
    bappeda = client_for(client, operator)
    assert 'id="review-form"' in bappeda.get(page_url()).content.decode()
    response = bappeda.post(review, {"action": "return"})  # no comment: refused, nothing changes
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    response = bappeda.post(
        review, {"action": "return", f"comment-{lines[0].pk}": "Lampirkan data puskesmas"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert ReportLine.objects.get(pk=lines[0].pk).review == ReportLine.Review.RETURNED

    # The unit sees the comment, fixes the line, the head submits again.
    staff = client_for(client, dinkes_staff)
    assert "Lampirkan data puskesmas" in staff.get(page_url()).content.decode()
    assert save(staff, lines[0], realization="47").status_code == 200
    assert ReportLine.objects.get(pk=lines[0].pk).review == ReportLine.Review.PENDING
    head = client_for(client, dinkes_head)
    assert head.post(reverse("monitoring:submit", args=[report.pk])).status_code == 302

    bappeda = client_for(client, operator)
    assert bappeda.post(review, {"action": "verify"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.VERIFIED

    # Verified: read-only for everybody.
    for user in (dinkes_staff, dinkes_head, operator):
        body = client_for(client, user).get(page_url()).content.decode()
        assert reverse("monitoring:line_save", args=[lines[0].pk]) not in body
        assert reverse("monitoring:submit", args=[report.pk]) not in body
        assert 'id="review-form"' not in body
    staff = client_for(client, dinkes_staff)
    assert save(staff, lines[0], realization="1").status_code == 403
    assert ReportLine.objects.get(pk=lines[0].pk).realization == Decimal("47")

    # Bappeda corrects by a new revision, with a reason.
    bappeda = client_for(client, operator)
    assert 'id="correct"' in bappeda.get(page_url()).content.decode()
    correct = reverse("monitoring:correct", args=[report.pk])
    assert bappeda.post(correct, {"reason": ""}).status_code == 200
    assert bappeda.post(correct, {"reason": "Data BPS terbaru"}).status_code == 302
    newest = Report.objects.get(revision=2)
    assert newest.status == Report.Status.DRAFT
    assert bappeda.get(page_url()).context["report"] == newest


def test_bad_input_keeps_what_was_typed(client, report, dinkes_staff):
    staff = client_for(client, dinkes_staff)
    share = report.lines.get(indicator__unit="%")
    response = save(staff, share, realization="empat lima", narrative="Catatan saya")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="empat lima"' in body and "Catatan saya" in body
    assert "field__error" in body
    response = save(staff, share, realization="120")  # a share above 100 %
    assert 'value="120"' in response.content.decode()
    assert "field__error" in response.content.decode()
    share.refresh_from_db()
    assert share.realization is None

    ratio = report.lines.get(indicator__name="Angka Kematian Ibu")
    Indicator.objects.filter(pk=ratio.indicator_id).update(
        aggregation=Indicator.Aggregation.RATIO, ratio_per=100000
    )
    response = save(staff, ratio, numerator="-3", denominator="6.400")
    body = response.content.decode()
    assert 'value="-3"' in body and 'value="6.400"' in body and "field__error" in body
    response = save(staff, ratio, numerator="3", denominator="6.400")
    ratio.refresh_from_db()
    assert ratio.realization == Decimal("46.8750")

    # Without htmx the whole page comes back with the typed value.
    response = save(staff, share, htmx=False, realization="abc")
    assert response.status_code == 200 and "<html" in response.content.decode()
    assert 'value="abc"' in response.content.decode()


def test_other_units_reports_are_invisible(
    client,
    report,
    dindik_head,
    dinkes_staff,
    inspector,
):
    line = report.lines.first()
    services.evidence_add(
        line=line,
        upload=SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        user=dinkes_staff,
    )
    evidence = line.evidence.get()
    other = client_for(client, dindik_head)
    assert other.get(page_url()).status_code == 404
    assert other.get(page_url(number=2)).status_code == 404  # not opened yet: 404 as well
    assert save(other, line, realization="1").status_code == 404
    assert other.post(reverse("monitoring:submit", args=[report.pk])).status_code == 404
    download = reverse("monitoring:evidence_download", args=[evidence.pk])
    assert other.get(download).status_code == 404
    assert client_for(client, inspector).get(page_url()).status_code == 200


def test_evidence_download_is_audited(client, report, dinkes_staff, inspector):
    line = report.lines.first()
    services.evidence_add(
        line=line,
        upload=SimpleUploadedFile("b.png", PNG, content_type="image/png"),
        user=dinkes_staff,
    )
    evidence = line.evidence.get()
    response = client_for(client, inspector).get(
        reverse("monitoring:evidence_download", args=[evidence.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    entry = AuditEntry.objects.get(action="monitoring.evidence.download")
    assert entry.actor == inspector


def test_a_quarter_not_begun_says_so(client, signed, dinkes_staff):
    year = datetime.date.today().year + 1
    staff = client_for(client, dinkes_staff)
    response = staff.post(page_url(year=year), {"action": "open"}, follow=True)
    assert response.status_code == 200
    assert f"01/01/{year}" in response.content.decode()  # the service's message
    assert not Report.objects.exists()


def test_only_bappeda_manages_quarters(client, quarter, dinkes_staff, operator):
    url = reverse("monitoring:quarter", args=[2019, 1])
    assert client_for(client, dinkes_staff).get(url).status_code == 403
    bappeda = client_for(client, operator)
    assert bappeda.get(url).status_code == 200
    response = bappeda.post(url, {"action": "due", "due_date": "2019-03-01"})
    assert response.status_code == 200 and "field__error" in response.content.decode()
    assert bappeda.post(url, {"action": "due", "due_date": "2019-04-20"}).status_code == 302
    quarter.refresh_from_db()
    assert quarter.due_date == datetime.date(2019, 4, 20)
    assert bappeda.post(url, {"action": "close"}).status_code == 302
    quarter.refresh_from_db()
    assert quarter.is_closed


def test_the_overviews(client, report, dinkes_staff, operator, inspector):
    services.quarter_get(datetime.date.today().year, 1)
    body = client_for(client, dinkes_staff).get(reverse("monitoring:index")).content.decode()
    assert reverse("monitoring:report", args=["dinkes", datetime.date.today().year, 1]) in body
    response = client_for(client, operator).get(
        reverse("monitoring:index"), {"year": 2019, "quarter": 1}
    )
    body = response.content.decode()
    assert page_url() in body
    assert reverse("monitoring:quarter", args=[2019, 1]) in body
    response = client_for(client, inspector).get(
        reverse("monitoring:index"), {"year": 2019}, headers=HX
    )
    assert 'id="overview-table"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert reverse("monitoring:quarter", args=[2019, 1]) not in response.content.decode()


def test_an_upload_keeps_what_was_typed_and_not_saved(client, report, dinkes_staff, settings):
    """The evidence form brings the line's unsaved fields along (hx-include): a file
    refused for its size, or accepted, leaves the typed realisation on the card."""
    staff = client_for(client, dinkes_staff)
    line = report.lines.first()
    url = reverse("monitoring:evidence_upload", args=[line.pk])
    typed = {f"line-{line.pk}-realization": "47,5", f"line-{line.pk}-narrative": "Draf saya"}
    page = staff.get(page_url()).content.decode()
    assert f'hx-include="#line-form-{line.pk}"' in page and f'id="line-form-{line.pk}"' in page

    settings.LELANG_UPLOAD_MAX_BYTES = 10
    big = SimpleUploadedFile("besar.png", PNG, content_type="image/png")
    response = staff.post(url, {**typed, f"evidence-{line.pk}-file": big}, headers=HX)
    body = response.content.decode()
    assert response.status_code == 200 and "field__error" in body
    assert 'value="47,5"' in body and "Draf saya" in body
    assert not line.evidence.exists()

    settings.LELANG_UPLOAD_MAX_BYTES = 10_000_000
    small = SimpleUploadedFile("bukti.png", PNG, content_type="image/png")
    body = staff.post(url, {**typed, f"evidence-{line.pk}-file": small}, headers=HX)
    assert 'value="47,5"' in body.content.decode() and line.evidence.count() == 1
    line.refresh_from_db()
    assert line.realization is None  # shown again, not saved behind the user's back
