"""Reward and punishment: the rules propose once, only the panel decides, units see
only their own confirmed ones, every decision is audited."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from lelang.models import AuditEntry
from lelang.roles import Role
from monitoring import consequences
from monitoring.models import Quarter, Report, ReportLine, Sanction
from opd.models import Indicator, Official
from tests.factories import UserFactory

LIST = reverse("dashboards:sanctions")
TARGET = Decimal(100)


def make_report(opd, pact, year, number, percent, *, days_late=-3, status="verified"):
    """A report of ``opd`` with every indicator of the pact at ``percent`` achievement,
    submitted ``days_late`` days after the due date."""
    quarter, _ = Quarter.objects.get_or_create(
        year=year, number=number, defaults={"due_date": Quarter.default_due(year, number)}
    )
    report = Report.objects.create(opd=opd, quarter=quarter)
    indicators = Indicator.objects.filter(program__data_room__opd=pact.opd).order_by("pk")
    ReportLine.objects.bulk_create(
        ReportLine(
            report=report,
            indicator=i,
            pact=pact,
            yearly_target=TARGET,
            target=TARGET,
            realization=Decimal(percent) if i.polarity == "higher" else 200 - Decimal(percent),
        )
        for i in indicators
    )
    submitted = timezone.make_aware(
        datetime.datetime.combine(quarter.due_date + timedelta(days=days_late), datetime.time(10))
    )
    Report.objects.filter(pk=report.pk).update(status=status, submitted_at=submitted)
    return report


def rules_of(made):
    return sorted((s.rule, s.opd.code, s.year, s.quarter) for s in made)


# --- Pure rules -----------------------------------------------------------------


def test_very_low_two_quarters_running_including_across_the_year():
    averages = {
        (1, 2019, 4): Decimal("40"),
        (1, 2020, 1): Decimal("50.99"),
        (1, 2020, 2): Decimal("51"),  # low, not very low
        (1, 2020, 3): Decimal("10"),
        (2, 2020, 1): Decimal("30"),
        (2, 2020, 3): Decimal("30"),  # TW II missing: not running
    }
    found = consequences.rule_very_low_twice(averages, 2020)
    assert [(p.opd_id, p.year, p.quarter, p.kind) for p in found] == [(1, 2020, 1, "rompi")]
    assert found[0].vest_words == "kinerja rendah"
    assert found[0].facts["quarters"][0] == {"year": 2019, "quarter": 4, "average": "40"}


def test_late_more_than_n_days():
    days = {(1, 2020, 1): 14, (1, 2020, 2): 15, (2, 2019, 1): 99}
    found = consequences.rule_late_report(days, 2020, 14)
    assert [(p.opd_id, p.quarter, p.facts["days_late"]) for p in found] == [(1, 2, 15)]
    assert found[0].vest_words == "suka terlambat"


def test_every_indicator_met_for_the_year_is_recognised():
    full = {1: {1, 2, 3, 4}, 2: {1, 2, 3, 4}, 3: {1, 2, 4}}
    tw4 = {
        1: [Decimal("100.00"), Decimal("120")],
        2: [Decimal("100"), Decimal("99.99")],
        3: [Decimal("150")],
    }
    found = consequences.rule_all_targets_met(full, tw4, 2020)
    assert [(p.opd_id, p.quarter, p.kind) for p in found] == [(1, 0, "recognition")]


# --- Proposing from the reports -------------------------------------------------


@pytest.fixture
def history(pact, dinkes, dindik, dindik_head):
    """Dinas Kesehatan very low in TW I and TW II 2019, 20 days late in TW III;
    Dinas Pendidikan at or above every target all year."""
    make_report(dinkes, pact, 2019, 1, 40)
    make_report(dinkes, pact, 2019, 2, 45)
    make_report(dinkes, pact, 2019, 3, 95, days_late=20)
    make_report(dinkes, pact, 2019, 4, 95)
    for number in (1, 2, 3, 4):
        make_report(dindik, pact, 2019, number, 100 + number)
    return pact


def test_the_rules_propose_each_consequence_once(history, dinkes, dinkes_head, settings):
    settings.LELANG_LATE_DAYS = 14
    made = consequences.propose_consequences(2019)
    assert rules_of(made) == [
        ("all_targets_met", "dindik", 2019, 0),
        ("late_report", "dinkes", 2019, 3),
        ("very_low_twice", "dinkes", 2019, 2),
    ]
    rompi = next(s for s in made if s.rule == "very_low_twice")
    assert rompi.official == Official.objects.get(user=dinkes_head)
    assert rompi.status == "proposed" and rompi.kind == "rompi"
    assert consequences.propose_consequences(2019) == []
    call_command("propose_consequences", "--year", "2019")
    assert Sanction.objects.count() == 3
    assert AuditEntry.objects.filter(action="monitoring.sanction.propose").count() == 3


def test_the_late_threshold_is_a_setting(history, settings):
    settings.LELANG_LATE_DAYS = 25
    made = consequences.propose_consequences(2019)
    assert "late_report" not in {s.rule for s in made}


def test_a_dismissed_proposal_is_not_proposed_again(history, mayor):
    made = consequences.propose_consequences(2019)
    consequences.sanction_dismiss(sanction=made[0], user=mayor, reason="Sudah dibina")
    assert consequences.propose_consequences(2019) == []


def test_unverified_reports_do_not_count(pact, dinkes):
    make_report(dinkes, pact, 2019, 1, 10, status="submitted")
    make_report(dinkes, pact, 2019, 2, 10)
    assert consequences.proposals_for(2019, today=datetime.date(2019, 7, 1)) == []


def test_a_report_never_submitted_is_late_until_today(pact, dinkes):
    make_report(dinkes, pact, 2019, 1, 95)
    found = consequences.proposals_for(2019, today=datetime.date(2019, 7, 30))
    assert [(p.rule, p.quarter, p.facts["days_late"]) for p in found] == [("late_report", 2, 20)]


def test_only_panel_or_bappeda_run_the_rules(history, dinkes_head, operator):
    with pytest.raises(PermissionDenied):
        consequences.propose_consequences(2019, dinkes_head)
    assert len(consequences.propose_consequences(2019, operator)) == 3


# --- Deciding -------------------------------------------------------------------


@pytest.fixture
def proposed(history):
    consequences.propose_consequences(2019)
    return Sanction.objects.get(rule="very_low_twice")


def test_the_mayor_confirms_a_rompi_with_words_and_days(proposed, mayor):
    start = datetime.date(2020, 1, 6)
    done = consequences.sanction_confirm(
        sanction=proposed,
        user=mayor,
        vest_words="  kinerja   lambat ",
        starts_on=start,
        ends_on=start + timedelta(days=4),
    )
    assert (done.status, done.vest_words, done.decided_by) == ("confirmed", "kinerja lambat", mayor)
    entry = AuditEntry.objects.get(action="monitoring.sanction.confirm")
    assert entry.object_id == str(proposed.pk) and entry.actor_id == mayor.pk
    assert entry.before["status"] == "proposed" and entry.after["status"] == "confirmed"


@pytest.mark.parametrize(
    ("words", "start", "end", "field"),
    [
        ("", datetime.date(2020, 1, 6), datetime.date(2020, 1, 10), "vest_words"),
        ("x" * 41, datetime.date(2020, 1, 6), datetime.date(2020, 1, 10), "vest_words"),
        ("kinerja rendah", None, datetime.date(2020, 1, 10), "starts_on"),
        ("kinerja rendah", datetime.date(2020, 1, 6), datetime.date(2020, 1, 5), "ends_on"),
    ],
)
def test_a_rompi_needs_words_and_valid_days(proposed, mayor, words, start, end, field):
    with pytest.raises(ValidationError) as error:
        consequences.sanction_confirm(
            sanction=proposed, user=mayor, vest_words=words, starts_on=start, ends_on=end
        )
    assert field in error.value.error_dict
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_a_recognition_needs_no_words(history, mayor):
    consequences.propose_consequences(2019)
    recognition = Sanction.objects.get(rule="all_targets_met")
    assert consequences.sanction_confirm(sanction=recognition, user=mayor).status == "confirmed"


def test_a_dismissal_needs_a_reason_and_is_audited(proposed, mayor):
    with pytest.raises(ValidationError):
        consequences.sanction_dismiss(sanction=proposed, user=mayor, reason="  ")
    consequences.sanction_dismiss(sanction=proposed, user=mayor, reason="Data belum lengkap")
    proposed.refresh_from_db()
    assert (proposed.status, proposed.reason) == ("dismissed", "Data belum lengkap")
    assert AuditEntry.objects.filter(action="monitoring.sanction.dismiss").count() == 1
    with pytest.raises(ValidationError):  # already decided
        consequences.sanction_dismiss(sanction=proposed, user=mayor, reason="Lagi")


@pytest.mark.parametrize("role", [Role.BAPPEDA, Role.INSPECTOR, Role.MONITORING, Role.OPD_HEAD])
def test_only_the_panel_decides(proposed, role):
    user = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        consequences.sanction_dismiss(sanction=proposed, user=user, reason="Tidak")
    with pytest.raises(PermissionDenied):
        consequences.sanction_confirm(sanction=proposed, user=user, vest_words="kinerja rendah")
    assert not AuditEntry.objects.filter(action__startswith="monitoring.sanction.d").exists()


# --- Screens --------------------------------------------------------------------


def test_the_mayor_lists_proposed_first_and_filters(client, proposed, mayor):
    client.force_login(mayor)
    late = Sanction.objects.get(rule="late_report")
    consequences.sanction_dismiss(sanction=late, user=mayor, reason="Sudah ditegur")
    response = client.get(LIST)
    assert response.status_code == 200
    statuses = [s.status for s in response.context["items"]]
    assert statuses == ["proposed", "proposed", "dismissed"]
    response = client.get(LIST, {"status": "dismissed", "year": "2019"})
    assert [s.pk for s in response.context["items"]] == [late.pk]


def test_the_mayor_confirms_on_the_page(client, proposed, mayor):
    client.force_login(mayor)
    url = reverse("dashboards:sanction", args=[proposed.pk])
    assert client.get(url).status_code == 200
    bad = {"action": "confirm", "words": "__typed__", "typed_words": "", "starts_on": "2020-01-06"}
    response = client.post(url, bad)
    assert response.status_code == 400
    assert response.context["confirm_form"].errors["typed_words"]
    assert 'value="2020-01-06"' in response.content.decode()  # kept what was typed
    good = {
        "action": "confirm",
        "words": "__typed__",
        "typed_words": "malas lapor",
        "starts_on": "2020-01-06",
        "ends_on": "2020-01-10",
    }
    response = client.post(url, good)
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.status, proposed.vest_words) == ("confirmed", "malas lapor")


def test_the_mayor_dismisses_on_the_page(client, proposed, mayor):
    client.force_login(mayor)
    url = reverse("dashboards:sanction", args=[proposed.pk])
    with translation.override("en"):
        assert client.post(url, {"action": "dismiss", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "dismiss", "reason": "Bencana"}).status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == "dismissed"


def test_readers_cannot_decide_on_the_page(client, proposed, inspector):
    client.force_login(inspector)
    url = reverse("dashboards:sanction", args=[proposed.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["can_decide"] is False
    assert client.post(url, {"action": "dismiss", "reason": "x"}).status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_a_unit_sees_only_its_own_confirmed_ones(client, proposed, mayor, dinkes_head, dindik_head):
    recognition = Sanction.objects.get(rule="all_targets_met")
    consequences.sanction_confirm(sanction=recognition, user=mayor)
    client.force_login(dinkes_head)
    assert list(client.get(LIST).context["items"]) == []  # its own are only proposed
    assert client.get(reverse("dashboards:sanction", args=[proposed.pk])).status_code == 404
    assert client.get(reverse("dashboards:sanction", args=[recognition.pk])).status_code == 404
    client.force_login(dindik_head)
    assert list(client.get(LIST).context["items"]) == [recognition]
    assert client.get(reverse("dashboards:sanction", args=[recognition.pk])).status_code == 200


def test_someone_without_a_unit_or_role_sees_nothing(client, proposed):
    client.force_login(UserFactory(role=Role.OPD_STAFF))
    assert client.get(LIST).status_code == 403
    client.logout()
    assert client.get(LIST).status_code == 302


def test_wrong_method(client, proposed, mayor):
    client.force_login(mayor)
    url = reverse("dashboards:sanction", args=[proposed.pk])
    assert client.put(url).status_code == 405


# --- Demo -----------------------------------------------------------------------


def test_the_demo_confirms_a_late_rompi_and_proposes_one_for_the_lowest(pact, dinkes, mayor):
    from lelang.demo import SeedResult
    from monitoring.consequence_demo import seed_consequences
    from tests.factories import OpdFactory

    dishub = OpdFactory(code="dishub", name="Dinas Perhubungan", is_demo=True)
    type(mayor).objects.filter(pk=mayor.pk).update(is_demo=True)  # the demo's "walikota"
    for number in (1, 2, 3, 4):
        make_report(dishub, pact, 2020, number, 90, days_late=12)
    make_report(dinkes, pact, 2020, 1, 40)
    result = SeedResult()
    seed_consequences(result)
    assert result.created == {"sanction": 2}
    confirmed = Sanction.objects.get(status="confirmed")
    assert (confirmed.opd, confirmed.vest_words, confirmed.quarter) == (dishub, "suka terlambat", 4)
    proposed = Sanction.objects.get(status="proposed")
    assert (proposed.opd, proposed.kind, proposed.is_demo) == (dinkes, "rompi", True)
    again = SeedResult()
    seed_consequences(again)
    assert again.created == {"sanction": 0} and Sanction.objects.count() == 2


def test_the_scorecard_shows_the_decisions_not_the_proposals(client, proposed, mayor, dinkes):
    url = reverse("dashboards:opd", args=[dinkes.code])
    client.force_login(mayor)
    assert "sanksi/" not in client.get(url).content.decode().split('id="decisions"')[1]
    start = datetime.date(2020, 1, 6)
    consequences.sanction_confirm(
        sanction=proposed,
        user=mayor,
        vest_words="kinerja rendah",
        starts_on=start,
        ends_on=start + timedelta(days=4),
    )
    section = client.get(url).content.decode().split('id="decisions"')[1]
    assert "kinerja rendah" in section
    assert reverse("dashboards:sanction", args=[proposed.pk]) in section
