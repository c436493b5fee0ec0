"""The demo's documents follow the seeds: fourteen pacts signed on 8 December 2018,
a pact of unwillingness, the minutes of both days, the 2019 performance agreements —
sealed with a certificate that says it is a demo, and all intact."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from contracts import pdf
from contracts.models import Document, Signature
from contracts.seal import DEMO_COMMON_NAME, validate_seal
from lelang.demo import SeedResult
from lelang.management.commands.seed_demo import seed_demo

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")
NINE_DINAS = {
    "dindik",
    "dinkes",
    "disdag",
    "dpmptsp",
    "disperin",
    "disbudpar",
    "dpupr",
    "dishub",
    "disperkim",
}
FIVE_KECAMATAN = {"kec-blimbing", "kec-kedungkandang", "kec-klojen", "kec-lowokwaru", "kec-sukun"}


def test_the_demo_documents(settings):
    settings.LELANG_DEMO_DOCUMENTS = True
    seed_demo()

    pacts = Document.objects.filter(kind=Document.Kind.PACT)
    assert {d.opd.code for d in pacts} == NINE_DINAS | FIVE_KECAMATAN
    assert all(d.is_sealed and d.is_demo for d in Document.objects.all())
    signing_days = {
        s.signed_at.astimezone(JAKARTA).date()
        for s in Signature.objects.filter(document__kind=Document.Kind.PACT)
    }
    assert signing_days == {datetime.date(2018, 12, 8)}
    assert all(d.signatures.count() == 2 for d in pacts)

    refusal = Document.objects.get(kind=Document.Kind.REFUSAL)
    assert refusal.opd.code == "dpupr"
    text = " ".join(pdf.text_of(refusal.file.read()).split())
    assert "TIDAK SANGGUP" in text and "13 November 2018" in text

    minutes = Document.objects.filter(kind=Document.Kind.MINUTES)
    assert {d.session.date for d in minutes} == {
        datetime.date(2018, 11, 12),
        datetime.date(2018, 11, 13),
    }
    agreements = Document.objects.filter(kind=Document.Kind.AGREEMENT, year=2019)
    assert {d.opd.code for d in agreements} == NINE_DINAS | FIVE_KECAMATAN
    plt = agreements.get(opd__code="dpupr")
    assert plt.official.user.username == "plt.dpupr"

    dinkes = pacts.get(opd__code="dinkes")
    data = dinkes.file.read()
    text = " ".join(pdf.text_of(data).split())
    assert "Malang, 8 Desember 2018" in text and "Dinas Kesehatan" in text
    status = validate_seal(data)
    assert status.intact and status.valid
    assert DEMO_COMMON_NAME in status.signing_cert.subject.human_friendly

    call_command("verify_documents", stdout=io.StringIO(), stderr=io.StringIO())

    from auctions.models import AgendaItem

    finished = AgendaItem.objects.filter(session__date__lte=datetime.date(2018, 11, 13))
    assert set(finished.values_list("state", flat=True)) == {"signed"}

    _check_reports()

    again = SeedResult()
    count = Document.objects.count()
    from contracts.demo import seed_documents

    seed_documents(again)
    assert Document.objects.count() == count and not again.changed


def _check_reports():
    """The demo's quarterly reports on the signed targets (monitoring.demo)."""
    from monitoring import achievement
    from monitoring.models import Report, ReportLine

    reports = Report.objects.select_related("opd", "quarter")
    assert {r.opd.code for r in reports} == NINE_DINAS | FIVE_KECAMATAN
    assert {(r.quarter.year, r.quarter.number) for r in reports} == {
        (y, n) for y in (2019, 2020) for n in (1, 2, 3, 4)
    }
    statuses = {(r.opd.code, r.quarter.year, r.quarter.number): r.status for r in reports}
    assert statuses[("disperin", 2020, 4)] == "returned"
    assert statuses[("kec-sukun", 2020, 4)] == "draft"
    late = {r.opd.code for r in reports if r.submitted_at and r.days_late > 0}
    assert late == {"dishub"}
    ratio = ReportLine.objects.filter(indicator__aggregation="ratio").first()
    assert ratio.numerator and ratio.denominator and ratio.realization
    bands = {
        achievement.band(
            achievement.achievement(line.target, line.realization, line.indicator.polarity)
        )
        for line in ReportLine.objects.filter(report__status="verified").select_related("indicator")
    }
    assert len(bands - {None}) >= 4  # a realistic spread over the bands
