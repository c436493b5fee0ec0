"""The panel's composer: the ambition check before sending, and "send anyway"."""

from decimal import Decimal

import pytest
from django.urls import reverse

from auctions import services
from auctions.models import Negotiation, Offer
from auctions.selectors import ready_indicators
from auctions.targets import IndicatorFacts, offer_years
from lelang.models import AuditEntry
from tests.opd.conftest import make_indicator

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
YEARS = offer_years(2019, 2023)


def proposal_values(item, opd) -> dict[tuple[int, int], Decimal]:
    """What the panel sees pre-filled: each indicator's own proposal, year by year."""
    values = {}
    for indicator in ready_indicators(item)[opd]:
        for year, value in IndicatorFacts.of(indicator).proposal(YEARS).items():
            values[(indicator.pk, year)] = value
    return values


def _aki(item, opd):
    return next(i for i in ready_indicators(item)[opd] if i.name == "Angka Kematian Ibu")


def _post(item, opd, values, **extra) -> dict:
    """The panel form as the browser posts it, numbers typed the Indonesian way."""
    prefix = f"o{opd.pk}"
    data = {"opd": opd.pk, f"{prefix}-deadline_year": "2023", f"{prefix}-note": ""}
    for (indicator_id, year), value in values.items():
        data[f"{prefix}-t_{indicator_id}_{year}"] = str(value).replace(".", ",")
    return {**data, **{f"{prefix}-{key}": value for key, value in extra.items()}}


# --- The service: no client can skip the check ---------------------------------------------


def test_an_offer_less_ambitious_than_the_baseline_is_refused_and_saves_nothing(
    on_stage, dinkes, mayor
):
    values = proposal_values(on_stage, dinkes)
    values[(_aki(on_stage, dinkes).pk, 2021)] = Decimal("60")  # 53,6 in 2017: worse
    with pytest.raises(services.UnambitiousOffer) as refused:
        services.offer_issue(
            item=on_stage, opd=dinkes, deadline_year=2023, values=values, user=mayor
        )
    assert refused.value.messages == [
        "Angka Kematian Ibu 2021: 60 kurang ambisius dibanding titik nol (53,6 pada 2017)."
    ]
    assert not Offer.objects.exists()
    assert not Negotiation.objects.exists()


def test_send_anyway_issues_it_and_the_audit_keeps_the_warnings_overridden(on_stage, dinkes, mayor):
    values = proposal_values(on_stage, dinkes)
    values[(_aki(on_stage, dinkes).pk, 2021)] = Decimal("60")
    offer = services.offer_issue(
        item=on_stage, opd=dinkes, deadline_year=2023, values=values, send_anyway=True, user=mayor
    )
    assert offer.version == 1
    entry = AuditEntry.objects.get(action="auctions.offer.issue")
    assert entry.after["sent_anyway"] == [
        "Angka Kematian Ibu 2021: 60 kurang ambisius dibanding titik nol (53,6 pada 2017)."
    ]


def test_the_units_own_proposal_is_sent_without_asking(on_stage, dinkes, mayor):
    offer = services.offer_issue(
        item=on_stage,
        opd=dinkes,
        deadline_year=2023,
        values=proposal_values(on_stage, dinkes),
        user=mayor,
    )
    assert offer.targets.count() == 10
    assert AuditEntry.objects.get(action="auctions.offer.issue").after["sent_anyway"] == []


def test_keeping_a_100_percent_level_is_sent_without_asking(on_stage, ready_dinkes, dinkes, mayor):
    make_indicator(
        ready_dinkes,
        name="Ibu hamil mendapat layanan antenatal (SPM)",
        unit="%",
        polarity="higher",
        baseline_value=Decimal("100"),
        target_value=Decimal("100"),
    )
    offer = services.offer_issue(
        item=on_stage,
        opd=dinkes,
        deadline_year=2023,
        values=proposal_values(on_stage, dinkes),  # 100 % every year for the SPM
        user=mayor,
    )
    assert offer.targets.filter(value=Decimal("100")).count() == 5


# --- The composer ----------------------------------------------------------------------------


def test_the_grid_is_pre_filled_at_each_indicators_precision(client, mayor, on_stage, dinkes):
    client.force_login(mayor)
    body = client.get(reverse("auctions:panel", args=[on_stage.session_id])).content.decode()
    aki = _aki(on_stage, dinkes)
    # 53,6 → 40 in one decimal: 2019 is 49,07 on the line, shown 49,1.
    assert f'name="o{dinkes.pk}-t_{aki.pk}_2019" value="49,1"' in body
    # Persalinan 92 → 99 %, compared with Jawa Timur's 91,5: 94,33 is shown 94,3.
    assert 'value="94,3"' in body and "94,33" not in body and "49,07" not in body
    assert "Tidak ada peringatan." in body  # the pre-fill itself raises nothing


