"""Comparing two submitted versions of a data room: the pure diff of two snapshots, and
the page that shows it side by side."""

import copy

import pytest
from django.urls import reverse

from opd import services
from opd.models import Comparator, Indicator, Program
from opd.versions import ADDED, CHANGED, REMOVED, SAME, diff_snapshots
from tests.opd.conftest import make_indicator


def _indicator(pk, name, **extra):
    indicator = {
        "id": pk,
        "name": name,
        "definition": "",
        "unit": "%",
        "polarity": "lower",
        "range": [None, None],
        "aggregation": "last",
        "data_source": "",
        "theme": None,
        "baseline": {"value": "27.5000", "year": 2017, "source": "Dinkes 2017"},
        "target": {"value": "14.0000", "year": 2023},
        "comparators": [
            {
                "label": "Jawa Timur",
                "kind": "province",
                "value": "26.9000",
                "year": 2017,
                "source": "Riskesdas",
            }
        ],
        "supporting_tables": [
            {
                "title": "Balita per kecamatan",
                "value_label": "Jumlah",
                "source": "",
                "rows": [{"label": "Sukun", "value": "120.0000", "note": ""}],
            }
        ],
        "cases": [],
        "attachments": [],
    }
    indicator.update(extra)
    return indicator


def _snapshot(*programs, attachments=()):
    return {
        "opd": "dinkes",
        "period": "RPJMD",
        "programs": list(programs),
        "attachments": list(attachments),
    }


def _program(pk, name, *indicators, **extra):
    return {
        "id": pk,
        "name": name,
        "kind": "program",
        "description": "",
        "budget": None,
        "indicators": list(indicators),
        **extra,
    }


BASE = _snapshot(_program(1, "Gizi", _indicator(10, "Stunting"), _indicator(11, "Wasting")))


def _changes(diff_item):
    return {(c.field, c.subject): (c.old, c.new) for c in diff_item.changes}


# --- the diff --------------------------------------------------------------------


def test_two_equal_versions_have_no_change():
    diff = diff_snapshots(BASE, copy.deepcopy(BASE))
    assert not diff.changed
    assert [p.status for p in diff.programs] == [SAME]


def test_a_number_written_differently_is_the_same_value():
    later = copy.deepcopy(BASE)
    later["programs"][0]["indicators"][0]["baseline"]["value"] = "27.5"
    assert not diff_snapshots(BASE, later).changed


def test_changed_values_are_listed_with_old_and_new():
    later = copy.deepcopy(BASE)
    stunting = later["programs"][0]["indicators"][0]
    stunting["baseline"]["value"] = "24.0000"
    stunting["target"]["year"] = 2024
    stunting["baseline"]["source"] = "Profil Kesehatan 2017"
    (program,) = diff_snapshots(BASE, later).programs
    assert program.status == CHANGED
    indicator, wasting = program.children
    assert (indicator.status, wasting.status) == (CHANGED, SAME)
    assert _changes(indicator) == {
        ("baseline_value", ""): ("27.5000", "24.0000"),
        ("baseline_source", ""): ("Dinkes 2017", "Profil Kesehatan 2017"),
        ("target_year", ""): (2023, 2024),
    }


def test_added_and_removed_programs_and_indicators():
    later = _snapshot(
        _program(1, "Gizi", _indicator(10, "Stunting"), _indicator(12, "Anemia ibu hamil")),
        _program(2, "Sanitasi", _indicator(20, "Akses jamban")),
    )
    diff = diff_snapshots(BASE, later)
    gizi, sanitasi = diff.programs
    assert sanitasi.status == ADDED
    assert [i.status for i in sanitasi.children] == [ADDED]
    assert [(i.name, i.status) for i in gizi.children] == [
        ("Stunting", SAME),
        ("Anemia ibu hamil", ADDED),
        ("Wasting", REMOVED),
    ]
    added = _changes(gizi.children[1])
    assert added[("name", "")] == (None, "Anemia ibu hamil")
    assert added[("comparator", "Jawa Timur")][0] is None
    assert diff.counts() == {
        "program_added": 1,
        "program_removed": 0,
        "program_changed": 1,
        "indicator_added": 2,
        "indicator_removed": 1,
        "indicator_changed": 0,
    }


def test_a_renamed_indicator_is_matched_by_its_id():
    later = copy.deepcopy(BASE)
    later["programs"][0]["indicators"][0]["name"] = "Prevalensi stunting balita"
    indicator = diff_snapshots(BASE, later).programs[0].children[0]
    assert indicator.status == CHANGED
    assert _changes(indicator) == {("name", ""): ("Stunting", "Prevalensi stunting balita")}


def test_a_recreated_indicator_is_matched_by_its_name():
    later = copy.deepcopy(BASE)
    later["programs"][0]["indicators"][1]["id"] = 99  # e.g. deleted and added again
    assert [i.status for i in diff_snapshots(BASE, later).programs[0].children] == [SAME, SAME]


