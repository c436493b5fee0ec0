"""Reminders before the due date, late notices and escalation after it — never twice."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from contracts import services as contract_services
from lelang.models import Notification
from monitoring import services
from monitoring.reminders import send_reminders
from tests.factories import PASSWORD


@pytest.fixture
def signed(pact, dinkes_head, mayor, dinkes_staff, operator):
    contract_services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    contract_services.document_sign(document=pact, user=mayor, password=PASSWORD)
    for user in (dinkes_head, dinkes_staff, operator):
        user.email = f"{user.username}@example.invalid"
        user.save()
    return pact


@pytest.fixture
def quarter(db):
    return services.quarter_get(2019, 1)  # due 10 April 2019


def keys(user):
    return sorted(Notification.objects.filter(user=user).values_list("key", flat=True))


def test_a_reminder_a_week_before_then_late_notice_and_escalation(
    signed, quarter, dinkes_head, dinkes_staff, operator
):
    nothing = send_reminders(datetime.date(2019, 3, 20))
    assert (nothing.reminders, nothing.late, nothing.escalations) == (0, 0, 0)

    before = send_reminders(datetime.date(2019, 4, 5))
    assert before.reminders == 2  # the head and the staff
    assert keys(dinkes_staff) == ["report-due:2019-1:dinkes"]
    assert keys(operator) == []
    assert len(mail.outbox) == 2

    again = send_reminders(datetime.date(2019, 4, 6))  # runs daily: nothing twice
    assert (again.reminders, again.late, again.escalations) == (0, 0, 0)
    assert len(mail.outbox) == 2

    after = send_reminders(datetime.date(2019, 4, 15))
    assert (after.late, after.escalations) == (2, 1)
    assert "report-escalate:2019-1:dinkes" in keys(operator)
    note = Notification.objects.get(user=operator)
    assert note.url == reverse("monitoring:report", args=["dinkes", 2019, 1])


def test_nothing_once_submitted_or_the_quarter_closed(
    signed, quarter, dinkes, dinkes_staff, dinkes_head, operator
):
    report = services.report_open(opd=dinkes, quarter=quarter, user=dinkes_staff)
    for line in report.lines.all():
        services.line_save(line=line, user=dinkes_staff, realization=Decimal("45"))
    services.report_submit(report=report, user=dinkes_head)
    assert send_reminders(datetime.date(2019, 4, 20)).escalations == 0
    other = services.quarter_get(2019, 2)
    services.quarter_close(quarter=other, user=operator)
    assert send_reminders(datetime.date(2019, 7, 20)).escalations == 0


def test_the_command_prints_what_it_sent(signed, quarter):
    out = io.StringIO()
    call_command("send_report_reminders", "--today", "2019-04-05", stdout=out)
    assert "2" in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("send_report_reminders", "--today", "5/4/2019", stdout=io.StringIO())


def test_the_notification_page_lists_and_marks_read(client, signed, quarter, dinkes_staff):
    send_reminders(datetime.date(2019, 4, 5))
    client.force_login(dinkes_staff)
    home = client.get(reverse("home")).content.decode()
    assert "(1)" in home
    page = client.get(reverse("notifications"))
    assert "TW I 2019" in page.content.decode()
    report = reverse("monitoring:report", args=["dinkes", 2019, 1])
    assert f'href="{report}"' in page.content.decode()  # the reminder leads to the report
    opened = client.get(report)
    assert opened.status_code == 200 and opened.context["can_open"]
    assert report in mail.outbox[0].body  # and so does its e-mail
    client.post(reverse("notifications"))
    assert not Notification.objects.filter(user=dinkes_staff, read_at__isnull=True).exists()
