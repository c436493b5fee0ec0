"""What the projector shows in each state (its fit on the wall: tests/e2e/test_projector_fit)."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from auctions import services
from auctions.models import Session
from tests.auctions.conftest import full_values

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def indonesian(message: str, **values) -> str:
    with translation.override("id"):
        return gettext(message) % values


def _projector(client, session) -> str:
    return client.get(reverse("projector", args=[session.display_token])).content.decode()


def _charts(page: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg xmlns=.*?</svg>", page, re.S)]


def _texts(chart: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in chart.iter(f"{SVG}text")]


def test_before_an_offer_the_chart_shows_the_units_proposal(client, on_stage):
    page = _projector(client, on_stage.session)
    charts = _charts(page)
    assert len(charts) == 2  # one per indicator of Dinas Kesehatan
    proposed = indonesian("Proposed target %(year)s", year=2023)
    assert all(proposed in _texts(chart) for chart in charts)
    assert 'class="figure figure--proposal"' in page


def test_once_an_offer_exists_the_screen_shows_the_offered_trajectory(
    client, on_stage, dinkes, mayor
):
    values = full_values(on_stage, dinkes, lambda indicator, year: Decimal(year - 1990))
    services.offer_issue(
        item=on_stage,
        opd=dinkes,
        deadline_year=2023,
        values=values,
        send_anyway=True,
        user=mayor,
    )

    page = _projector(client, on_stage.session)

    for chart in _charts(page):
        shown = _texts(chart)
        assert indonesian("Offered target %(year)s", year=2023) in shown
        assert indonesian("Proposed target %(year)s", year=2023) not in shown
        assert len(list(chart.iter(f"{SVG}circle"))) == 6  # the baseline year and 2019–2023
        assert "2021: 31" in chart.find(f"{SVG}desc").text
    assert "figure--proposal" not in page  # the unit's own proposal gives way to the offer
    assert page.count('<td class="figure">33</td>') == 2  # 2023 for each indicator


def test_one_indicator_in_focus_fills_the_stage(client, on_stage, operator, ready_dinkes):
    indicator = ready_dinkes.programs.first().indicators.get(name="Angka Kematian Ibu")
    services.projector_focus(session=on_stage.session, indicator=indicator, user=operator)
    page = _projector(client, on_stage.session)
    assert "stage__cards--focus" in page
    assert 'data-per-page="1"' in page
    assert page.count('class="screen__indicator"') == 1
    assert "Persalinan di fasilitas kesehatan" not in page


def test_a_closed_session_says_so_instead_of_a_stage(client, on_stage, operator, later_session):
    services.item_postpone(item=on_stage, to_session=later_session, user=operator)
    services.session_close(session=on_stage.session, user=operator)
    page = _projector(client, on_stage.session)
    assert indonesian("This session is closed. Thank you.") in page
    assert "screen--closed" in page
    assert "screen__indicator" not in page


def test_nothing_on_stage_shows_the_agenda_with_date_and_venue(client, item):
    page = _projector(client, item.session)
    assert "screen__agenda" in page
    assert item.title in page
    assert "Ngalam Command Center" in page


def test_the_projector_has_no_inline_script(client, session):
    page = _projector(client, session)
    assert "js/projector.js" in page and "css/projector.css" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # the CSP allows files only
    assert " on" + "click=" not in page


def test_a_closed_session_keeps_its_last_verdict_off_the_wall(client, on_stage, operator):
    Session.objects.filter(pk=on_stage.session_id).update(status=Session.Status.CLOSED)
    page = _projector(client, on_stage.session)
    assert "verdict" not in page
