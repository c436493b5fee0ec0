"""The demo data rooms: complete where they should be, idempotent, never on real rows."""

import datetime
from decimal import Decimal
from itertools import pairwise

import pytest
from django.apps import apps

from lelang.demo import DemoConflict, SeedResult, seed_people
from opd.checklist import data_room_checklist
from opd.demo import INDICATORS, ROOMS, seed_data_rooms
from opd.models import (
    DataRoom,
    Indicator,
    Opd,
    Period,
    ReviewComment,
    Submission,
    SupportingTable,
    Tenure,
    Theme,
)
from opd.services import data_room_snapshot

pytestmark = pytest.mark.django_db

S = DataRoom.Status
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
# The nine dinas and five kecamatan auctioned on 12 and 13 November 2018 (DESIGN.md §8).
AUCTIONED = [
    "dindik",
    "dinkes",
    "disdag",
    "dpmptsp",
    "disperin",
    "disbudpar",
    "dpupr",
    "dishub",
    "disperkim",
    "kec-blimbing",
    "kec-kedungkandang",
    "kec-klojen",
    "kec-lowokwaru",
    "kec-sukun",
]
FOLLOW_UP = ["dinsos", "diskopum"]  # the planned session on poverty
REVIEW_WORKFLOW = {"disnaker": S.RETURNED, "dlh": S.SUBMITTED, "dispendukcapil": S.DRAFT}


def seed_units() -> None:
    """The rest of the demo (units, people) without the data rooms, which these tests seed."""
    seed_people(SeedResult())


@pytest.fixture
def seeded() -> SeedResult:
    seed_units()
    result = SeedResult()
    seed_data_rooms(result)
    return result


def _rooms():
    return {room.opd.code: room for room in DataRoom.objects.select_related("opd")}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_app_config("opd").get_models()
    }


def test_every_room_has_programs_and_indicators(seeded):
    rooms = _rooms()
    assert set(rooms) == set(ROOMS) == {*AUCTIONED, *FOLLOW_UP, *REVIEW_WORKFLOW}
    assert len(rooms) == 19
    for code, room in rooms.items():
        assert room.period.name == "RPJMD 2018–2023"
        assert room.programs.count() >= (2 if code not in REVIEW_WORKFLOW else 1), code
        assert Indicator.objects.filter(program__data_room=room).count() >= 3, code
        for program in room.programs.all():
            assert program.indicators.exists(), (code, program.name)


def test_every_indicator_has_a_baseline_with_year_and_source(seeded):
    indicators = Indicator.objects.all()
    assert indicators.count() == len(INDICATORS)
    for indicator in indicators:
        assert indicator.baseline_value is not None, indicator.name
        assert indicator.baseline_year == 2017, indicator.name
        assert indicator.baseline_source.strip(), indicator.name
        assert indicator.unit.strip(), indicator.name
        assert indicator.definition.strip(), indicator.name
        assert indicator.target_year in (2023, None), indicator.name


def test_every_demo_indicator_has_a_strategic_objective_of_its_room(seeded):
    for indicator in Indicator.objects.select_related("objective", "program"):
        assert indicator.objective is not None, indicator.name
        assert indicator.objective.data_room_id == indicator.program.data_room_id


def test_units_polarity_and_the_range_indicator(seeded):
    aki = Indicator.objects.get(name="Angka Kematian Ibu (AKI)")
    assert (aki.polarity, aki.unit, aki.target_year) == (
        "lower",
        "per 100.000 kelahiran hidup",
        2023,
    )
    assert not aki.is_percentage
    assert Indicator.objects.get(name="Prevalensi stunting balita").is_percentage
    ranged = Indicator.objects.filter(polarity=Indicator.Polarity.RANGE)
    assert ranged.count() >= 1
    for indicator in ranged:
        assert indicator.range_min < indicator.range_max


