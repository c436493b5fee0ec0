"""Every change made in the back office is in the audit chain: passwords set for someone
else, roles, positions and tenures, inline rows, deletions and lifted lockouts."""

import datetime
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from auctions.models import AgendaItem, Auction, Session
from lelang.admin import AuditedAdminMixin, AuditedDeleteMixin
from lelang.audit import verify_chain
from lelang.models import AuditEntry
from opd.models import Official, Position, Tenure
from tests.factories import PASSWORD, TenureFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sandi-Baru-Kepala-2019!"


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# --- Passwords and roles ------------------------------------------------------------


def test_a_password_set_by_bappeda_for_a_head_is_in_the_chain(client, operator, dinkes_head):
    client.force_login(operator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[dinkes_head.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    dinkes_head.refresh_from_db()
    assert dinkes_head.check_password(NEW_PASSWORD)
    [entry] = entries("auth.password_reset")
    assert entry.actor == operator
    assert (entry.object_type, entry.object_id) == ("lelang.user", str(dinkes_head.pk))
    assert entry.after == {"usable_password": True}
    assert NEW_PASSWORD not in str(entry.after) + str(entry.before)
    assert verify_chain().ok


def test_a_refused_password_reset_writes_nothing(client, operator, dinkes_head):
    client.force_login(operator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[dinkes_head.pk]),
        {"password1": NEW_PASSWORD, "password2": "lain", "usable_password": "true"},
    )

    assert response.status_code == 200
    dinkes_head.refresh_from_db()
    assert dinkes_head.check_password(PASSWORD)
    assert entries("auth.password_reset") == []


def test_a_role_change_is_in_the_chain_with_before_and_after(client, operator, dinkes_staff):
    client.force_login(operator)
    response = client.post(
        reverse("admin:lelang_user_change", args=[dinkes_staff.pk]),
        {
            "username": dinkes_staff.username,
            "name": dinkes_staff.name,
            "email": dinkes_staff.email,
            "role": "opd_head",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = entries("lelang.user.change")
    assert (entry.before["role"], entry.after["role"]) == ("opd_staff", "opd_head")
    assert "password" not in entry.after
    assert entry.actor == operator


def test_saving_without_changes_adds_no_entry(client, operator, dinkes_staff):
    client.force_login(operator)
    client.post(
        reverse("admin:lelang_user_change", args=[dinkes_staff.pk]),
        {
            "username": dinkes_staff.username,
            "name": dinkes_staff.name,
            "email": dinkes_staff.email,
            "role": dinkes_staff.role,
            "is_active": "on",
        },
    )
    assert entries("lelang.user.change") == []


# --- Positions and tenures -----------------------------------------------------------


def test_a_position_change_is_in_the_chain(client, operator, dinkes_head, dinkes):
    position = Position.objects.get(opd=dinkes, is_head=True)
    client.force_login(operator)
    response = client.post(
        reverse("admin:opd_position_change", args=[position.pk]),
        {"opd": dinkes.pk, "title": "Kepala Dinas Kesehatan Kota", "is_head": ""},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    [entry] = entries("opd.position.change")
    assert entry.before["is_head"] is True
    assert entry.after == {**entry.before, "title": "Kepala Dinas Kesehatan Kota", "is_head": False}


def test_tenures_added_ended_and_removed_inline_are_each_in_the_chain(
    client, operator, dinkes_head, dinkes
):
    official = Official.objects.get(user=dinkes_head)
    tenure = Tenure.objects.get(official=official)
    spare = TenureFactory(official=official, position__opd=dinkes)
    head_position = Position.objects.get(opd=dinkes, is_head=True)
    client.force_login(operator)
    data = {
        "name": official.name,
        "nip": official.nip,
        "user": dinkes_head.pk,
        **management("tenures", total=3, initial=2),
        # The current tenure ends.
        "tenures-0-id": tenure.pk,
        "tenures-0-official": official.pk,
        "tenures-0-position": head_position.pk,
        "tenures-0-start_date": "01/01/2018",
        "tenures-0-end_date": "31/12/2018",
        # The spare one is removed.
        "tenures-1-id": spare.pk,
        "tenures-1-official": official.pk,
        "tenures-1-position": spare.position_id,
        "tenures-1-start_date": "01/01/2018",
        "tenures-1-DELETE": "on",
        # A new one, acting.
        "tenures-2-official": official.pk,
        "tenures-2-position": head_position.pk,
        "tenures-2-start_date": "01/01/2019",
        "tenures-2-is_acting": "on",
    }

    response = client.post(reverse("admin:opd_official_change", args=[official.pk]), data)

    assert response.status_code == 302, response.content.decode()[:4000]
    [changed] = entries("opd.tenure.change")
    assert (changed.before["end_date"], changed.after["end_date"]) == (None, "2018-12-31")
    [deleted] = entries("opd.tenure.delete")
    assert deleted.object_id == str(spare.pk)
    [added] = entries("opd.tenure.add")
    assert added.after["is_acting"] is True
    assert {changed.actor, deleted.actor, added.actor} == {operator}
    assert verify_chain().ok


# --- Sessions: agenda items inline, deletions with their cascade ---------------------


@pytest.fixture
def planned_session(period, dinkes, dindik):
    auction = Auction.objects.create(name="Lelang Kinerja Uji", period=period)
    session = Session.objects.create(
        auction=auction, title="Hari 1", date=datetime.date(2018, 12, 3)
    )
    AgendaItem.objects.create(session=session, order=1, opd=dinkes)
    return session


def session_form(session, **extra):
    return {
        "auction": session.auction_id,
        "title": session.title,
        "date": "03/12/2018",
        "venue": session.venue,
        "day": "1",
        "round": "1",
        "status": session.status,
        **extra,
    }


def test_agenda_items_changed_inline_in_the_session_admin_are_in_the_chain(
    client, operator, planned_session, dindik
):
    item = planned_session.items.get()
    client.force_login(operator)
    data = session_form(
        planned_session,
        **management("items", total=2, initial=1),
        **{
            "items-0-id": item.pk,
            "items-0-session": planned_session.pk,
            "items-0-order": "2",
            "items-0-opd": item.opd_id,
            "items-0-time_box": item.time_box,
            "items-1-session": planned_session.pk,
            "items-1-order": "1",
            "items-1-opd": dindik.pk,
            "items-1-time_box": "20",
        },
    )

    response = client.post(
        reverse("admin:auctions_session_change", args=[planned_session.pk]), data
    )

    assert response.status_code == 302, response.content.decode()[:4000]
    [moved] = entries("auctions.agendaitem.change")
    assert (moved.before["order"], moved.after["order"]) == (1, 2)
    [added] = entries("auctions.agendaitem.add")
    assert added.after["opd"] == dindik.pk
    # The session itself did not change: no entry for it.
    assert entries("auctions.session.change") == []


def test_a_deletion_in_the_back_office_is_in_the_chain(admin_client, admin_user, planned_session):
    planned_session.items.all().delete()  # a session with items has read-only records

    response = admin_client.post(
        reverse("admin:auctions_session_delete", args=[planned_session.pk]), {"post": "yes"}
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Session.objects.exists()
    [entry] = entries("auctions.session.delete")
    assert entry.before["title"] == "Hari 1"
    assert entry.actor == admin_user


def test_a_deletion_records_the_rows_it_takes_with_it(admin_user, planned_session):
    item, session_pk = planned_session.items.get(), planned_session.pk
    request = RequestFactory().post("/admin/")
    request.user = admin_user

    admin.site._registry[Session].delete_model(request, planned_session)

    assert not AgendaItem.objects.exists()
    [session_entry] = entries("auctions.session.delete")
    [item_entry] = entries("auctions.agendaitem.delete")
    assert item_entry.object_id == str(item.pk)
    assert item_entry.after == {"cascade_from": f"auctions.session:{session_pk}"}
    assert session_entry.seq < item_entry.seq


def test_a_bulk_deletion_records_each_row(client, operator, dinkes):
    positions = [Position.objects.create(opd=dinkes, title=f"Staf {n}") for n in range(3)]
    client.force_login(operator)

    response = client.post(
        reverse("admin:opd_position_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [p.pk for p in positions]},
    )

    assert response.status_code == 302
    assert sorted(e.object_id for e in entries("opd.position.delete")) == sorted(
        str(p.pk) for p in positions
    )


# --- Lockouts ------------------------------------------------------------------------


def lock(client, username):
    for _attempt in range(5):
        client.post(reverse("login"), {"username": username, "password": "salah-sandi"})


def test_lifting_a_lockout_in_the_back_office_names_who_lifted_it(client, operator, dinkes_head):
    lock(client, "kadinkes")
    attempt = AccessAttempt.objects.get(username="kadinkes")
    client.force_login(operator)

    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not AccessAttempt.objects.exists()
    [entry] = entries("auth.unlock")
    assert entry.actor == operator
    assert (entry.object_type, entry.object_id) == ("lelang.user", str(dinkes_head.pk))
    assert entry.before["failures"] == 5
    assert verify_chain().ok


def test_deleting_an_attempt_that_locks_nobody_is_recorded_as_a_deletion(
    client, operator, dinkes_head
):
    client.post(reverse("login"), {"username": "kadinkes", "password": "salah-sandi"})
    attempt = AccessAttempt.objects.get(username="kadinkes")
    client.force_login(operator)

    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert entries("auth.unlock") == []
    [entry] = entries("axes.accessattempt.delete")
    assert entry.before["username"] == "kadinkes"
    assert "post_data" not in entry.before


@pytest.mark.parametrize("command", [("axes_reset_username", "kadinkes"), ("axes_reset",)])
def test_lifting_a_lock_on_the_server_is_in_the_chain(client, dinkes_head, command):
    lock(client, "kadinkes")

    call_command(*command, stdout=StringIO())

    [entry] = entries("auth.unlock")
    assert entry.actor is None
    assert entry.object_id == str(dinkes_head.pk)
    assert entry.after == {"source": "server"}


def test_a_successful_login_resets_attempts_without_an_unlock_entry(client, dinkes_head):
    client.post(reverse("login"), {"username": "kadinkes", "password": "salah-sandi"})
    client.post(reverse("login"), {"username": "kadinkes", "password": PASSWORD})
    assert not AccessAttempt.objects.exists()
    assert entries("auth.unlock") == []


# --- No admin is left out ------------------------------------------------------------


def test_every_admin_that_can_write_is_audited(admin_user):
    """A superuser may do everything an admin offers: whatever adds or changes must be an
    AuditedModelAdmin, whatever only deletes must at least audit its deletions."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        writes = model_admin.has_add_permission(request) or model_admin.has_change_permission(
            request
        )
        deletes = model_admin.has_delete_permission(request)
        audited = AuditedAdminMixin if writes else AuditedAdminMixin | AuditedDeleteMixin
        if (writes or deletes) and not isinstance(model_admin, audited):
            unaudited.append(model._meta.label)
    assert unaudited == []
