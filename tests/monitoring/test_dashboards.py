"""The dashboards: who sees them, what they count, and a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lelang.roles import Role
from monitoring import dashboards, services
from monitoring.management.commands.bench_dashboard import seed
from monitoring.models import Quarter, days_late
from opd.models import Indicator, Theme
from tests.factories import PASSWORD, UserFactory
from tests.monitoring.test_reports import fill

CITY = reverse("dashboards:city")


@pytest.fixture
def signed(pact, dinkes_head, mayor):
    from contracts import services as contract_services

    contract_services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    contract_services.document_sign(document=pact, user=mayor, password=PASSWORD)
    return pact


@pytest.fixture
def submitted(signed, dinkes, dinkes_staff, dinkes_head):
    """TW I 2019 of Dinas Kesehatan, 45 against 50 on both indicators: the maternal
    mortality (lower is better) is 110 % (very high), the births in facilities 90 % (high)."""
    report = services.report_open(
        opd=dinkes, quarter=services.quarter_get(2019, 1), user=dinkes_staff
    )
    fill(report, dinkes_staff, Decimal("45"))
    return services.report_submit(report=report, user=dinkes_head)


@pytest.fixture
def verified(submitted, operator):
    return services.report_review(report=submitted, user=operator)


def city(**extra):
    return dashboards.city_dashboard(dashboards.Filters(year=2019, quarter=1, **extra))


def test_bands_are_counted_from_verified_reports(verified):
    data = city()
    counts = {band.code: n for band, n in data.band_counts}
    assert counts == {"very_high": 1, "high": 1, "medium": 0, "low": 0, "very_low": 0}
    assert data.average == Decimal("100.00")
    assert [(u.opd.code, u.average, u.band) for u in data.units] == [
        ("dinkes", Decimal("100.00"), "very_high")
    ]
    assert data.trend[0][1] == Decimal("100.00") and data.trend[1][1] is None


def test_a_submitted_report_is_shown_apart_not_counted(submitted, dinkes):
    data = city()
    assert sum(n for _b, n in data.band_counts) == 0
    assert data.awaiting_verification == 2
    assert data.awaiting_units == [dinkes]


def test_late_reports_and_units_that_never_reported(verified, dinkes):
    late = {row.opd.code: row for row in city().late}
    assert late["dinkes"].days_late > 0 and late["dinkes"].submitted_on is not None
    # TW II 2019: signed, nothing submitted, long past due.
    data = dashboards.city_dashboard(dashboards.Filters(year=2019, quarter=2))
    assert [(r.opd, r.submitted_on) for r in data.late] == [(dinkes, None)]
    assert data.closed_on is None


def test_a_closed_quarter_stops_the_count(verified, dinkes, operator, client, mayor):
    """Not submitted and the quarter closed on 31 July 2019: late from the due date
    (10 July) to the closing, not to today; shown as "not reported"."""
    quarter = services.quarter_get(2019, 2)
    services.quarter_close(quarter=quarter, user=operator)
    Quarter.objects.filter(pk=quarter.pk).update(
        closed_at=datetime.datetime(2019, 7, 31, 16, tzinfo=datetime.UTC)
    )
    data = dashboards.city_dashboard(dashboards.Filters(year=2019, quarter=2))
    assert [(r.opd, r.days_late) for r in data.late] == [(dinkes, 21)]
    assert data.closed_on == datetime.date(2019, 7, 31)
    client.force_login(mayor)
    page = client.get(CITY, {"year": 2019, "quarter": 2})
    assert "tidak melapor (triwulan ditutup 31/07/2019)" in page.content.decode()


@pytest.mark.parametrize(
    ("submitted_on", "closed_on", "today", "days"),
    [
        (datetime.date(2019, 4, 9), None, datetime.date(2020, 1, 1), 0),  # on time
        (datetime.date(2019, 4, 22), None, datetime.date(2020, 1, 1), 12),  # 12 days late
        (None, None, datetime.date(2019, 4, 15), 5),  # still open: until today
        (None, datetime.date(2019, 5, 1), datetime.date(2020, 1, 1), 21),  # until the closing
        (None, None, datetime.date(2019, 4, 1), 0),  # not due yet
    ],
)
def test_days_late(submitted_on, closed_on, today, days):
    due = datetime.date(2019, 4, 10)
    assert days_late(due, submitted_on=submitted_on, closed_on=closed_on, today=today) == days


def test_filters_by_unit_theme_and_band(verified, dinkes, dindik):
    assert sum(n for _b, n in city(opd=dindik).band_counts) == 0
    assert sum(n for _b, n in city(opd=dinkes).band_counts) == 2
    theme = Theme.objects.create(code="penurunan-aki", name="Penurunan Angka Kematian Ibu")
    Indicator.objects.filter(name="Angka Kematian Ibu").update(theme=theme)
    counts = {b.code: n for b, n in city(theme=theme).band_counts}
    assert counts["very_high"] == 1 and sum(counts.values()) == 1
    assert city(band="low").units == []
    assert [r["indicator__name"] for r in city(band="high").band_lines] == [
        "Persalinan di fasilitas kesehatan"
    ]


def test_refusals_per_unit_from_the_auction(verified, dinkes):
    (row,) = city().refusals
    assert (row.opd, row.accepted, row.refused, row.refusal_rate) == (dinkes, 1, 0, Decimal("0"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.BAPPEDA, 200),
        (Role.PANEL, 200),
        (Role.INSPECTOR, 200),
        (Role.MONITORING, 200),
        (Role.OPD_HEAD, 403),
        (Role.OPD_STAFF, 403),
    ],
)
def test_who_sees_the_dashboards(client, verified, role, status):
    client.force_login(UserFactory(role=role))
    theme = Theme.objects.create(code="penurunan-aki", name="Penurunan Angka Kematian Ibu")
    for url in (
        CITY,
        reverse("dashboards:opd", args=["dinkes"]),
        reverse("dashboards:theme", args=[theme.code]),
    ):
        assert client.get(url).status_code == status, url


def test_anonymous_is_sent_to_log_in(client, db):
    assert client.get(CITY).status_code == 302


def test_the_pages_render_with_filters_and_htmx(client, verified, mayor):
    client.force_login(mayor)
    response = client.get(CITY, {"year": 2019, "quarter": 1, "unit": "dinkes"})
    html = response.content.decode()
    assert 'data-band="very_high"' in html and 'data-count="1"' in html
    assert "<svg" in html and "<html" in html
    partial = client.get(CITY, {"year": 2019, "quarter": 1, "band": "high"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and 'id="dashboard-results"' in body and 'id="band-lines"' in body
    assert client.post(CITY).status_code == 405
    opd_page = client.get(reverse("dashboards:opd", args=["dinkes"]), {"year": 2019})
    assert "Persalinan di fasilitas kesehatan" in opd_page.content.decode()
    assert opd_page.content.decode().count("<svg") == 2
    assert client.get(reverse("dashboards:opd", args=["nope"])).status_code == 404


def test_theme_view_drills_down_to_the_units(client, verified, mayor):
    theme = Theme.objects.create(code="penurunan-aki", name="Penurunan Angka Kematian Ibu")
    Indicator.objects.filter(name="Angka Kematian Ibu").update(theme=theme)
    client.force_login(mayor)
    html = client.get(reverse("dashboards:theme", args=[theme.code]), {"year": 2019}).content
    assert reverse("dashboards:opd", args=["dinkes"]).encode() in html
    assert b"Persalinan" not in html


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_constant_queries_whatever_the_size(client, db, django_assert_max_num_queries):
    user = UserFactory(role=Role.PANEL)
    client.force_login(user)
    counts = []
    for units in (2, 8):
        data = seed(units=units, indicators=units, years=2, seed_value=units)
        urls = [
            f"{CITY}?year=2020&quarter=4",
            f"{CITY}?year=2020&quarter=4&band=high&theme={data['themes'][0].code}",
            reverse("dashboards:opd", args=[data["opds"][0].code]) + "?year=2020",
            reverse("dashboards:theme", args=[data["themes"][0].code]) + "?year=2020",
        ]
        counts.append([_queries(client, url) for url in urls])
        for url, n in zip(urls, counts[0], strict=True):
            with django_assert_max_num_queries(n):
                client.get(url)
    assert counts[0] == counts[1]


def test_a_range_indicator_is_banded_against_its_range(verified):
    """A range indicator's bounds come from the indicator (not the line): realisation
    45 against the range 40–50 is 100 % (very high)."""
    line = verified.lines.get(indicator__name="Persalinan di fasilitas kesehatan")
    Indicator.objects.filter(pk=line.indicator_id).update(
        polarity="range", range_min=Decimal(40), range_max=Decimal(50)
    )
    row = next(
        r for r in city(band="very_high").band_lines if r["indicator_id"] == line.indicator_id
    )
    assert row["achievement"] == Decimal("100.00")
    assert {b.code: n for b, n in city().band_counts}["very_high"] == 2