def test_themes_link_dinas_kesehatan_and_a_kecamatan(seeded):
    aki = Theme.objects.get(code="penurunan-aki")
    assert aki.is_demo and aki.name == "Penurunan Angka Kematian Ibu"
    units = set(aki.indicators.values_list("program__data_room__opd__code", flat=True))
    assert {"dinkes", "kec-kedungkandang"} <= units
    stunting = Theme.objects.get(code="penanganan-stunting")
    units = set(stunting.indicators.values_list("program__data_room__opd__code", flat=True))
    assert "dinkes" in units and any(code.startswith("kec-") for code in units)


def test_the_period_is_demo_and_current(seeded):
    period = Period.objects.get(name="RPJMD 2018–2023")
    assert (period.start_year, period.end_year, period.is_current, period.is_demo) == (
        2018,
        2023,
        True,
        True,
    )


def _head_login(code: str) -> str:
    return "camat." + code.removeprefix("kec-") if code.startswith("kec-") else f"kepala.{code}"


def test_the_fourteen_auctioned_rooms_were_ready_before_the_auction(seeded):
    rooms = _rooms()
    day1 = datetime.datetime(2018, 11, 12, tzinfo=JAKARTA)
    for code in AUCTIONED:
        room = rooms[code]
        assert room.status == S.READY, code
        versions = list(room.submissions.order_by("number"))
        assert [v.number for v in versions] == list(range(1, len(versions) + 1)), code
        assert {v.outcome for v in versions[:-1]} <= {Submission.Outcome.RETURNED}, code
        last = versions[-1]
        assert last.outcome == Submission.Outcome.READY, code
        assert last.reviewed_by.username == "bappeda", code
        assert last.submitted_by.username == _head_login(code), code
        first_submitted = versions[0].submitted_at.astimezone(JAKARTA)
        ready = last.reviewed_at.astimezone(JAKARTA)
        assert datetime.date(2018, 11, 1) <= first_submitted.date() <= datetime.date(2018, 11, 7)
        assert datetime.date(2018, 11, 5) <= ready.date() <= datetime.date(2018, 11, 9), code
        assert all(v.submitted_at < v.reviewed_at < day1 for v in versions), code
        assert all(a.reviewed_at < b.submitted_at for a, b in pairwise(versions)), code
        assert last.snapshot == data_room_snapshot(room), code


def test_the_follow_up_units_are_ready_with_the_poverty_theme(seeded):
    rooms = _rooms()
    poverty = Theme.objects.get(code="penurunan-kemiskinan")
    assert poverty.is_demo and poverty.name == "Penurunan Angka Kemiskinan"
    assert poverty.description.strip()
    units = set(poverty.indicators.values_list("program__data_room__opd__code", flat=True))
    assert units == set(FOLLOW_UP)
    for code in FOLLOW_UP:
        room = rooms[code]
        assert room.status == S.READY, code
        assert room.programs.count() == 2, code
        for program in room.programs.all():
            assert 2 <= program.indicators.count() <= 3, (code, program.name)
        submission = room.submissions.get()
        assert submission.outcome == Submission.Outcome.READY
        assert submission.submitted_by.username == f"kepala.{code}"
        submitted = submission.submitted_at.astimezone(JAKARTA)
        assert (submitted.year, submitted.month) == (2019, 1), code
        assert (
            submission.submitted_at
            < submission.reviewed_at
            < datetime.datetime(2019, 1, 21, tzinfo=JAKARTA)
        )
    poor = Indicator.objects.get(
        program__data_room=rooms["dinsos"], name="Persentase penduduk miskin"
    )
    assert (poor.polarity, poor.baseline_year, poor.theme) == ("lower", 2017, poverty)
    assert "BPS" in poor.baseline_source
    kinds = set(poor.comparators.values_list("kind", flat=True))
    assert {"province", "national", "region"} <= kinds


