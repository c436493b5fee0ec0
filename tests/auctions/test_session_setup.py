"""Bappeda plans sessions in the app (create, edit) and runs the agenda with "Next item";
the console's display-link tools (copy, QR code, revoke)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from auctions import services
from auctions.models import AgendaItem, Auction, Session
from lelang.models import AuditEntry

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}

FORM = {
    "title": "Lelang Kinerja Hari 3 — Badan",
    "day": "3",
    "round": "1",
    "date": "17/12/2018",
    "venue": "Ngalam Command Center",
}


def indonesian(message: str) -> str:
    """What the page says for ``message`` (Indonesian, once translated)."""
    with translation.override("id"):
        return gettext(message)


def _form(auction, **changes) -> dict:
    return {**FORM, "auction": str(auction.pk), **changes}


# --- Creating a session ------------------------------------------------------------


def test_bappeda_creates_a_session_with_a_date_typed_the_indonesian_way(client, operator, auction):
    client.force_login(operator)
    response = client.post(reverse("auctions:session_create"), _form(auction))

    session = Session.objects.get(title=FORM["title"])
    assert response.status_code == 302
    assert response.url == reverse("auctions:console", args=[session.pk])
    assert session.date == datetime.date(2018, 12, 17)
    assert (session.auction, session.day, session.round) == (auction, 3, 1)
    assert session.status == Session.Status.PLANNED
    assert not session.items.exists()
    entry = AuditEntry.objects.get(action="auctions.session.create")
    assert entry.actor_id == operator.pk
    assert entry.after["date"] == "2018-12-17"
    assert entry.after["title"] == FORM["title"]


def test_a_date_picker_value_is_accepted_too(client, operator, auction):
    client.force_login(operator)
    client.post(reverse("auctions:session_create"), _form(auction, date="2018-12-17"))
    assert Session.objects.get(title=FORM["title"]).date == datetime.date(2018, 12, 17)


def test_the_session_list_offers_new_session_and_edit_to_bappeda(client, operator, session):
    client.force_login(operator)
    body = client.get(reverse("auctions:list")).content.decode()
    assert reverse("auctions:session_create") in body
    assert reverse("auctions:session_edit", args=[session.pk]) in body


def test_the_panel_sees_the_list_without_planning_links(client, mayor, session):
    client.force_login(mayor)
    body = client.get(reverse("auctions:list")).content.decode()
    assert reverse("auctions:session_create") not in body
    assert reverse("auctions:session_edit", args=[session.pk]) not in body


def test_the_form_speaks_indonesian_and_proposes_the_usual_venue(client, operator, auction):
    client.force_login(operator)
    body = client.get(reverse("auctions:session_create")).content.decode()
    assert 'value="Ngalam Command Center"' in body
    assert 'placeholder="dd/mm/yyyy"' in body
    assert indonesian("Day/month/year, e.g. 12/11/2018.") in body
    assert auction.name in body  # chosen from the existing auctions


def test_invalid_input_keeps_what_was_typed_and_says_what_is_wrong(client, operator, auction):
    client.force_login(operator)
    response = client.post(
        reverse("auctions:session_create"), _form(auction, date="31/02/2018", title="Hari 3")
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert not Session.objects.filter(title="Hari 3").exists()
    assert 'value="31/02/2018"' in body  # as typed, not emptied
    assert 'value="Hari 3"' in body
    assert indonesian("Type the date as day/month/year, e.g. 12/11/2018.") in body
    assert "field--error" in body


def test_a_month_first_date_is_not_misread(client, operator, auction):
    client.force_login(operator)
    client.post(reverse("auctions:session_create"), _form(auction, date="12/17/2018"))
    assert not Session.objects.filter(title=FORM["title"]).exists()


def test_a_second_session_on_the_same_day_and_round_is_refused(client, operator, session):
    client.force_login(operator)
    response = client.post(
        reverse("auctions:session_create"),
        _form(session.auction, day=str(session.day), round=str(session.round)),
    )
    assert response.status_code == 200
    assert Session.objects.filter(auction=session.auction).count() == 1
    assert session.title in response.content.decode()  # names the session it clashes with


def test_htmx_gets_the_form_back_with_its_errors(client, operator, auction):
    client.force_login(operator)
    response = client.post(reverse("auctions:session_create"), _form(auction, title=""), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<form") or 'id="session-form"' in body
    assert "<html" not in body
    assert "field--error" in body


def test_htmx_success_sends_the_browser_to_the_console(client, operator, auction):
    client.force_login(operator)
    response = client.post(reverse("auctions:session_create"), _form(auction), headers=HX)
    session = Session.objects.get(title=FORM["title"])
    assert response["HX-Redirect"] == reverse("auctions:console", args=[session.pk])


@pytest.mark.parametrize("persona", ["dinkes_staff", "dinkes_head", "mayor", "inspector"])
def test_only_bappeda_plans_sessions(client, request, persona, auction, session):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("auctions:session_create")).status_code == 403
    assert client.post(reverse("auctions:session_create"), _form(auction)).status_code == 403
    edit = reverse("auctions:session_edit", args=[session.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _form(auction, title="Diubah")).status_code == 403
    session.refresh_from_db()
    assert session.title == "Hari 1"
    assert Session.objects.count() == 1


def test_a_visitor_is_sent_to_log_in(client, auction):
    response = client.get(reverse("auctions:session_create"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_planning_pages_refuse_other_methods(client, operator, session):
    client.force_login(operator)
    assert client.put(reverse("auctions:session_create")).status_code == 405
    assert client.delete(reverse("auctions:session_edit", args=[session.pk])).status_code == 405


# --- Editing a session ---------------------------------------------------------------


def test_bappeda_edits_a_session_and_the_audit_keeps_before_and_after(client, operator, session):
    client.force_login(operator)
    edit = reverse("auctions:session_edit", args=[session.pk])
    form = client.get(edit).content.decode()
    assert 'value="03/12/2018"' in form  # the stored date, written the Indonesian way

    response = client.post(
        edit, _form(session.auction, title="Hari 1 (diundur)", date="04/12/2018")
    )

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Hari 1 (diundur)"
    assert session.date == datetime.date(2018, 12, 4)
    entry = AuditEntry.objects.get(action="auctions.session.update")
    assert entry.before["title"] == "Hari 1"
    assert entry.after["title"] == "Hari 1 (diundur)"
    assert entry.before["date"] == "2018-12-03"
    assert entry.after["date"] == "2018-12-04"


def test_editing_a_closed_session_is_refused(client, operator, session):
    session.status = Session.Status.CLOSED
    session.save()
    client.force_login(operator)
    edit = reverse("auctions:session_edit", args=[session.pk])
    page = client.get(edit).content.decode()
    assert indonesian("This session is closed; it can no longer be changed.") in page

    response = client.post(edit, _form(session.auction, title="Ditulis ulang"))

    assert response.status_code == 200
    assert indonesian("This session is closed; it can no longer be changed.") in (
        response.content.decode()
    )
    session.refresh_from_db()
    assert session.title == "Hari 1"
    assert not AuditEntry.objects.filter(action="auctions.session.update").exists()


def test_the_service_refuses_a_closed_session_too(operator, session):
    session.status = Session.Status.CLOSED
    session.save()
    with pytest.raises(ValidationError):
        services.session_update(session=session, title="Ditulis ulang", user=operator)


def test_the_auction_stays_once_the_agenda_has_items(operator, item, period):
    other = Auction.objects.create(name="Lelang Kinerja 2024–2029", period=period)
    with pytest.raises(ValidationError) as refused:
        services.session_update(session=item.session, auction=other, user=operator)
    assert "auction" in refused.value.message_dict
    item.session.refresh_from_db()
    assert item.session.auction != other


def test_an_edit_reaches_the_screens(operator, session, monkeypatch):
    published = []
    monkeypatch.setattr("lelang.events.publish", published.append)
    services.session_update(session=session, title="Hari 1 — Dinas", user=operator)
    assert published == [session.topic]


# --- "Next item" in the console --------------------------------------------------------


@pytest.fixture
def agenda(item, dindik, ready_dinkes, period):
    """Dinas Kesehatan first, then Dinas Pendidikan (both ready)."""
    from opd.models import DataRoom
    from tests.opd.conftest import make_indicator

    make_indicator(DataRoom.objects.create(opd=dindik, period=period, status="ready"))
    second = AgendaItem.objects.create(session=item.session, opd=dindik, order=2)
    return item, second


def test_next_item_starts_the_first_waiting_item_in_agenda_order(client, operator, agenda):
    first, second = agenda
    services.item_move(item=second, up=True, user=operator)  # Pendidikan now comes first
    client.force_login(operator)

    response = client.post(reverse("auctions:item_next", args=[first.session_id]), headers=HX)

    assert "alert--success" in response.content.decode()
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.state == "presenting"
    assert first.state == "waiting"
    first.session.refresh_from_db()
    assert first.session.current_item == second
    assert AuditEntry.objects.filter(action="auctions.item.presenting").count() == 1


def test_next_item_is_refused_while_an_item_is_on_stage(client, operator, agenda):
    first, second = agenda
    services.item_start(item=first, user=operator)
    client.force_login(operator)

    response = client.post(reverse("auctions:item_next", args=[first.session_id]), headers=HX)

    body = response.content.decode()
    assert "alert--error" in body
    assert first.title in body  # says what is still on stage
    second.refresh_from_db()
    assert second.state == "waiting"


def test_next_item_is_refused_when_nothing_waits(client, operator, session):
    client.force_login(operator)
    response = client.post(reverse("auctions:item_next", args=[session.pk]), headers=HX)
    assert indonesian("No item is waiting on the agenda.") in response.content.decode()


def test_next_item_is_refused_on_a_closed_session(operator, agenda):
    first, _second = agenda
    Session.objects.filter(pk=first.session_id).update(status=Session.Status.CLOSED)
    with pytest.raises(ValidationError):
        services.item_next(session=first.session, user=operator)
    first.refresh_from_db()
    assert first.state == "waiting"


def test_next_item_without_htmx_goes_back_to_the_console(client, operator, agenda):
    first, _second = agenda
    client.force_login(operator)
    response = client.post(reverse("auctions:item_next", args=[first.session_id]))
    assert response.status_code == 302
    assert response.url == reverse("auctions:console", args=[first.session_id])
    first.refresh_from_db()
    assert first.state == "presenting"


def test_next_item_needs_a_post(client, operator, session):
    client.force_login(operator)
    assert client.get(reverse("auctions:item_next", args=[session.pk])).status_code == 405


@pytest.mark.parametrize("persona", ["dinkes_staff", "dinkes_head", "mayor"])
def test_only_bappeda_moves_to_the_next_item(client, request, persona, agenda):
    first, _second = agenda
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("auctions:item_next", args=[first.session_id]), headers=HX)
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.state == "waiting"


# --- The console's display-link tools -------------------------------------------------


def test_the_console_has_copy_qr_renew_and_next_item(client, operator, session):
    client.force_login(operator)
    body = client.get(reverse("auctions:console", args=[session.pk])).content.decode()

    assert 'data-copy="display-link"' in body
    assert "js/console.js" in body
    assert '<svg width="' in body and 'class="qr"' in body  # drawn on the server
    renew = reverse("auctions:display_renew", args=[session.pk])
    button = body[body.index(f'hx-post="{renew}"') :].split(">", 1)[0]
    assert "hx-confirm=" in button
    assert reverse("auctions:item_next", args=[session.pk]) in body
    assert reverse("auctions:session_edit", args=[session.pk]) in body


def test_the_qr_code_encodes_the_display_link(client, operator, session):
    import segno

    client.force_login(operator)
    body = client.get(reverse("auctions:console", args=[session.pk])).content.decode()
    link = f"http://testserver/layar/{session.display_token}/"
    expected = segno.make(link, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")
    path = expected[expected.index("<path") :]
    assert path.split('d="', 1)[1].split('"', 1)[0] in body
