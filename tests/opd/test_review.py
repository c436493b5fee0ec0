"""The data room without traps: every save updates the checklist, an incomplete room is
submitted only after the head confirms, a comment in the box goes with a return, Bappeda
can reopen a ready room, and what the live session holds cannot be deleted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lelang.models import AuditEntry
from opd import services
from opd.models import Attachment, DataRoom, Indicator, Program, ReviewComment, Submission
from tests.opd.conftest import make_indicator

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _room_url(opd):
    return reverse("opd:data_room", args=[opd.code])


def _submitted(room, head):
    services.data_room_submit(data_room=room, user=head, confirm_incomplete=True)
    room.refresh_from_db()
    return room


# --- every save updates the checklist ----------------------------------------------


def test_a_save_answers_with_the_checklist_out_of_band(client, dinkes_staff, dinkes_room):
    indicator = make_indicator(dinkes_room)
    indicator.comparators.all().delete()
    client.force_login(dinkes_staff)
    prefix = f"cmp-new-{indicator.pk}"
    response = client.post(
        reverse("opd:comparator_create", args=[indicator.pk]),
        {
            f"{prefix}-label": "Jawa Timur",
            f"{prefix}-kind": "province",
            f"{prefix}-value": "91,5",
            f"{prefix}-year": "2017",
            f"{prefix}-source": "Dinkes Jatim",
        },
        headers=HTMX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<article class="indicator" id="indicator-{indicator.pk}"')
    checklist = body[body.index('id="checklist"') :]
    assert 'hx-swap-oob="true"' in checklist
    assert "check--ok" in checklist  # the comparator was the last thing missing


def test_the_checklist_links_each_missing_item_to_its_indicator(client, dinkes_staff, dinkes_room):
    indicator = make_indicator(dinkes_room, complete=False)
    client.force_login(dinkes_staff)
    body = client.get(_room_url(dinkes_room.opd)).content.decode()
    assert f'<a href="#indicator-{indicator.pk}">' in body


def test_a_failing_save_also_answers_with_the_checklist(client, dinkes_staff, dinkes_room):
    indicator = make_indicator(dinkes_room, complete=False)
    client.force_login(dinkes_staff)
    prefix = f"cmp-new-{indicator.pk}"
    response = client.post(
        reverse("opd:comparator_create", args=[indicator.pk]),
        {f"{prefix}-label": "Jawa Timur", f"{prefix}-value": "banyak"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert 'class="field field--error"' in body
    assert 'id="checklist" aria-labelledby="checklist-title" hx-swap-oob="true"' in body


# --- an incomplete room is submitted only after the head confirms -----------------


def test_the_head_sees_what_is_missing_before_submitting(client, dinkes_head, dinkes_room):
    make_indicator(dinkes_room, complete=False, name="Angka Kematian Bayi")
    client.force_login(dinkes_head)
    response = client.post(reverse("opd:submit", args=[dinkes_room.opd.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Angka Kematian Bayi" in body and "target akhir usulan" in body
    assert 'name="confirm_incomplete" value="1"' in body
    assert not Submission.objects.exists()
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "draft"


def test_the_head_may_submit_an_incomplete_room_and_it_is_audited(client, dinkes_head, dinkes_room):
    make_indicator(dinkes_room, complete=False, name="Angka Kematian Bayi")
    client.force_login(dinkes_head)
    url = reverse("opd:submit", args=[dinkes_room.opd.code])
    response = client.post(url, {"confirm_incomplete": "1"})
    assert response.status_code == 302
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "submitted"
    entry = AuditEntry.objects.get(action="opd.dataroom.submit")
    assert any("Angka Kematian Bayi" in line for line in entry.after["submitted_incomplete"])


def test_a_complete_room_is_submitted_without_a_question(client, dinkes_head, complete_indicator):
    client.force_login(dinkes_head)
    response = client.post(reverse("opd:submit", args=["dinkes"]))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="opd.dataroom.submit")
    assert "submitted_incomplete" not in entry.after


def test_bappeda_still_refuses_ready_for_a_room_submitted_incomplete(
    client, operator, dinkes_head, dinkes_room
):
    make_indicator(dinkes_room, complete=False)
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    client.post(reverse("opd:review_ready", args=["dinkes"]))
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "submitted"


# --- a comment in the box goes with the decision ----------------------------------


def test_a_typed_comment_and_return_are_one_step_and_bappeda_stays_on_the_room(
    client, operator, dinkes_head, complete_indicator, dinkes_room
):
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    response = client.post(
        reverse("opd:review_return", args=["dinkes"]),
        {
            "review-about": f"i{complete_indicator.pk}",
            "review-text": "Sumber baseline kurang resmi.",
        },
        follow=True,
    )
    assert response.redirect_chain == [(_room_url(dinkes_room.opd), 302)]
    body = response.content.decode()
    assert "Dikembalikan ke Dinas Kesehatan beserta komentar Anda." in body
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "returned"
    comment = ReviewComment.objects.get()
    assert (comment.text, comment.indicator) == (
        "Sumber baseline kurang resmi.",
        complete_indicator,
    )
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["opd.dataroom.comment", "opd.dataroom.return"]


def test_with_htmx_the_decision_reloads_the_room(
    client, operator, dinkes_head, complete_indicator, dinkes_room
):
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    response = client.post(
        reverse("opd:review_return", args=["dinkes"]),
        {"review-about": "", "review-text": "Lengkapi pembanding nasional."},
        headers=HTMX,
    )
    assert response["HX-Redirect"] == _room_url(dinkes_room.opd)
    assert ReviewComment.objects.get().subject == ""


def test_return_without_any_comment_is_refused_in_the_panel(
    client, operator, dinkes_head, complete_indicator, dinkes_room
):
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    response = client.post(
        reverse("opd:review_return", args=["dinkes"]), {"review-text": "  "}, headers=HTMX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card card--review" id="review-panel"')
    assert "Tulis setidaknya satu komentar" in body
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "submitted"


def test_adding_an_empty_comment_is_refused_but_the_box_does_not_block_the_decisions(
    client, operator, dinkes_head, complete_indicator, dinkes_room
):
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    page = client.get(_room_url(dinkes_room.opd)).content.decode()
    textarea = page[page.index('<textarea name="review-text"') :].split(">", 1)[0]
    assert "required" not in textarea  # "Return" and "Mark ready" work with an empty box
    response = client.post(
        reverse("opd:review_comment", args=["dinkes"]), {"review-text": " "}, headers=HTMX
    )
    assert "field--error" in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_a_refused_ready_keeps_the_typed_comment_and_saves_nothing(
    client, operator, dinkes_head, dinkes_room
):
    make_indicator(dinkes_room, complete=False)
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    response = client.post(
        reverse("opd:review_ready", args=["dinkes"]),
        {"review-text": "Catatan untuk sesi."},
        headers=HTMX,
    )
    body = response.content.decode()
    assert "belum dapat ditandai siap" in body
    assert "Catatan untuk sesi.</textarea>" in body
    assert not ReviewComment.objects.exists()


def test_a_note_typed_before_mark_ready_is_kept_with_the_version(
    client, operator, dinkes_head, complete_indicator, dinkes_room
):
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    response = client.post(
        reverse("opd:review_ready", args=["dinkes"]), {"review-text": "Siap dipaparkan."}
    )
    assert response.url == _room_url(dinkes_room.opd)
    dinkes_room.refresh_from_db()
    assert dinkes_room.status == "ready"
    assert ReviewComment.objects.get().text == "Siap dipaparkan."


def test_the_unit_cannot_decide_its_own_review(
    client, dinkes_head, complete_indicator, dinkes_room
):
    _submitted(dinkes_room, dinkes_head)
    client.force_login(dinkes_head)
    url = reverse("opd:review_return", args=["dinkes"])
    assert client.post(url, {"review-text": "Sendiri"}).status_code == 403
    assert not ReviewComment.objects.exists()


def test_the_review_panel_links_to_what_changed_since_the_last_version(
    client, operator, dinkes_head, complete_indicator, dinkes_room
):
    _submitted(dinkes_room, dinkes_head)
    services.data_room_return(data_room=dinkes_room, user=operator, comment="Perbaiki.")
    _submitted(dinkes_room, dinkes_head)
    client.force_login(operator)
    body = client.get(_room_url(dinkes_room.opd)).content.decode()
    assert reverse("opd:versions", args=["dinkes"]) + "?old=1&amp;new=2" in body


# --- Bappeda reopens a ready room -------------------------------------------------


@pytest.fixture
def ready_room(dinkes_room, dinkes_head, operator, complete_indicator):
    _submitted(dinkes_room, dinkes_head)
    services.data_room_mark_ready(data_room=dinkes_room, user=operator)
    dinkes_room.refresh_from_db()
    return dinkes_room


def test_bappeda_reopens_a_ready_room_with_a_reason_the_unit_reads(
    client, operator, dinkes_staff, ready_room
):
    client.force_login(operator)
    url = reverse("opd:reopen", args=["dinkes"])
    response = client.post(url, {"reopen-reason": "Target AKI perlu diselaraskan dengan RPJMD."})
    assert response.url == _room_url(ready_room.opd)
    ready_room.refresh_from_db()
    assert ready_room.status == "returned"
    submission = ready_room.submissions.get()
    assert submission.outcome == "ready"  # what happened to that version stays true
    assert submission.reopened_by == operator
    entry = AuditEntry.objects.get(action="opd.dataroom.reopen")
    assert entry.after["reason"] == "Target AKI perlu diselaraskan dengan RPJMD."
    assert entry.before == {"status": "ready"}

    client.force_login(dinkes_staff)
    body = client.get(_room_url(ready_room.opd)).content.decode()
    assert "Target AKI perlu diselaraskan dengan RPJMD." in body
    assert "dibuka kembali" in body
    assert reverse("opd:indicator_edit", args=[Indicator.objects.get().pk]) in body  # editable


def test_reopening_needs_a_reason(client, operator, ready_room):
    client.force_login(operator)
    response = client.post(
        reverse("opd:reopen", args=["dinkes"]), {"reopen-reason": ""}, headers=HTMX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card card--review" id="reopen-panel"')
    assert "field--error" in body
    ready_room.refresh_from_db()
    assert ready_room.status == "ready"
    assert not AuditEntry.objects.filter(action="opd.dataroom.reopen").exists()


def test_only_bappeda_reopens_and_only_a_ready_room(
    client, operator, dinkes_head, ready_room, dindik_room
):
    url = reverse("opd:reopen", args=["dinkes"])
    client.force_login(dinkes_head)
    assert client.post(url, {"reopen-reason": "Mau ubah"}).status_code == 403
    client.force_login(operator)
    assert client.get(url).status_code == 405
    dindik_url = reverse("opd:reopen", args=["dindik"])
    assert client.post(dindik_url, {"reopen-reason": "Belum siap"}).status_code == 403


def test_the_reopen_form_is_offered_to_bappeda_on_a_ready_room_only(
    client, operator, dinkes_staff, ready_room
):
    client.force_login(dinkes_staff)
    assert 'id="reopen-panel"' not in client.get(_room_url(ready_room.opd)).content.decode()
    client.force_login(operator)
    assert 'id="reopen-panel"' in client.get(_room_url(ready_room.opd)).content.decode()


def test_the_service_refuses_to_reopen_a_draft(operator, dinkes_room):
    with pytest.raises(services.ValidationError):
        services.data_room_reopen(data_room=dinkes_room, reason="Coba", user=operator)


# --- what the live session holds cannot be deleted --------------------------------


@pytest.fixture
def offered_indicator(ready_room, dinkes, mayor, operator):
    """An offer names the room's indicator; then Bappeda reopens the room."""
    import datetime

    from auctions import services as auction_services
    from auctions.models import AgendaItem, Auction, Session

    auction = Auction.objects.create(name="Lelang Kinerja", period=ready_room.period)
    session = Session.objects.create(
        auction=auction, title="Hari 1", date=datetime.date(2018, 12, 3)
    )
    item = AgendaItem.objects.create(session=session, opd=dinkes, order=1)
    auction_services.item_start(item=item, user=operator)
    indicator = Indicator.objects.get(program__data_room=ready_room)
    values = {(indicator.pk, year): 45 for year in range(2019, 2024)}
    auction_services.offer_issue(
        item=item, opd=dinkes, deadline_year=2023, values=values, send_anyway=True, user=mayor
    )
    services.data_room_reopen(data_room=ready_room, reason="Perbaiki sumber", user=operator)
    return indicator


