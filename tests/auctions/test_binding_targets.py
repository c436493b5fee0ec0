"""One binding agreed target per indicator and year; offers and answers never change."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from auctions import services
from auctions.models import (
    AgendaItem,
    AgreedTarget,
    Decision,
    ImmutableRecord,
    Negotiation,
    Offer,
    OfferTarget,
)
from auctions.selectors import ready_indicators, settled_indicators
from lelang.models import AuditEntry
from opd.models import Theme
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _values(item, opd, value=Decimal("45")):
    return {
        (indicator.pk, year): value
        for indicator in ready_indicators(item)[opd]
        for year in range(2019, 2024)
    }


def _agree(item, opd, mayor, head, value=Decimal("45")):
    offer = services.offer_issue(
        item=item,
        opd=opd,
        deadline_year=2023,
        values=_values(item, opd, value),
        user=mayor,
        send_anyway=True,
    )
    services.decision_record(offer=offer, kind="accept", user=head, password=PASSWORD)
    return offer


@pytest.fixture
def aki_theme(ready_dinkes):
    theme = Theme.objects.create(code="aki", name="Penurunan Angka Kematian Ibu")
    ready_dinkes.programs.first().indicators.filter(name="Angka Kematian Ibu").update(theme=theme)
    return theme


@pytest.fixture
def theme_item(session, aki_theme):
    return AgendaItem.objects.create(session=session, theme=aki_theme, order=2)


@pytest.fixture
def agreed_on_unit_item(on_stage, dinkes, mayor, dinkes_head):
    _agree(on_stage, dinkes, mayor, dinkes_head)
    return on_stage


def test_an_indicator_agreed_on_one_item_is_not_offered_again_on_a_theme_item(
    agreed_on_unit_item, theme_item, dinkes
):
    assert ready_indicators(theme_item) == {}  # Dinkes' only theme indicator is settled
    settled = settled_indicators(theme_item)
    assert [row["indicator"].name for row in settled] == ["Angka Kematian Ibu"]
    assert settled[0]["item"] == agreed_on_unit_item
    assert [t.year for t in settled[0]["targets"]] == [2019, 2020, 2021, 2022, 2023]
    # The unit's own item still shows what it agreed there.
    assert len(ready_indicators(agreed_on_unit_item)[dinkes]) == 2


def test_reopening_needs_a_reason_and_is_audited(agreed_on_unit_item, theme_item, operator, dinkes):
    indicator = settled_indicators(theme_item)[0]["indicator"]
    with pytest.raises(ValidationError):
        services.indicator_reopen(item=theme_item, indicator=indicator, reason=" ", user=operator)
    services.indicator_reopen(
        item=theme_item, indicator=indicator, reason="Data BPS terbaru", user=operator
    )
    assert ready_indicators(theme_item)[dinkes] == [indicator]
    entry = AuditEntry.objects.get(action="auctions.indicator.reopen")
    assert entry.after["reason"] == "Data BPS terbaru"


def test_a_new_agreement_on_a_reopened_indicator_supersedes_the_old_one(
    agreed_on_unit_item, theme_item, operator, dinkes, mayor, dinkes_head
):
    indicator = settled_indicators(theme_item)[0]["indicator"]
    services.indicator_reopen(item=theme_item, indicator=indicator, reason="Revisi", user=operator)
    # The unit item is concluded; the theme item goes on stage.
    services.item_start(item=theme_item, user=operator)
    _agree(theme_item, dinkes, mayor, dinkes_head, value=Decimal("42"))
    rows = AgreedTarget.objects.filter(indicator=indicator)
    assert rows.count() == 10
    binding = rows.filter(is_binding=True)
    assert {t.value for t in binding} == {Decimal("42")}
    assert {t.negotiation.item_id for t in binding} == {theme_item.pk}
    old = rows.filter(is_binding=False)
    assert old.count() == 5
    assert all(t.superseded_by in binding and t.superseded_at for t in old)
    assert AuditEntry.objects.filter(action="auctions.agreed.supersede").exists()


def test_the_database_refuses_a_second_binding_target_for_a_year(agreed_on_unit_item):
    target = AgreedTarget.objects.filter(is_binding=True).select_related("negotiation").first()
    first = target.negotiation
    other = Negotiation.objects.create(
        item=first.item, opd=first.opd, official=first.official, number=first.number + 1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreedTarget.objects.create(
            negotiation=other,
            decision=target.decision,
            indicator=target.indicator,
            year=target.year,
            value=Decimal("1"),
        )
    # Not binding, it may stand beside the binding one (that is how history is kept).
    AgreedTarget.objects.create(
        negotiation=other,
        decision=target.decision,
        indicator=target.indicator,
        year=target.year,
        value=Decimal("1"),
        is_binding=False,
    )


def test_adding_a_unit_that_already_agreed_warns(
    agreed_on_unit_item, later_session, operator, dinkes
):
    item = services.item_add(session=later_session, opd=dinkes, user=operator)
    assert item.already_agreed


def test_offers_and_answers_cannot_be_changed(agreed_on_unit_item):
    offer = Offer.objects.get()
    offer.note = "diubah"
    with pytest.raises(ImmutableRecord):
        offer.save()
    for model, field, value in (
        (Offer, "note", "diubah"),
        (OfferTarget, "value", Decimal("1")),
        (Decision, "reason", "diubah"),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.update(**{field: value})
    assert Offer.objects.get().note == ""


def test_only_the_session_operator_reopens(agreed_on_unit_item, theme_item, mayor):
    from django.core.exceptions import PermissionDenied

    indicator = settled_indicators(theme_item)[0]["indicator"]
    with pytest.raises(PermissionDenied):
        services.indicator_reopen(item=theme_item, indicator=indicator, reason="x", user=mayor)
    assert settled_indicators(theme_item)