def test_typing_re_renders_only_that_units_warnings(client, mayor, on_stage, dinkes):
    client.force_login(mayor)
    values = proposal_values(on_stage, dinkes)
    values[(_aki(on_stage, dinkes).pk, 2020)] = Decimal("1.5")  # baseline 53,6: a slip
    response = client.post(
        reverse("auctions:offer_check", args=[on_stage.session_id]),
        _post(on_stage, dinkes, values),
        headers=HX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div id="offer-warnings-{dinkes.pk}"')
    assert "Angka Kematian Ibu 2020: 1,5 melompat tidak wajar dari 49,1 (2019)" in body
    assert "<form" not in body and "target-grid" not in body  # the typed cells stay put
    assert f'data-field="o{dinkes.pk}-t_{_aki(on_stage, dinkes).pk}_2020"' in body
    assert "Kirim tetap" not in body  # asked only when sending
    assert not Offer.objects.exists()


def test_the_check_names_a_word_typed_in_a_cell_but_not_an_empty_one(
    client, mayor, on_stage, dinkes
):
    client.force_login(mayor)
    data = _post(on_stage, dinkes, proposal_values(on_stage, dinkes))
    aki = _aki(on_stage, dinkes)
    data[f"o{dinkes.pk}-t_{aki.pk}_2021"] = "empat puluh"
    data[f"o{dinkes.pk}-t_{aki.pk}_2022"] = ""
    body = client.post(
        reverse("auctions:offer_check", args=[on_stage.session_id]), data, headers=HX
    ).content.decode()
    assert "Angka Kematian Ibu 2021: “empat puluh” bukan angka" in body
    assert "2022:" not in body


def test_sending_with_warnings_asks_to_send_anyway_and_keeps_what_was_typed(
    client, mayor, on_stage, dinkes
):
    client.force_login(mayor)
    url = reverse("auctions:offer_create", args=[on_stage.session_id])
    values = proposal_values(on_stage, dinkes)
    aki = _aki(on_stage, dinkes)
    values[(aki.pk, 2023)] = Decimal("47")  # above the unit's own 40
    data = _post(on_stage, dinkes, values, note="Mohon dipercepat")

    body = client.post(url, data, headers=HX).content.decode()

    assert not Offer.objects.exists()
    assert "Belum dikirim: penawaran ini punya 2 peringatan." in body
    assert "Angka Kematian Ibu 2023: 47 kurang ambisius dibanding usulan OPD sendiri (40)" in body
    assert "Angka Kematian Ibu 2023: 47 kurang ambisius dibanding Jawa Timur" not in body
    assert f'name="o{dinkes.pk}-send_anyway" value="1"' in body and "Kirim tetap" in body
    assert f'name="o{dinkes.pk}-t_{aki.pk}_2023" value="47"' in body  # nothing typed lost
    assert "Mohon dipercepat" in body

    body = client.post(url, {**data, f"o{dinkes.pk}-send_anyway": "1"}, headers=HX)
    offer = Offer.objects.get()
    assert offer.note == "Mohon dipercepat"
    assert offer.targets.get(indicator=aki, year=2023).value == Decimal("47")
    assert "Penawaran versi 1 dikirim ke Dinas Kesehatan." in body.content.decode()


def test_the_panels_live_view_shows_the_sent_offers_warnings_per_year(
    client, mayor, on_stage, dinkes
):
    values = proposal_values(on_stage, dinkes)
    values[(_aki(on_stage, dinkes).pk, 2021)] = Decimal("48")  # after 46,8 in 2020
    services.offer_issue(
        item=on_stage, opd=dinkes, deadline_year=2023, values=values, send_anyway=True, user=mayor
    )
    client.force_login(mayor)
    body = client.get(reverse("auctions:panel", args=[on_stage.session_id])).content.decode()
    assert "Angka Kematian Ibu 2021: 48 mundur dari 46,8 pada 2020." in body


@pytest.mark.parametrize("persona", ["inspector", "dinkes_head", "operator"])
def test_only_the_panel_runs_the_check(client, request, persona, on_stage, dinkes):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("auctions:offer_check", args=[on_stage.session_id]),
        _post(on_stage, dinkes, proposal_values(on_stage, dinkes)),
        headers=HX,
    )
    assert response.status_code == 403


def test_the_check_is_a_post(client, mayor, on_stage):
    client.force_login(mayor)
    url = reverse("auctions:offer_check", args=[on_stage.session_id])
    assert client.get(url, headers=HX).status_code == 405


def test_a_check_for_a_unit_no_longer_on_stage_changes_nothing(client, mayor, on_stage, dindik):
    client.force_login(mayor)
    response = client.post(
        reverse("auctions:offer_check", args=[on_stage.session_id]),
        {"opd": dindik.pk},
        headers=HX,
    )
    assert response.status_code == 204


def test_sending_for_a_unit_no_longer_on_stage_keeps_the_composer(client, mayor, on_stage, dindik):
    client.force_login(mayor)
    body = client.post(
        reverse("auctions:offer_create", args=[on_stage.session_id]),
        {"opd": dindik.pk},
        headers=HX,
    ).content.decode()
    assert 'id="composer"' in body
    assert "OPD ini sudah tidak sedang paparan lagi." in body


def test_an_ambiguous_number_in_the_grid_is_refused_not_read_as_thousands(
    client, mayor, on_stage, dinkes
):
    client.force_login(mayor)
    url = reverse("auctions:offer_create", args=[on_stage.session_id])
    values = proposal_values(on_stage, dinkes)
    aki = _aki(on_stage, dinkes)
    data = _post(on_stage, dinkes, values, send_anyway="1")
    data[f"o{dinkes.pk}-t_{aki.pk}_2020"] = "0.125"

    body = client.post(url, data, headers=HX).content.decode()

    assert not Offer.objects.exists()
    assert "0,125" in body  # the message says how to write it
    assert f'name="o{dinkes.pk}-t_{aki.pk}_2020" value="0.125"' in body
