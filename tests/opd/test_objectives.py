"""Strategic objectives (sasaran strategis): the layer above a unit's indicators, as the
Perjanjian Kinerja's annex lists them (No | Sasaran Strategis | Indikator | Target)."""

import io

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lelang.demo import SeedResult, seed_people
from lelang.models import AuditEntry
from opd import services
from opd.checklist import data_room_checklist
from opd.demo import INDICATORS, OBJECTIVES, seed_data_rooms
from opd.excel import COL_INDICATOR, COL_OBJECTIVE, INDICATOR_HEADERS, build_workbook
from opd.models import DataRoom, Indicator, Program, StrategicObjective
from opd.versions import CHANGED, diff_snapshots
from tests.opd.conftest import DEFAULT_OBJECTIVE, make_indicator, make_objective
from tests.opd.test_data_room import _prefixed, indicator_post
from tests.opd.test_excel import imports, indicator_row, make_upload, where

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NUTRITION = "Meningkatnya status gizi masyarakat"


def _room_url(room):
    return reverse("opd:data_room", args=[room.opd.code])


def _create_url(room):
    return reverse("opd:objective_create", args=[room.opd.code])


# --- The model --------------------------------------------------------------------------


def test_an_objective_belongs_to_its_data_room_and_unit(dinkes_room):
    objective = make_objective(dinkes_room)
    assert str(objective) == DEFAULT_OBJECTIVE
    assert objective.owner_data_room == dinkes_room
    assert objective.owner_opd_id == dinkes_room.opd_id
    assert list(dinkes_room.objectives.all()) == [objective]
    with translation.override("en"):
        assert str(StrategicObjective._meta.verbose_name) == "strategic objective"


def test_a_name_is_unique_within_a_data_room_but_not_across_rooms(dinkes_room, dindik_room):
    make_objective(dinkes_room)
    make_objective(dindik_room)  # another unit may use the same words
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategicObjective.objects.create(data_room=dinkes_room, name=DEFAULT_OBJECTIVE)


def test_an_objective_in_use_cannot_be_deleted_from_under_its_indicators(complete_indicator):
    with pytest.raises(ProtectedError), transaction.atomic():
        complete_indicator.objective.delete()


# --- The services -----------------------------------------------------------------------


def test_staff_add_objectives_in_order_and_each_is_audited(dinkes_room, dinkes_staff):
    first = services.objective_save(
        data_room=dinkes_room, name=DEFAULT_OBJECTIVE, user=dinkes_staff
    )
    second = services.objective_save(
        data_room=dinkes_room, name=f"  {NUTRITION}\u200b  ", user=dinkes_staff
    )
    assert (first.order, second.order) == (1, 2)
    assert second.name == NUTRITION  # spaces and invisible characters dropped
    entries = AuditEntry.objects.filter(action="opd.strategicobjective.add").order_by("pk")
    assert entries.count() == 2
    assert entries.last().after["name"] == NUTRITION
    assert entries.last().actor_id == dinkes_staff.pk


def test_the_head_renames_an_objective_with_before_and_after(dinkes_room, dinkes_head):
    objective = make_objective(dinkes_room)
    services.objective_save(objective=objective, name=NUTRITION, user=dinkes_head)
    objective.refresh_from_db()
    assert objective.name == NUTRITION
    entry = AuditEntry.objects.get(action="opd.strategicobjective.change")
    assert (entry.before["name"], entry.after["name"]) == (DEFAULT_OBJECTIVE, NUTRITION)


@pytest.mark.parametrize("name", ["meningkatnya DERAJAT kesehatan  masyarakat", "   ", ""])
def test_a_duplicate_or_empty_name_is_refused_on_the_name(dinkes_room, dinkes_staff, name):
    make_objective(dinkes_room)
    with pytest.raises(ValidationError) as refused:
        services.objective_save(data_room=dinkes_room, name=name, user=dinkes_staff)
    assert "name" in refused.value.message_dict
    assert dinkes_room.objectives.count() == 1


def test_renaming_to_its_own_name_in_another_case_is_fine(dinkes_room, dinkes_staff):
    objective = make_objective(dinkes_room)
    services.objective_save(objective=objective, name=DEFAULT_OBJECTIVE.upper(), user=dinkes_staff)
    objective.refresh_from_db()
    assert objective.name == DEFAULT_OBJECTIVE.upper()