def test_an_indicator_with_offers_is_not_deleted_and_the_unit_is_told_why(
    client, dinkes_staff, offered_indicator
):
    client.force_login(dinkes_staff)
    response = client.post(
        reverse("opd:indicator_delete", args=[offered_indicator.pk]), headers=HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "tidak dapat dihapus" in body
    assert "5 target yang ditawarkan" in body
    assert Indicator.objects.filter(pk=offered_indicator.pk).exists()
    assert not AuditEntry.objects.filter(action="opd.indicator.delete").exists()


def test_a_program_whose_indicator_has_offers_is_not_deleted(
    client, dinkes_staff, offered_indicator
):
    client.force_login(dinkes_staff)
    program = offered_indicator.program
    response = client.post(reverse("opd:program_delete", args=[program.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "tidak dapat dihapus" in body and offered_indicator.name in body
    assert Program.objects.filter(pk=program.pk).exists()


def test_an_indicator_without_offers_is_still_deleted(client, dinkes_staff, dinkes_room):
    indicator = make_indicator(dinkes_room)
    client.force_login(dinkes_staff)
    client.post(reverse("opd:indicator_delete", args=[indicator.pk]), headers=HTMX)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_deleting_a_program_with_htmx_leaves_a_line_in_its_place(
    client, dinkes_staff, complete_indicator
):
    client.force_login(dinkes_staff)
    program = complete_indicator.program
    response = client.post(reverse("opd:program_delete", args=[program.pk]), headers=HTMX)
    body = response.content.decode()
    assert body.startswith(f'<p class="message message--success" id="program-{program.pk}"')
    assert "dihapus" in body
    assert 'hx-swap-oob="true"' in body
    assert not Program.objects.exists()


# --- an upload is seen where it is listed -----------------------------------------


@pytest.fixture(autouse=False)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, indicator=None, **headers):
    data = {"file-file": SimpleUploadedFile("laporan.pdf", PDF), "file-description": "AKI"}
    if indicator:
        data["file-indicator"] = str(indicator.pk)
    return client.post(reverse("opd:attachment_upload", args=["dinkes"]), data, headers=headers)


def test_an_upload_to_an_indicator_shows_the_file_in_the_list_and_the_indicator(
    client, dinkes_staff, dinkes_room, media_root
):
    indicator = make_indicator(dinkes_room, complete=False)
    client.force_login(dinkes_staff)
    body = _upload(client, indicator, **HTMX).content.decode()
    assert body.lstrip().startswith('<section class="card" id="files"')
    files, rest = body.split(f'<article class="indicator" id="indicator-{indicator.pk}"', 1)
    assert "laporan.pdf" in files and 'class="is-new"' in files
    assert f'href="#indicator-{indicator.pk}"' in files
    assert rest.startswith(' hx-swap-oob="true"')
    assert "laporan.pdf" in rest.split('id="checklist"')[0]


def test_without_javascript_an_upload_leads_to_where_the_file_is_listed(
    client, dinkes_staff, dinkes_room, media_root
):
    indicator = make_indicator(dinkes_room, complete=False)
    client.force_login(dinkes_staff)
    response = _upload(client, indicator)
    assert response.url == f"{_room_url(dinkes_room.opd)}#indicator-{indicator.pk}"


def test_deleting_a_file_with_htmx_updates_the_list(client, dinkes_staff, dinkes_room, media_root):
    client.force_login(dinkes_staff)
    _upload(client)
    attachment = Attachment.objects.get()
    response = client.post(reverse("opd:attachment_delete", args=[attachment.pk]), headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="files"')
    assert "laporan.pdf" not in body
    assert not Attachment.objects.exists()


def test_a_data_room_is_still_opened_by_bappeda_from_the_queue(client, operator, dinkes_room):
    client.force_login(operator)
    body = client.get(_room_url(dinkes_room.opd)).content.decode()
    assert reverse("opd:review_queue") in body
    assert DataRoom.objects.count() == 1