def test_the_review_workflow_rooms_are_outside_the_auction(seeded):
    rooms = _rooms()
    assert {code: rooms[code].status for code in REVIEW_WORKFLOW} == REVIEW_WORKFLOW
    assert not rooms["dispendukcapil"].submissions.exists()

    pending = rooms["dlh"].submissions.get()
    assert (pending.number, pending.outcome) == (1, Submission.Outcome.PENDING)
    assert pending.reviewed_by is None and pending.reviewed_at is None
    assert pending.submitted_by.username == "kepala.dlh"

    returned = rooms["disnaker"].submissions.get()
    assert (returned.number, returned.outcome) == (1, Submission.Outcome.RETURNED)
    for submission in (pending, returned):
        submitted = submission.submitted_at.astimezone(JAKARTA)
        assert (submitted.year, submitted.month) == (2019, 1)


def test_disnaker_was_returned_with_two_comments_by_bappeda(seeded):
    room = _rooms()["disnaker"]
    submission = room.submissions.get()
    assert submission.outcome == Submission.Outcome.RETURNED
    assert submission.reviewed_by.username == "bappeda"
    comments = list(submission.comments.all())
    assert len(comments) == 2
    assert {comment.author.username for comment in comments} == {"bappeda"}
    general, specific = comments
    assert general.indicator is None and general.subject == ""
    assert specific.indicator is not None
    assert not specific.indicator.comparators.exists()
    assert specific.program == specific.indicator.program
    assert "pembanding" in specific.text
    assert all(c.created_at <= submission.reviewed_at for c in comments)
    # The snapshot is the room as submitted: the same indicator without a comparator.
    frozen = [i for p in submission.snapshot["programs"] for i in p["indicators"]]
    assert any(i["name"] == specific.indicator.name and not i["comparators"] for i in frozen)


def test_dishub_and_disperin_answered_the_comments_on_their_version_1(seeded):
    rooms = _rooms()
    dishub_v1, dishub_v2 = rooms["dishub"].submissions.order_by("number")
    assert dishub_v1.outcome == Submission.Outcome.RETURNED
    comment = dishub_v1.comments.get(indicator__isnull=False)
    assert "pembanding" in comment.text
    name = comment.indicator.name

    def frozen(submission, indicator_name):
        indicators = [i for p in submission.snapshot["programs"] for i in p["indicators"]]
        return next(i for i in indicators if i["name"] == indicator_name)

    assert not frozen(dishub_v1, name)["comparators"]
    assert frozen(dishub_v2, name)["comparators"]
    assert comment.indicator.comparators.exists()

    disperin_v1, disperin_v2 = rooms["disperin"].submissions.order_by("number")
    comment = disperin_v1.comments.get()
    assert frozen(disperin_v1, comment.indicator.name)["target"]["value"] is None
    revised = frozen(disperin_v2, comment.indicator.name)["target"]
    assert (Decimal(revised["value"]), revised["year"]) == (240, 2023)
    # The Plt. of Dishub was in office when the room was submitted.
    acting = Tenure.objects.get(position__opd__code="dishub", is_acting=True)
    assert acting.start_date < datetime.date(2018, 11, 1) and acting.end_date is None
    assert dishub_v1.submitted_by == acting.official.user
    earlier = Tenure.objects.get(position__opd__code="dishub", is_acting=False)
    assert earlier.end_date < acting.start_date


def test_ready_and_submitted_rooms_pass_the_checklist_the_others_do_not(seeded):
    rooms = _rooms()
    for code, room in rooms.items():
        checklist = data_room_checklist(room)
        if room.status in (S.READY, S.SUBMITTED):
            assert checklist.ok, (code, checklist.problems)
        else:
            assert not checklist.ok, code
    assert any("pembanding" in p for p in data_room_checklist(rooms["disnaker"]).problems)
    assert any("target" in p for p in data_room_checklist(rooms["dispendukcapil"]).problems)


