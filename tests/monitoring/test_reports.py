"""The quarterly report against the signed pact: open, enter, submit, return, fix,
verify, freeze, correct — and who may do each, checked in the service."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction

from contracts import services as contract_services
from lelang.models import AuditEntry
from monitoring import services
from monitoring.models import FrozenReport, Quarter, Report, ReportLine
from opd.models import Indicator
from tests.factories import PASSWORD

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def signed(pact, dinkes_head, mayor):
    contract_services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    contract_services.document_sign(document=pact, user=mayor, password=PASSWORD)
    pact.refresh_from_db()
    return pact


@pytest.fixture
def quarter(db):
    return services.quarter_get(2019, 1)


@pytest.fixture
def report(signed, dinkes, quarter, dinkes_staff):
    return services.report_open(opd=dinkes, quarter=quarter, user=dinkes_staff)


def fill(report, user, value=Decimal("45")):
    for line in report.lines.all():
        services.line_save(line=line, user=user, realization=value, narrative="Sesuai rencana")


def test_the_quarter_knows_its_dates_and_due_day(quarter):
    assert (quarter.start, quarter.end) == (datetime.date(2019, 1, 1), datetime.date(2019, 3, 31))
    assert quarter.due_date == datetime.date(2019, 4, 10)
    assert str(quarter) == "TW I 2019"
    assert services.quarter_get(2019, 4).end == datetime.date(2019, 12, 31)
    with pytest.raises(ValidationError):
        services.quarter_get(2019, 5)


def test_a_report_has_a_line_per_signed_target_copied_from_the_pact(report, signed):
    lines = list(report.lines.select_related("indicator", "pact"))
    names = {line.indicator.name for line in lines}
    assert names == {"Angka Kematian Ibu", "Persalinan di fasilitas kesehatan"}
    assert all(line.pact == signed for line in lines)
    assert all(line.yearly_target == Decimal("50") for line in lines)
    assert all(line.target == Decimal("50") for line in lines)  # "last value": the year's
    assert AuditEntry.objects.filter(action="monitoring.report.open").count() == 1


def test_no_report_without_a_signed_pact(pact, dinkes, quarter, dinkes_staff):
    # Accepted but not signed yet: there is nothing binding to report against.
    with pytest.raises(ValidationError, match="2019"):
        services.report_open(opd=dinkes, quarter=quarter, user=dinkes_staff)


def test_no_report_for_a_quarter_not_yet_begun(signed, dinkes, dinkes_staff):
    later = services.quarter_get(datetime.date.today().year + 1, 1)
    with pytest.raises(ValidationError):
        services.report_open(opd=dinkes, quarter=later, user=dinkes_staff)


def test_only_the_units_people_open_and_fill_it(
    signed, dinkes, quarter, dindik_head, inspector, operator
):
    for user in (dindik_head, inspector, operator):
        with pytest.raises(PermissionDenied):
            services.report_open(opd=dinkes, quarter=quarter, user=user)


def test_a_count_cannot_be_negative_and_nothing_is_kept(report, dinkes_staff):
    line = report.lines.get(indicator__unit="%")
    with pytest.raises(ValidationError):
        services.line_save(line=line, user=dinkes_staff, realization=Decimal("120"))
    line.refresh_from_db()
    assert line.realization is None


def test_a_ratio_is_entered_as_numerator_and_denominator(report, dinkes_staff):
    line = report.lines.get(indicator__name="Angka Kematian Ibu")
    Indicator.objects.filter(pk=line.indicator_id).update(
        aggregation=Indicator.Aggregation.RATIO, ratio_per=100000
    )
    services.line_save(
        line=line, user=dinkes_staff, numerator=Decimal("3"), denominator=Decimal("6400")
    )
    line.refresh_from_db()
    assert line.realization == Decimal("46.8750")
    with pytest.raises(ValidationError):
        services.line_save(
            line=line, user=dinkes_staff, numerator=Decimal("3"), denominator=Decimal("0")
        )


def test_submit_needs_every_value_and_the_head(report, dinkes_staff, dinkes_head):
    with pytest.raises(ValidationError):
        services.report_submit(report=report, user=dinkes_head)
    fill(report, dinkes_staff)
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, user=dinkes_staff)
    submitted = services.report_submit(report=report, user=dinkes_head)
    assert submitted.status == Report.Status.SUBMITTED
    assert submitted.days_late > 0  # TW I 2019 was due on 10 April 2019


def test_return_fix_verify_then_frozen_and_corrected_by_a_revision(
    report, dinkes_staff, dinkes_head, operator, mayor
):
    fill(report, dinkes_staff)
    services.report_submit(report=report, user=dinkes_head)
    first = report.lines.order_by("pk").first()
    with pytest.raises(PermissionDenied):
        services.report_review(report=report, user=mayor)
    with pytest.raises(ValidationError):
        services.report_review(report=report, user=operator, returned={first.pk: " "})
    services.report_review(
        report=report, user=operator, returned={first.pk: "Lampirkan data puskesmas"}
    )
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    first.refresh_from_db()
    assert first.review == ReportLine.Review.RETURNED

    services.line_save(line=first, user=dinkes_staff, realization=Decimal("44"))
    first.refresh_from_db()
    assert first.review == ReportLine.Review.PENDING
    services.report_submit(report=report, user=dinkes_head)
    services.report_review(report=report, user=operator)
    report.refresh_from_db()
    assert report.status == Report.Status.VERIFIED

    with pytest.raises(PermissionDenied):
        services.line_save(line=first, user=dinkes_staff, realization=Decimal("1"))
    with pytest.raises(FrozenReport):
        report.save()
    with pytest.raises(FrozenReport):
        first.save()
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status="draft")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ReportLine.objects.filter(pk=first.pk).update(realization=Decimal("1"))

    with pytest.raises(ValidationError):
        services.report_correct(report=report, reason=" ", user=operator)
    second = services.report_correct(report=report, reason="Data BPS terbaru", user=operator)
    assert (second.revision, second.previous, second.status) == (2, report, "draft")
    assert second.lines.count() == report.lines.count()
    assert services.report_open(opd=report.opd, quarter=report.quarter, user=dinkes_staff) == second
    assert AuditEntry.objects.filter(action="monitoring.report.correct").exists()


def test_a_closed_quarter_takes_nothing_more(report, dinkes_staff, operator, quarter):
    services.quarter_close(quarter=quarter, user=operator)
    line = report.lines.first()
    with pytest.raises(PermissionDenied):
        services.line_save(line=line, user=dinkes_staff, realization=Decimal("45"))


def test_evidence_follows_the_data_rooms_rules(report, dinkes_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    line = report.lines.first()
    kept = services.evidence_add(
        line=line, upload=SimpleUploadedFile("bukti.pdf", PNG), user=dinkes_staff
    )
    assert kept.content_type == "image/png" and kept.original_name == "bukti.png"
    settings.LELANG_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.evidence_add(
            line=line, upload=SimpleUploadedFile("besar.png", PNG), user=dinkes_staff
        )
    assert line.evidence.count() == 1


def test_quarters_are_unique(db):
    services.quarter_get(2020, 2)
    services.quarter_get(2020, 2)
    assert Quarter.objects.filter(year=2020, number=2).count() == 1


def test_the_evidence_pack_carries_the_reports_and_their_files(
    client, report, dinkes_staff, dinkes_head, operator, inspector, settings, tmp_path
):
    import csv
    import io
    import zipfile

    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    fill(report, dinkes_staff)
    line = report.lines.first()
    services.evidence_add(line=line, upload=SimpleUploadedFile("rekap.png", PNG), user=dinkes_staff)
    services.report_submit(report=report, user=dinkes_head)
    services.report_review(report=report, user=operator)
    client.force_login(inspector)
    response = client.get(reverse("contracts:evidence"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert "dinkes/laporan-triwulan/2019-TW1.csv" in names
    evidence = [n for n in names if n.startswith("dinkes/laporan-triwulan/2019-TW1-bukti/")]
    assert len(evidence) == 1 and archive.read(evidence[0]) == PNG
    rows = list(
        csv.reader(
            io.StringIO(archive.read("dinkes/laporan-triwulan/2019-TW1.csv").decode("utf-8-sig"))
        )
    )
    assert rows[0][0] == "Indikator" and len(rows) == 1 + report.lines.count()
    assert {r[4] for r in rows[1:]} == {"45.0000"}