@pytest.mark.parametrize("persona", ["dindik_head", "inspector", "operator", "mayor"])
def test_only_the_units_own_people_may_add_rename_or_delete(request, dinkes_room, persona):
    user = request.getfixturevalue(persona)
    objective = make_objective(dinkes_room)
    with pytest.raises(PermissionDenied):
        services.objective_save(data_room=dinkes_room, name=NUTRITION, user=user)
    with pytest.raises(PermissionDenied):
        services.objective_save(objective=objective, name=NUTRITION, user=user)
    with pytest.raises(PermissionDenied):
        services.objective_delete(objective=objective, user=user)
    assert list(dinkes_room.objectives.values_list("name", flat=True)) == [DEFAULT_OBJECTIVE]
    assert not AuditEntry.objects.filter(action__startswith="opd.strategicobjective").exists()


def test_nothing_changes_while_the_room_is_submitted(dinkes_room, dinkes_staff):
    objective = make_objective(dinkes_room)
    DataRoom.objects.filter(pk=dinkes_room.pk).update(status=DataRoom.Status.SUBMITTED)
    with pytest.raises(services.DataRoomLocked):
        services.objective_save(data_room=dinkes_room, name=NUTRITION, user=dinkes_staff)
    with pytest.raises(services.DataRoomLocked):
        services.objective_delete(objective=objective, user=dinkes_staff)
    assert dinkes_room.objectives.count() == 1


def test_an_unused_objective_is_deleted_and_audited(dinkes_room, dinkes_staff):
    objective = make_objective(dinkes_room, NUTRITION)
    services.objective_delete(objective=objective, user=dinkes_staff)
    assert not StrategicObjective.objects.exists()
    entry = AuditEntry.objects.get(action="opd.strategicobjective.delete")
    assert entry.before["name"] == NUTRITION


def test_an_objective_in_use_is_not_deleted_and_the_message_names_its_indicators(
    complete_indicator, dinkes_staff
):
    objective = complete_indicator.objective
    with translation.override("en"), pytest.raises(services.PartInUse) as refused:
        services.objective_delete(objective=objective, user=dinkes_staff)
    assert "“Angka Kematian Ibu”" in refused.value.message
    assert "another strategic objective" in refused.value.message
    assert StrategicObjective.objects.filter(pk=objective.pk).exists()
    assert not AuditEntry.objects.filter(action="opd.strategicobjective.delete").exists()


def test_an_indicator_cannot_take_another_rooms_objective(
    complete_indicator, dindik_room, dinkes_staff
):
    complete_indicator.objective = make_objective(dindik_room)
    with pytest.raises(ValidationError) as refused:
        services.part_save(instance=complete_indicator, user=dinkes_staff)
    assert "objective" in refused.value.message_dict
    complete_indicator.refresh_from_db()
    assert complete_indicator.objective.data_room == complete_indicator.program.data_room


# --- The data room page -------------------------------------------------------------------


def test_staff_add_an_objective_and_the_page_reloads_to_offer_it(client, dinkes_staff, dinkes_room):
    client.force_login(dinkes_staff)
    response = client.post(
        _create_url(dinkes_room), {"objective-new-name": DEFAULT_OBJECTIVE}, headers=HTMX
    )
    objective = StrategicObjective.objects.get(data_room=dinkes_room)
    assert response.status_code == 200
    # The same page again, with a query: a bare "#anchor" would only scroll the page.
    assert response["HX-Redirect"].endswith(
        f"/ruang-data/?baru=objective-{objective.pk}#objective-{objective.pk}"
    )
    # Without htmx: an ordinary redirect.
    response = client.post(_create_url(dinkes_room), {"objective-new-name": NUTRITION})
    assert response.status_code == 302
    assert dinkes_room.objectives.count() == 2