def test_comparators_added_removed_and_changed():
    later = copy.deepcopy(BASE)
    comparators = later["programs"][0]["indicators"][0]["comparators"]
    comparators[0]["value"] = "25.0000"
    comparators.append(
        {
            "label": "Nasional",
            "kind": "national",
            "value": "30.8",
            "year": 2018,
            "source": "Riskesdas",
        }
    )
    later["programs"][0]["indicators"][1]["comparators"] = []
    stunting, wasting = diff_snapshots(BASE, later).programs[0].children
    changes = _changes(stunting)
    assert changes[("comparator", "Jawa Timur")][0]["value"] == "26.9000"
    assert changes[("comparator", "Jawa Timur")][1]["value"] == "25.0000"
    assert changes[("comparator", "Nasional")][0] is None
    removed = wasting.changes[0]
    assert (removed.field, removed.status, removed.new) == ("comparator", REMOVED, None)


def test_supporting_rows_cases_and_files():
    later = copy.deepcopy(BASE)
    stunting = later["programs"][0]["indicators"][0]
    stunting["supporting_tables"][0]["rows"][0]["value"] = "118"
    stunting["cases"] = [{"title": "RW 05", "description": "Balita gizi kurang."}]
    stunting["attachments"] = [{"name": "laporan.pdf", "sha256": "ab" * 32, "size": 10}]
    changes = _changes(diff_snapshots(BASE, later).programs[0].children[0])
    assert set(changes) == {
        ("row", "Balita per kecamatan › Sukun"),
        ("case", "RW 05"),
        ("file", "laporan.pdf"),
    }


def test_the_rooms_own_files_are_compared():
    file = {"name": "profil.pdf", "sha256": "cd" * 32, "size": 99}
    diff = diff_snapshots(BASE, {**BASE, "attachments": [file]})
    assert diff.changed
    assert [(c.field, c.status) for c in diff.files] == [("file", ADDED)]


def test_an_old_snapshot_without_some_keys_still_compares():
    old = {"programs": [{"id": 1, "name": "Gizi", "indicators": [{"id": 10, "name": "Stunting"}]}]}
    diff = diff_snapshots(old, BASE)
    assert diff.programs[0].children[0].status == CHANGED


# --- the page --------------------------------------------------------------------


def _submit(room, user):
    return services.data_room_submit(data_room=room, user=user, confirm_incomplete=True)


def _reopen_for_edit(room):
    room.status = "returned"
    room.save()


@pytest.fixture
def two_versions(dinkes_room, dinkes_head, complete_indicator):
    _submit(dinkes_room, dinkes_head)
    _reopen_for_edit(dinkes_room)
    complete_indicator.baseline_value = "48.2"
    complete_indicator.save()
    Comparator.objects.filter(indicator=complete_indicator).delete()
    make_indicator(dinkes_room, name="Angka Kematian Bayi", program_name="Kesehatan Ibu dan Anak")
    Program.objects.create(data_room=dinkes_room, name="Sanitasi Total")
    _submit(dinkes_room, dinkes_head)
    return dinkes_room


@pytest.mark.django_db
def test_the_page_shows_the_last_change_side_by_side(client, operator, two_versions, dinkes):
    client.force_login(operator)
    response = client.get(reverse("opd:versions", args=[dinkes.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Versi 1" in body and "Versi 2" in body
    assert "53,6" in body and "48,2" in body  # the baseline, old and new
    assert "Angka Kematian Bayi" in body and "Sanitasi Total" in body
    assert "Jawa Timur" in body  # the comparator that was removed
    assert "1 program ditambahkan" in body


@pytest.mark.django_db
def test_a_version_is_compared_with_the_room_as_it_is_now(
    client, dinkes_staff, dinkes_room, dinkes_head, complete_indicator, dinkes
):
    _submit(dinkes_room, dinkes_head)
    _reopen_for_edit(dinkes_room)
    Indicator.objects.filter(pk=complete_indicator.pk).update(
        baseline_source="Profil Kesehatan Kota Malang"
    )
    client.force_login(dinkes_staff)
    body = client.get(reverse("opd:versions", args=[dinkes.code])).content.decode()
    assert "Profil Kesehatan 2017" in body and "Profil Kesehatan Kota Malang" in body
    assert "belum diajukan" in body


@pytest.mark.django_db
def test_the_same_version_twice_is_explained(client, operator, two_versions, dinkes):
    client.force_login(operator)
    url = reverse("opd:versions", args=[dinkes.code])
    body = client.get(url, {"old": "2", "new": "2"}).content.decode()
    assert "Pilih dua versi yang berbeda" in body


@pytest.mark.django_db
def test_a_room_without_versions_says_so(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    body = client.get(reverse("opd:versions", args=[dinkes.code])).content.decode()
    assert "Belum ada versi yang diajukan" in body


@pytest.mark.django_db
def test_another_unit_cannot_compare_versions(client, dindik_head, two_versions, dinkes):
    client.force_login(dindik_head)
    assert client.get(reverse("opd:versions", args=[dinkes.code])).status_code == 403


@pytest.mark.django_db
def test_comparing_needs_get(client, operator, two_versions, dinkes):
    client.force_login(operator)
    assert client.post(reverse("opd:versions", args=[dinkes.code])).status_code == 405
