"""The data room through its URLs: who may read, edit, submit and review."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lelang.models import AuditEntry
from opd.models import Comparator, DataRoom, Indicator, Program, Submission
from tests.opd.conftest import make_indicator, make_objective

pytestmark = pytest.mark.django_db


def _room_url(opd):
    return reverse("opd:data_room", args=[opd.code])


INDICATOR_POST = {
    "name": "Prevalensi stunting",
    "definition": "",
    "unit": "%",
    "polarity": "lower",
    "aggregation": "last",
    "data_source": "e-PPGBM",
    "baseline_value": "27,5",
    "baseline_year": "2017",
    "baseline_source": "Dinkes 2017",
    "target_value": "14",
    "target_year": "2023",
}


def indicator_post(room, **changes):
    """The indicator form's fields, with the room's strategic objective (created if missing)."""
    return {**INDICATOR_POST, "objective": str(make_objective(room).pk), **changes}


def _prefixed(prefix, data):
    return {f"{prefix}-{key}": value for key, value in data.items()}


# --- reading --------------------------------------------------------------------


def test_staff_opens_own_data_room(client, dinkes_staff, complete_indicator, dinkes):
    client.force_login(dinkes_staff)
    response = client.get(_room_url(dinkes))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Angka Kematian Ibu" in body
    assert "53,6" in body  # Indonesian decimal comma


def test_staff_cannot_open_another_units_data_room(client, dinkes_staff, dindik_room, dindik):
    client.force_login(dinkes_staff)
    assert client.get(_room_url(dindik)).status_code == 403


def test_guessing_ids_of_another_unit_finds_nothing(
    client, dindik_staff_room_objects, dinkes_staff
):
    client.force_login(dinkes_staff)
    indicator, comparator = dindik_staff_room_objects
    assert client.get(reverse("opd:indicator_edit", args=[indicator.pk])).status_code == 404
    assert client.post(reverse("opd:indicator_delete", args=[indicator.pk])).status_code == 404
    url = reverse("opd:part_delete", args=["comparator", comparator.pk])
    assert client.post(url).status_code == 404
    assert Comparator.objects.filter(pk=comparator.pk).exists()
    post = _prefixed(f"ind-new-{indicator.program_id}", indicator_post(indicator.program.data_room))
    response = client.post(reverse("opd:indicator_create", args=[indicator.program_id]), post)
    assert response.status_code == 404


@pytest.fixture
def dindik_staff_room_objects(dindik_room):
    indicator = make_indicator(dindik_room, name="Angka Partisipasi Murni")
    return indicator, indicator.comparators.get()


@pytest.mark.parametrize("persona", ["operator", "mayor", "inspector"])
def test_bappeda_panel_and_inspector_read_but_cannot_edit(
    client, request, persona, complete_indicator, dinkes
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_room_url(dinkes)).status_code == 200
    url = reverse("opd:indicator_edit", args=[complete_indicator.pk])
    assert client.get(url).status_code == 403


# --- editing with htmx ------------------------------------------------------------


def test_staff_adds_an_indicator_inline_with_indonesian_numbers(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi Masyarakat")
    client.force_login(dinkes_staff)
    response = client.post(
        reverse("opd:indicator_create", args=[program.pk]),
        _prefixed(f"ind-new-{program.pk}", indicator_post(dinkes_room)),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<section class="card program" id="program-{program.pk}"')
    indicator = Indicator.objects.get(program=program)
    assert indicator.baseline_value == Decimal("27.5")
    assert "27,5" in body
    assert AuditEntry.objects.filter(action="opd.indicator.add").exists()


def test_text_in_a_number_field_is_refused_and_the_rest_is_kept(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi Masyarakat")
    client.force_login(dinkes_staff)
    data = indicator_post(dinkes_room, baseline_value="dua puluh")
    response = client.post(
        reverse("opd:indicator_create", args=[program.pk]),
        _prefixed(f"ind-new-{program.pk}", data),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "“dua puluh”" in body and "1.234,5" in body  # what was typed, and an example
    assert 'value="dua puluh"' in body
    assert 'value="Prevalensi stunting"' in body
    assert 'value="e-PPGBM"' in body
    assert not Indicator.objects.exists()


def test_a_baseline_year_in_the_future_is_refused(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi Masyarakat")
    client.force_login(dinkes_staff)
    data = indicator_post(dinkes_room, baseline_year="2099", target_year="2100")
    response = client.post(
        reverse("opd:indicator_create", args=[program.pk]),
        _prefixed(f"ind-new-{program.pk}", data),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Tahun baseline 2099 ada di masa depan" in body
    assert 'value="Prevalensi stunting"' in body
    assert not Indicator.objects.exists()


def test_a_percentage_above_100_is_refused(client, dinkes_staff, dinkes_room):
    program = Program.objects.create(data_room=dinkes_room, name="Gizi Masyarakat")
    client.force_login(dinkes_staff)
    data = indicator_post(dinkes_room, target_value="130")
    response = client.post(
        reverse("opd:indicator_create", args=[program.pk]),
        _prefixed(f"ind-new-{program.pk}", data),
        headers={"HX-Request": "true"},
    )
    assert "antara 0 dan 100" in response.content.decode()
    assert not Indicator.objects.exists()


def test_staff_edits_an_indicator_row(client, dinkes_staff, complete_indicator):
    client.force_login(dinkes_staff)
    url = reverse("opd:indicator_edit", args=[complete_indicator.pk])
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert form.lstrip().startswith(
        f'<article class="indicator" id="indicator-{complete_indicator.pk}"'
    )
    assert "<form" in form
    changes = {"unit": "indeks", "baseline_value": "1.234,5"}  # not a count: decimals allowed
    room = complete_indicator.program.data_room
    data = _prefixed(f"ind-{complete_indicator.pk}", indicator_post(room, **changes))
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    complete_indicator.refresh_from_db()
    assert complete_indicator.baseline_value == Decimal("1234.5")
    assert "1.234,5" in response.content.decode()


def test_staff_adds_a_comparator(client, dinkes_staff, complete_indicator):
    client.force_login(dinkes_staff)
    data = _prefixed(
        f"cmp-new-{complete_indicator.pk}",
        {
            "label": "Kota Surabaya",
            "kind": "region",
            "value": "45,2",
            "year": "2017",
            "source": "Dinkes Surabaya",
        },
    )
    response = client.post(
        reverse("opd:comparator_create", args=[complete_indicator.pk]),
        data,
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert complete_indicator.comparators.filter(label="Kota Surabaya").exists()


def test_edit_needs_post_or_get_only(client, dinkes_staff, complete_indicator):
    client.force_login(dinkes_staff)
    url = reverse("opd:indicator_edit", args=[complete_indicator.pk])
    assert client.put(url).status_code == 405


def test_nothing_can_be_edited_while_submitted(
    client, dinkes_staff, complete_indicator, dinkes_room
):
    dinkes_room.status = DataRoom.Status.SUBMITTED
    dinkes_room.save()
    client.force_login(dinkes_staff)
    url = reverse("opd:indicator_edit", args=[complete_indicator.pk])
    data = _prefixed(f"ind-{complete_indicator.pk}", indicator_post(dinkes_room))
    response = client.post(url, data)
    assert response.status_code == 403
    assert "tidak dapat diubah" in response.content.decode()


# --- submission and review --------------------------------------------------------


def test_staff_cannot_submit(client, dinkes_staff, complete_indicator, dinkes):
    client.force_login(dinkes_staff)
    response = client.post(reverse("opd:submit", args=[dinkes.code]))
    assert response.status_code == 403
    assert "Hanya kepala OPD" in response.content.decode()
    assert not Submission.objects.exists()


def test_head_submits_and_a_version_is_frozen(
    client, dinkes_head, complete_indicator, dinkes, dinkes_room
):
    client.force_login(dinkes_head)
    response = client.post(reverse("opd:submit", args=[dinkes.code]))
    assert response.status_code == 302
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "submitted"
    submission = Submission.objects.get()
    assert submission.snapshot["programs"][0]["indicators"][0]["name"] == "Angka Kematian Ibu"
    assert AuditEntry.objects.filter(action="opd.dataroom.submit").exists()


def test_submit_needs_post(client, dinkes_head, dinkes_room, dinkes):
    client.force_login(dinkes_head)
    assert client.get(reverse("opd:submit", args=[dinkes.code])).status_code == 405


@pytest.fixture
def submitted_room(client, dinkes_head, dinkes_room, dinkes):
    client.force_login(dinkes_head)
    client.post(reverse("opd:submit", args=[dinkes.code]), {"confirm_incomplete": "1"})
    client.logout()
    dinkes_room.refresh_from_db()
    return dinkes_room


def test_only_bappeda_can_mark_ready(
    client, dinkes_head, complete_indicator, submitted_room, operator, dinkes
):
    url = reverse("opd:review_ready", args=[dinkes.code])
    client.force_login(dinkes_head)
    assert client.post(url).status_code == 403
    client.force_login(operator)
    assert client.post(url).status_code == 302
    submitted_room.refresh_from_db()
    assert submitted_room.status == "ready"


def test_an_incomplete_program_cannot_be_marked_ready(
    client, operator, dinkes_room, dinkes, dinkes_head
):
    make_indicator(dinkes_room, complete=False, name="Angka Kematian Bayi")
    client.force_login(dinkes_head)
    client.post(reverse("opd:submit", args=[dinkes.code]), {"confirm_incomplete": "1"})
    client.force_login(operator)
    response = client.post(reverse("opd:review_ready", args=[dinkes.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Angka Kematian Bayi" in body
    assert "target akhir usulan" in body
    assert "pembanding" in body
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "submitted"


def test_return_needs_a_comment_then_the_opd_sees_it(
    client, operator, complete_indicator, submitted_room, dinkes, dinkes_staff
):
    client.force_login(operator)
    response = client.post(reverse("opd:review_return", args=[dinkes.code]))
    assert "Tulis setidaknya satu komentar" in response.content.decode()
    client.post(
        reverse("opd:review_comment", args=[dinkes.code]),
        {
            "review-about": f"i{complete_indicator.pk}",
            "review-text": "Sumber baseline kurang resmi.",
        },
        headers={"HX-Request": "true"},
    )
    assert client.post(reverse("opd:review_return", args=[dinkes.code])).status_code == 302
    submitted_room.refresh_from_db()
    assert submitted_room.status == "returned"
    client.force_login(dinkes_staff)
    body = client.get(_room_url(dinkes)).content.decode()
    assert "Sumber baseline kurang resmi." in body


def test_review_queue_is_for_bappeda_only(client, operator, dinkes_staff, submitted_room):
    client.force_login(dinkes_staff)
    assert client.get(reverse("opd:review_queue")).status_code == 403
    client.force_login(operator)
    response = client.get(reverse("opd:review_queue"))
    assert response.status_code == 200
    assert "Dinas Kesehatan" in response.content.decode()


def test_review_queue_htmx_returns_the_table(client, operator, submitted_room):
    client.force_login(operator)
    response = client.get(
        reverse("opd:review_queue"), {"status": "submitted"}, headers={"HX-Request": "true"}
    )
    assert response.content.decode().lstrip().startswith('<div id="queue-table"')


def test_older_versions_stay_readable(
    client, operator, complete_indicator, submitted_room, dinkes_staff
):
    submission = submitted_room.submissions.get()
    client.force_login(dinkes_staff)
    response = client.get(reverse("opd:submission", args=[submission.pk]))
    assert response.status_code == 200
    assert "Angka Kematian Ibu" in response.content.decode()


def test_comparator_row_editing_keeps_the_row_on_errors(client, dinkes_staff, complete_indicator):
    comparator = complete_indicator.comparators.get()
    client.force_login(dinkes_staff)
    url = reverse("opd:comparator_edit", args=[comparator.pk])
    row = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert row.lstrip().startswith(f'<tr id="comparator-{comparator.pk}"')
    data = _prefixed(
        f"cmp-{comparator.pk}",
        {
            "label": "Jawa Timur",
            "kind": "province",
            "value": "sembilan",
            "year": "2017",
            "source": "Dinkes Jatim",
        },
    )
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response["HX-Retarget"] == f"#comparator-{comparator.pk}"
    assert 'value="sembilan"' in response.content.decode()
    data[f"cmp-{comparator.pk}-value"] = "92,25"
    response = client.post(url, data, headers={"HX-Request": "true"})
    comparator.refresh_from_db()
    assert comparator.value == Decimal("92.25")
    assert "92,25" in response.content.decode()


def test_comparator_edit_works_without_javascript(client, dinkes_staff, complete_indicator):
    comparator = complete_indicator.comparators.get()
    client.force_login(dinkes_staff)
    response = client.get(reverse("opd:comparator_edit", args=[comparator.pk]))
    assert response.status_code == 200
    assert "<html" in response.content.decode()