def test_dinas_kesehatan_carries_the_requested_supporting_tables(seeded):
    room = _rooms()["dinkes"]
    tables = SupportingTable.objects.filter(indicator__program__data_room=room)
    titles = set(tables.values_list("title", flat=True))
    for title in (
        "Ibu hamil per kecamatan",
        "Ibu hamil usia kehamilan 8 bulan",
        "Keluarga pra-sejahtera",
        "Wilayah rawan gizi",
    ):
        assert title in titles
    aki = Indicator.objects.get(program__data_room=room, name="Angka Kematian Ibu (AKI)")
    table = aki.supporting_tables.get(title="Ibu hamil per kecamatan")
    assert list(table.rows.values_list("label", flat=True)) == [
        "Blimbing",
        "Kedungkandang",
        "Klojen",
        "Lowokwaru",
        "Sukun",
    ]
    assert aki.cases.exists()
    assert aki.comparators.count() >= 2


def test_the_result_counts_what_was_created(seeded):
    counts = _row_counts()
    created = seeded.created
    assert created["data_room"] == counts["opd.DataRoom"] == 19
    assert created["indicator"] == counts["opd.Indicator"] == len(INDICATORS)
    assert created["objective"] == counts["opd.StrategicObjective"]
    assert created["supporting_row"] == counts["opd.SupportingRow"]
    # One version per submitted room, two for Dishub and Disperin; DRAFT has none.
    assert created["submission"] == counts["opd.Submission"] == 20
    assert created["review_comment"] == counts["opd.ReviewComment"] == 5
    assert ReviewComment.objects.filter(submission__outcome="returned").count() == 5
    assert created["period"] == 1 and created["theme"] == 3


def test_a_second_run_creates_and_changes_nothing(seeded):
    before = _row_counts()
    snapshot = {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_app_config("opd").get_models()
        if model is not DataRoom  # its updated_at is auto_now; compared below without it
    }
    rooms = list(DataRoom.objects.values_list("pk", "opd_id", "period_id", "status"))
    again = SeedResult()
    seed_data_rooms(again)
    assert not again.changed
    assert _row_counts() == before
    assert rooms == list(DataRoom.objects.values_list("pk", "opd_id", "period_id", "status"))
    for label, rows in snapshot.items():
        assert sorted(map(repr, apps.get_model(label).objects.values_list())) == rows, label


def test_a_deleted_part_of_an_editable_room_comes_back_but_locked_rooms_stay_as_they_are(seeded):
    rooms = _rooms()
    Indicator.objects.filter(program__data_room=rooms["dispendukcapil"]).first().delete()
    Indicator.objects.filter(program__data_room=rooms["dinkes"]).first().delete()
    result = SeedResult()
    seed_data_rooms(result)
    assert result.created["indicator"] == 1
    assert not result.created.get("submission")
    assert (
        Indicator.objects.filter(program__data_room=rooms["dinkes"]).count()
        == sum(1 for spec in INDICATORS if spec["opd"] == "dinkes") - 1
    )


def test_it_leaves_a_real_current_period_current(db):
    real = Period.objects.create(
        name="RPJMD 2013–2018", start_year=2013, end_year=2018, is_current=True
    )
    seed_units()
    seed_data_rooms(SeedResult())
    real.refresh_from_db()
    assert real.is_current and not real.is_demo
    assert not Period.objects.get(name="RPJMD 2018–2023").is_current


def test_it_skips_units_that_are_not_demo_units(db):
    # Without seed_demo, a real unit with a demo code gets no demo data room.
    real = Opd.objects.create(code="dinkes", name="Dinas Kesehatan", kind=Opd.Kind.DINAS)
    result = SeedResult()
    seed_data_rooms(result)
    assert not DataRoom.objects.filter(opd=real).exists()
    assert not DataRoom.objects.exists()
    assert result.created["period"] == 1


def test_a_real_theme_with_a_demo_name_stops_it_before_anything_changes(db):
    seed_units()
    Theme.objects.create(code="stunting", name="Penanganan Stunting")
    before = _row_counts()
    with pytest.raises(DemoConflict, match="Penanganan Stunting"):
        seed_data_rooms(SeedResult())
    assert _row_counts() == before