def test_a_refused_name_is_shown_next_to_the_field_and_kept(client, dinkes_staff, dinkes_room):
    make_objective(dinkes_room)
    client.force_login(dinkes_staff)
    typed = DEFAULT_OBJECTIVE.upper()
    response = client.post(_create_url(dinkes_room), {"objective-new-name": typed}, headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="objectives"')
    assert 'id="id_objective-new-name_error"' in body
    assert f'value="{typed}"' in body
    assert 'id="checklist" ' in body and 'hx-swap-oob="true"' in body
    assert dinkes_room.objectives.count() == 1


def test_another_units_staff_cannot_add_rename_or_delete(
    client, dinkes_staff, dindik_room, dinkes_room
):
    objective = make_objective(dindik_room)
    client.force_login(dinkes_staff)
    response = client.post(_create_url(dindik_room), {"objective-new-name": NUTRITION})
    assert response.status_code == 403
    edit = reverse("opd:objective_edit", args=[objective.pk])
    assert client.get(edit).status_code == 404  # another unit's ids find nothing
    assert client.post(edit, {f"objective-{objective.pk}-name": NUTRITION}).status_code == 404
    delete = reverse("opd:objective_delete", args=[objective.pk])
    assert client.post(delete).status_code == 404
    assert list(dindik_room.objectives.values_list("name", flat=True)) == [DEFAULT_OBJECTIVE]


def test_an_inspector_reads_the_objectives_but_cannot_change_them(
    client, inspector, complete_indicator, dinkes_room
):
    objective = complete_indicator.objective
    client.force_login(inspector)
    body = client.get(_room_url(dinkes_room)).content.decode()
    assert f'id="objective-{objective.pk}"' in body
    assert reverse("opd:objective_edit", args=[objective.pk]) not in body
    assert client.post(_create_url(dinkes_room), {"objective-new-name": "X"}).status_code == 403
    delete = reverse("opd:objective_delete", args=[objective.pk])
    assert client.post(delete).status_code == 403
    assert StrategicObjective.objects.count() == 1


def test_delete_and_create_accept_post_only(client, dinkes_staff, dinkes_room):
    objective = make_objective(dinkes_room)
    client.force_login(dinkes_staff)
    assert client.get(reverse("opd:objective_delete", args=[objective.pk])).status_code == 405
    assert client.get(_create_url(dinkes_room)).status_code == 405
    assert client.put(reverse("opd:objective_edit", args=[objective.pk])).status_code == 405


def test_rename_in_place_and_the_indicators_follow(client, dinkes_staff, complete_indicator):
    objective = complete_indicator.objective
    url = reverse("opd:objective_edit", args=[objective.pk])
    client.force_login(dinkes_staff)
    form = client.get(url, headers=HTMX).content.decode()
    assert form.lstrip().startswith(f'<div class="objective" id="objective-{objective.pk}"')
    assert f'value="{DEFAULT_OBJECTIVE}"' in form

    response = client.post(url, {f"objective-{objective.pk}-name": NUTRITION}, headers=HTMX)

    body = response.content.decode()
    assert body.lstrip().startswith(f'<div class="objective" id="objective-{objective.pk}"')
    block = body[body.index(f'id="indicator-{complete_indicator.pk}"') :]
    assert 'hx-swap-oob="true"' in block[:80] and NUTRITION in block
    objective.refresh_from_db()
    assert objective.name == NUTRITION


def test_a_refused_rename_keeps_what_was_typed(client, dinkes_staff, dinkes_room):
    make_objective(dinkes_room)
    other = make_objective(dinkes_room, NUTRITION)
    client.force_login(dinkes_staff)
    url = reverse("opd:objective_edit", args=[other.pk])
    response = client.post(url, {f"objective-{other.pk}-name": DEFAULT_OBJECTIVE}, headers=HTMX)
    body = response.content.decode()
    assert f'id="id_objective-{other.pk}-name_error"' in body
    assert f'value="{DEFAULT_OBJECTIVE}"' in body
    other.refresh_from_db()
    assert other.name == NUTRITION


def test_deleting_an_objective_in_use_is_refused_where_it_was_clicked(
    client, dinkes_staff, complete_indicator
):
    objective = complete_indicator.objective
    client.force_login(dinkes_staff)
    response = client.post(reverse("opd:objective_delete", args=[objective.pk]), headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<div class="objective" id="objective-{objective.pk}"')
    assert 'role="alert"' in body and "Angka Kematian Ibu" in body
    assert StrategicObjective.objects.filter(pk=objective.pk).exists()


def test_deleting_an_unused_objective_leaves_a_line_saying_so(client, dinkes_staff, dinkes_room):
    objective = make_objective(dinkes_room, NUTRITION)
    client.force_login(dinkes_staff)
    response = client.post(reverse("opd:objective_delete", args=[objective.pk]), headers=HTMX)
    body = response.content.decode()
    assert f'id="objective-{objective.pk}"' in body and NUTRITION in body
    assert not StrategicObjective.objects.exists()


def test_the_page_shows_each_indicators_objective(client, dinkes_staff, complete_indicator):
    client.force_login(dinkes_staff)
    body = client.get(_room_url(complete_indicator.program.data_room)).content.decode()
    block = body[body.index(f'id="indicator-{complete_indicator.pk}"') :]
    objective = complete_indicator.objective
    tag = f'<a class="tag tag--objective" href="#objective-{objective.pk}">'
    assert tag in block[:1000] and DEFAULT_OBJECTIVE in block[:1000]


# --- The indicator form ---------------------------------------------------------------------


def test_the_indicator_form_requires_an_objective_of_its_own_room(
    client, dinkes_staff, dinkes_room, dindik_room
):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi Masyarakat")
    mine, foreign = make_objective(dinkes_room), make_objective(dindik_room, NUTRITION)
    client.force_login(dinkes_staff)
    url = reverse("opd:indicator_create", args=[program.pk])
    prefix = f"ind-new-{program.pk}"

    for objective in ("", str(foreign.pk)):
        data = _prefixed(prefix, indicator_post(dinkes_room, objective=objective))
        body = client.post(url, data, headers=HTMX).content.decode()
        assert f'id="id_{prefix}-objective_error"' in body
        assert NUTRITION not in body  # another unit's objectives are never offered
    assert not Indicator.objects.exists()

    client.post(url, _prefixed(prefix, indicator_post(dinkes_room)), headers=HTMX)
    assert Indicator.objects.get().objective == mine


def test_without_objectives_the_form_says_where_to_add_one(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi Masyarakat")
    client.force_login(dinkes_staff)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        body = client.get(_room_url(dinkes_room)).content.decode()
        assert "This data room has no strategic objective yet." in body
        assert '<a href="#objectives">' in body
        data = {**indicator_post(dinkes_room), "objective": ""}
        StrategicObjective.objects.all().delete()
        response = client.post(
            reverse("opd:indicator_create", args=[program.pk]),
            _prefixed(f"ind-new-{program.pk}", data),
            headers=HTMX,
        )
    error = response.content.decode()
    assert "add one under “Strategic objectives” on this page first" in error
    assert not Indicator.objects.exists()


# --- The checklist ----------------------------------------------------------------------------


def test_the_checklist_misses_an_indicator_without_objective(dinkes_room):
    complete = make_indicator(dinkes_room)
    assert data_room_checklist(dinkes_room).ok
    lacking = make_indicator(dinkes_room, name="Angka Kematian Bayi", objective=None)
    with translation.override("en"):
        items = data_room_checklist(dinkes_room).items
    assert [item.anchor for item in items] == [f"indicator-{lacking.pk}"]
    assert "Angka Kematian Bayi" in items[0].text and "a strategic objective" in items[0].text
    assert complete.pk != lacking.pk


# --- Versions -------------------------------------------------------------------------------


def test_a_resubmission_shows_a_changed_objective(
    client, dinkes_head, operator, complete_indicator, dinkes_room
):
    services.data_room_submit(data_room=dinkes_room, user=dinkes_head)
    first = dinkes_room.submissions.get().snapshot
    indicator = first["programs"][0]["indicators"][0]
    assert indicator["objective"] == DEFAULT_OBJECTIVE

    services.data_room_return(data_room=dinkes_room, user=operator, comment="Sasaran gizi.")
    complete_indicator.objective = make_objective(dinkes_room, NUTRITION)
    services.part_save(instance=complete_indicator, user=dinkes_head)
    services.data_room_submit(data_room=dinkes_room, user=dinkes_head)

    second = dinkes_room.submissions.get(number=2).snapshot
    diff = diff_snapshots(first, second)
    changes = diff.programs[0].children[0].changes
    assert [(c.field, c.old, c.new, c.status) for c in changes] == [
        ("objective", DEFAULT_OBJECTIVE, NUTRITION, CHANGED)
    ]
    client.force_login(operator)
    url = reverse("opd:versions", args=[dinkes_room.opd.code])
    body = client.get(url, {"old": 1, "new": 2}).content.decode()
    assert DEFAULT_OBJECTIVE in body and f"<strong>{NUTRITION}</strong>" in body
    detail = client.get(reverse("opd:submission", args=[dinkes_room.submissions.get(number=2).pk]))
    assert f"<td>{NUTRITION}</td>" in detail.content.decode()


def test_a_snapshot_from_before_objectives_compares_as_one_added(dinkes_room, complete_indicator):
    now = services.data_room_snapshot(dinkes_room)
    earlier = services.data_room_snapshot(dinkes_room)
    del earlier["programs"][0]["indicators"][0]["objective"]
    changes = diff_snapshots(earlier, now).programs[0].children[0].changes
    assert [(c.field, c.old, c.new) for c in changes] == [("objective", None, DEFAULT_OBJECTIVE)]


# --- Excel ---------------------------------------------------------------------------------


def test_the_workbook_writes_each_indicators_objective_and_reads_it_back(dinkes_room, dinkes_staff):
    make_indicator(dinkes_room)
    make_indicator(
        dinkes_room,
        name="Prevalensi stunting",
        program_name="Gizi",
        objective=make_objective(dinkes_room, NUTRITION),
    )
    content = build_workbook(dinkes_room)
    ws = load_workbook(io.BytesIO(content))["Indikator"]
    rows = [
        dict(zip(INDICATOR_HEADERS, r, strict=True))
        for r in ws.iter_rows(min_row=2, values_only=True)
    ]
    assert {(r[COL_INDICATOR], r[COL_OBJECTIVE]) for r in rows} == {
        ("Angka Kematian Ibu", DEFAULT_OBJECTIVE),
        ("Prevalensi stunting", NUTRITION),
    }
    before = list(Indicator.objects.order_by("pk").values_list("pk", "objective_id"))

    result = imports(dinkes_room, content, dinkes_staff)

    assert result.ok, result.errors
    assert result.objectives_created == 0
    assert list(Indicator.objects.order_by("pk").values_list("pk", "objective_id")) == before
    assert build_workbook(dinkes_room) is not None


def test_import_matches_objectives_ignoring_case_and_spaces_and_creates_new_ones(
    dinkes_room, dinkes_staff
):
    existing = make_objective(dinkes_room)
    content = make_upload(
        [
            indicator_row(**{COL_OBJECTIVE: "  meningkatnya  DERAJAT kesehatan masyarakat "}),
            indicator_row(**{COL_INDICATOR: "Balita gizi buruk", COL_OBJECTIVE: NUTRITION}),
            indicator_row(**{COL_INDICATOR: "Balita ditimbang", COL_OBJECTIVE: NUTRITION.upper()}),
        ]
    )

    result = imports(dinkes_room, content, dinkes_staff)

    assert result.ok, result.errors
    assert result.objectives_created == 1
    assert AuditEntry.objects.get(action="opd.dataroom.import").after["objectives_created"] == 1
    assert list(dinkes_room.objectives.values_list("name", "order")) == [
        (DEFAULT_OBJECTIVE, 0),
        (NUTRITION, 1),
    ]
    assert Indicator.objects.get(name="Prevalensi stunting").objective == existing
    new = StrategicObjective.objects.get(name=NUTRITION)
    assert set(new.indicators.values_list("name", flat=True)) == {
        "Balita gizi buruk",
        "Balita ditimbang",
    }


def test_import_moves_an_indicator_to_the_objective_its_row_names(dinkes_room, dinkes_staff):
    indicator = make_indicator(dinkes_room, program_name="Program Gizi Masyarakat")
    content = make_upload(
        [indicator_row(**{COL_INDICATOR: indicator.name, COL_OBJECTIVE: NUTRITION})]
    )
    assert imports(dinkes_room, content, dinkes_staff).ok
    indicator.refresh_from_db()
    assert indicator.objective.name == NUTRITION


def test_a_row_without_objective_is_a_row_error_in_indonesian(dinkes_room, dinkes_staff):
    content = make_upload(
        [indicator_row(), indicator_row(**{COL_INDICATOR: "X", COL_OBJECTIVE: " "})]
    )

    with translation.override("id"):
        result = imports(dinkes_room, content, dinkes_staff)

    assert where(result) == [("Indikator", 3, COL_OBJECTIVE)]
    assert result.errors[0].message == "“Sasaran strategis” wajib diisi."
    assert not StrategicObjective.objects.exists()  # nothing applied, not even row 2's
    assert not Program.objects.exists()


def test_a_workbook_without_the_objective_column_is_refused(dinkes_room, dinkes_staff):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, headers in (
        ("Indikator", [h for h in INDICATOR_HEADERS if h != COL_OBJECTIVE]),
        ("Pembanding", ["Program", "Indikator", "Label", "Jenis", "Nilai", "Tahun", "Sumber"]),
        (
            "Data pendukung",
            [
                "Program",
                "Indikator",
                "Tabel",
                "Kolom nilai",
                "Sumber tabel",
                "Baris",
                "Nilai",
                "Keterangan",
            ],
        ),
    ):
        wb.create_sheet(title).append(headers)
    buffer = io.BytesIO()
    wb.save(buffer)

    result = imports(dinkes_room, buffer.getvalue(), dinkes_staff)

    assert where(result) == [("Indikator", 1, COL_OBJECTIVE)]


# --- The demo -------------------------------------------------------------------------------


@pytest.fixture
def seeded():
    seed_people(SeedResult())
    result = SeedResult()
    seed_data_rooms(result)
    return result


def test_every_demo_indicator_has_an_objective_of_its_own_unit(seeded):
    indicators = Indicator.objects.select_related("objective", "program__data_room__opd")
    assert indicators.count() == len(INDICATORS)
    for indicator in indicators:
        room = indicator.program.data_room
        assert indicator.objective is not None, indicator.name
        assert indicator.objective.data_room == room, indicator.name
        names = [name for name, _programs in OBJECTIVES[room.opd.code]]
        assert indicator.objective.name in names
    assert StrategicObjective.objects.get(
        data_room__opd__code="dinkes", name="Meningkatnya derajat kesehatan masyarakat"
    )
    assert StrategicObjective.objects.get(
        data_room__opd__code="dindik", name="Meningkatnya akses dan mutu pendidikan"
    )
    kecamatan = StrategicObjective.objects.filter(
        name="Meningkatnya kualitas pelayanan publik di kecamatan"
    )
    assert kecamatan.count() == 4  # every kecamatan with a PATEN program
    assert seeded.created["objective"] == StrategicObjective.objects.count()
    assert not StrategicObjective.objects.filter(indicators__isnull=True).exists()


def test_a_second_seed_changes_no_objective(seeded):
    before = list(StrategicObjective.objects.values_list())
    links = list(Indicator.objects.order_by("pk").values_list("pk", "objective_id"))
    again = SeedResult()
    seed_data_rooms(again)
    assert not again.changed
    assert list(StrategicObjective.objects.values_list()) == before
    assert list(Indicator.objects.order_by("pk").values_list("pk", "objective_id")) == links


def test_seeding_again_gives_indicators_seeded_before_objectives_theirs_and_nothing_else(
    seeded,
):
    # As after the migration: the rooms, locked ones too, had indicators without objectives.
    Indicator.objects.update(objective=None)
    StrategicObjective.objects.all().delete()
    unchanged = list(Indicator.objects.order_by("pk").values_list().values())
    submissions = list(DataRoom.objects.values_list("status", "submissions__snapshot"))

    result = SeedResult()
    seed_data_rooms(result)

    assert result.created["indicator_objective"] == len(INDICATORS)
    assert not Indicator.objects.filter(objective__isnull=True).exists()
    assert not result.created["indicator"] and not result.created.get("submission")
    after = Indicator.objects.order_by("pk").values_list().values()
    assert [{**row, "objective_id": None} for row in after] == unchanged
    assert list(DataRoom.objects.values_list("status", "submissions__snapshot")) == submissions
    for room in DataRoom.objects.filter(status=DataRoom.Status.READY):
        assert data_room_checklist(room).ok, room.opd.code


def test_an_indicator_a_user_added_to_a_demo_room_is_left_alone(seeded):
    room = DataRoom.objects.get(opd__code="disperin")  # a draft, editable
    program = room.programs.first()
    own = Indicator.objects.create(
        program=program,
        name="Indikator buatan pengguna",
        unit="%",
        baseline_value=1,
        baseline_year=2017,
        baseline_source="Catatan",
    )
    seed_data_rooms(SeedResult())
    own.refresh_from_db()
    assert own.objective is None


# --- The back office ----------------------------------------------------------------------


def test_the_admin_lists_objectives_read_only(rf, operator):
    model_admin = admin.site._registry[StrategicObjective]
    request = rf.get("/")
    request.user = operator
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "objective" in admin.site._registry[Indicator].list_display
