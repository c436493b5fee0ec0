"""The demo data rooms: complete where they should be, idempotent, never on real rows."""

import datetime
from unittest import mock

import pytest
from django.apps import apps

from lelang.demo import DemoConflict, SeedResult, seed_demo
from opd.checklist import data_room_checklist
from opd.demo import INDICATORS, ROOMS, seed_data_rooms
from opd.models import DataRoom, Indicator, Opd, Period, Submission, SupportingTable, Theme
from opd.services import data_room_snapshot

pytestmark = pytest.mark.django_db

S = DataRoom.Status
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def seed_units() -> None:
    """The rest of the demo (units, people) without the data rooms, which these tests seed."""
    with mock.patch("lelang.demo.seed_data_rooms"):
        seed_demo()


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


def test_the_fourteen_rooms_have_programs_and_indicators(seeded):
    rooms = _rooms()
    assert set(rooms) == set(ROOMS)
    assert len(rooms) == 14
    for code, room in rooms.items():
        assert room.programs.count() >= 2, code
        assert Indicator.objects.filter(program__data_room=room).count() >= 3, code
        assert room.period.name == "RPJMD 2018–2023"


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


def test_statuses_and_submissions(seeded):
    rooms = _rooms()
    statuses = {code: room.status for code, room in rooms.items()}
    assert statuses.pop("dishub") == S.RETURNED
    assert statuses.pop("disdag") == S.SUBMITTED
    assert statuses.pop("disperin") == S.DRAFT
    assert set(statuses.values()) == {S.READY}
    assert not rooms["disperin"].submissions.exists()

    pending = rooms["disdag"].submissions.get()
    assert (pending.number, pending.outcome) == (1, Submission.Outcome.PENDING)
    assert pending.reviewed_by is None and pending.reviewed_at is None

    for code in statuses:
        submission = rooms[code].submissions.get()
        assert (submission.number, submission.outcome) == (1, Submission.Outcome.READY)
        assert submission.reviewed_by.username == "bappeda"
        expected = (
            "camat." + code.removeprefix("kec-") if code.startswith("kec-") else f"kepala.{code}"
        )
        assert submission.submitted_by.username == expected
        submitted = submission.submitted_at.astimezone(JAKARTA)
        assert (submitted.year, submitted.month) == (2018, 11) and submitted.day >= 15
        assert submission.submitted_at < submission.reviewed_at
        assert submission.snapshot == data_room_snapshot(rooms[code])


def test_dishub_was_returned_with_two_comments_by_bappeda(seeded):
    room = _rooms()["dishub"]
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


def test_ready_and_submitted_rooms_pass_the_checklist_the_others_do_not(seeded):
    rooms = _rooms()
    for code, room in rooms.items():
        checklist = data_room_checklist(room)
        if room.status in (S.READY, S.SUBMITTED):
            assert checklist.ok, (code, checklist.problems)
        else:
            assert not checklist.ok, code
    assert any("pembanding" in p for p in data_room_checklist(rooms["dishub"]).problems)
    assert any("target" in p for p in data_room_checklist(rooms["disperin"]).problems)


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
    assert created["data_room"] == counts["opd.DataRoom"] == 14
    assert created["indicator"] == counts["opd.Indicator"]
    assert created["supporting_row"] == counts["opd.SupportingRow"]
    assert created["submission"] == counts["opd.Submission"] == 13
    assert created["review_comment"] == counts["opd.ReviewComment"] == 2
    assert created["period"] == 1 and created["theme"] == 2


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
    Indicator.objects.filter(program__data_room=rooms["disperin"]).first().delete()
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
