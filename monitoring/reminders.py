"""Reminders before a report is due, escalation after (DESIGN.md §3.4).

``send_reminders(today)`` looks at every quarter that is not closed: a unit with
signed targets for the quarter's year whose report is not submitted gets, from
``REMIND_DAYS`` days before the due date, one reminder to its head and staff; once the
due date has passed, the planning agency's people get one escalation per unit, and
the unit one "late" notice. Everything goes through ``lelang.notifications.notify``
with a key per quarter, unit and kind: run it as often as you like.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from contracts.selectors import targets_in_force
from lelang.notifications import notify
from lelang.roles import Role
from opd.models import Opd, Tenure

from .models import Quarter, Report

REMIND_DAYS = 7


@dataclass
class Sent:
    reminders: int = 0
    late: int = 0
    escalations: int = 0


def _unit_people(opd: Opd, on: datetime.date):
    ids = Tenure.objects.current(on).filter(position__opd=opd).values("official__user_id")
    return get_user_model().objects.filter(
        pk__in=ids, is_active=True, role__in=[Role.OPD_HEAD, Role.OPD_STAFF]
    )


def _report_url(opd: Opd, quarter: Quarter) -> str:
    return reverse("monitoring:report", args=[opd.code, quarter.year, quarter.number])


def send_reminders(today: datetime.date) -> Sent:
    sent = Sent()
    units_by_year: dict[int, set[int]] = {}
    for (_indicator, year), entry in targets_in_force().items():
        units_by_year.setdefault(year, set()).add(entry["opd_id"])
    operators = list(
        get_user_model().objects.filter(role=Role.BAPPEDA, is_active=True).order_by("pk")
    )
    quarters = Quarter.objects.filter(
        closed_at__isnull=True, due_date__lte=today + datetime.timedelta(days=REMIND_DAYS)
    )
    for quarter in quarters.order_by("year", "number"):
        opd_ids = units_by_year.get(quarter.year, set())
        done = set(
            Report.objects.filter(
                quarter=quarter,
                opd_id__in=opd_ids,
                status__in=[Report.Status.SUBMITTED, Report.Status.VERIFIED],
            ).values_list("opd_id", flat=True)
        )
        for opd in Opd.objects.filter(pk__in=opd_ids - done).order_by("name"):
            url = _report_url(opd, quarter)
            facts = {
                "quarter": quarter,
                "opd": opd.name,
                "date": quarter.due_date.strftime("%d/%m/%Y"),
            }
            if today <= quarter.due_date:
                sent.reminders += len(
                    notify(
                        _unit_people(opd, today),
                        key=f"report-due:{quarter.year}-{quarter.number}:{opd.code}",
                        text=_("The %(quarter)s report of %(opd)s is due on %(date)s.") % facts,
                        url=url,
                    )
                )
                continue
            facts["days"] = (today - quarter.due_date).days
            sent.late += len(
                notify(
                    _unit_people(opd, today),
                    key=f"report-late:{quarter.year}-{quarter.number}:{opd.code}",
                    text=_(
                        "The %(quarter)s report of %(opd)s was due on %(date)s and is not "
                        "submitted yet; it is still accepted, marked late."
                    )
                    % facts,
                    url=url,
                )
            )
            sent.escalations += len(
                notify(
                    operators,
                    key=f"report-escalate:{quarter.year}-{quarter.number}:{opd.code}",
                    text=_("%(opd)s has not submitted its %(quarter)s report (due %(date)s).")
                    % facts,
                    url=url,
                )
            )
    return sent
