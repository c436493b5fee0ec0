"""Reward and punishment (issue 11, DESIGN.md §8): rules that propose, the panel decides.

The rules are pure functions over verified report data; they only PROPOSE a
:class:`~monitoring.models.Sanction`, once per rule, unit and period (the model's
unique key), so running them again proposes nothing twice, and a proposal the panel
dismissed stays dismissed. Only the panel (the mayor) confirms or dismisses, with a
reason for a dismissal and, for a rompi, the words on its back and the days it is worn.

- ``very_low_twice``: a unit whose average achievement (the mean of its indicators'
  achievements in its newest verified report, as on the city dashboard) is in band
  ``very_low`` in two consecutive quarters (TW IV and the next TW I count) → a rompi
  "kinerja rendah", keyed by the second quarter.
- ``late_report``: a quarter's report first submitted more than ``LELANG_LATE_DAYS``
  (default 14) days after its due date, or not submitted and that late today → a rompi
  "suka terlambat", keyed by the quarter.
- ``all_targets_met``: all four quarters verified and, in TW IV (whose target is the
  year's), every indicator at or above its target (achievement ≥ 100) → a public
  recognition, keyed by the year (quarter 0).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.selectors import units_bound_in
from lelang.audit import audit_record
from opd.models import Official, Tenure
from opd.selectors import member_opd_ids

from . import achievement, dashboards
from .models import Quarter, Report, Sanction, days_late

DEFAULT_LATE_DAYS = 14
#: The words on the back of the rompi from the 2019 announcement (DESIGN.md §8).
VEST_WORDS = ("kinerja rendah", "kinerja lambat", "suka terlambat")
VEST_WORDS_MAX = 40
HUNDRED = Decimal(100)

Key = tuple[int, int, int]  # (opd_id, year, quarter)


def late_days_threshold() -> int:
    return int(getattr(settings, "LELANG_LATE_DAYS", DEFAULT_LATE_DAYS))


@dataclass(frozen=True)
class Proposal:
    rule: str
    kind: str
    opd_id: int
    year: int
    quarter: int
    facts: dict = field(default_factory=dict)
    vest_words: str = ""

    @property
    def key(self) -> tuple[str, int, int, int]:
        return (self.rule, self.opd_id, self.year, self.quarter)


def _previous(year: int, number: int) -> tuple[int, int]:
    return (year, number - 1) if number > 1 else (year - 1, 4)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- The rules: pure functions --------------------------------------------------


def rule_very_low_twice(averages: Mapping[Key, Decimal | None], year: int) -> list[Proposal]:
    """Units in band very_low in a quarter of ``year`` and in the quarter before it."""
    proposals = []
    for (opd_id, y, number), average in sorted(averages.items()):
        if y != year or achievement.band(average) != "very_low":
            continue
        py, pn = _previous(y, number)
        before = averages.get((opd_id, py, pn))
        if achievement.band(before) != "very_low":
            continue
        facts = {
            "quarters": [
                {"year": py, "quarter": pn, "average": _text(before)},
                {"year": y, "quarter": number, "average": _text(average)},
            ]
        }
        proposals.append(
            Proposal(
                Sanction.Rule.VERY_LOW_TWICE,
                Sanction.Kind.ROMPI,
                opd_id,
                y,
                number,
                facts,
                "kinerja rendah",
            )
        )
    return proposals


def rule_late_report(days_late: Mapping[Key, int], year: int, threshold: int) -> list[Proposal]:
    """Units whose report for a quarter of ``year`` was more than ``threshold`` days late."""
    return [
        Proposal(
            Sanction.Rule.LATE_REPORT,
            Sanction.Kind.ROMPI,
            opd_id,
            y,
            number,
            {"days_late": days, "threshold": threshold},
            "suka terlambat",
        )
        for (opd_id, y, number), days in sorted(days_late.items())
        if y == year and days > threshold
    ]


def rule_all_targets_met(
    verified_quarters: Mapping[int, set[int]],
    last_quarter: Mapping[int, list[Decimal | None]],
    year: int,
) -> list[Proposal]:
    """Units with all four quarters verified and every TW IV line at 100 % or more.

    ``verified_quarters``: per unit the quarters of ``year`` with a verified report;
    ``last_quarter``: per unit the achievements of its TW IV lines.
    """
    proposals = []
    for opd_id, values in sorted(last_quarter.items()):
        if verified_quarters.get(opd_id, set()) != {1, 2, 3, 4} or not values:
            continue
        if any(v is None or v < HUNDRED for v in values):
            continue
        proposals.append(
            Proposal(
                Sanction.Rule.ALL_TARGETS_MET,
                Sanction.Kind.RECOGNITION,
                opd_id,
                year,
                0,
                {"indicators": len(values), "lowest": _text(min(values))},
            )
        )
    return proposals


# --- Reading the data (a fixed number of queries) ---------------------------------


def _verified(year: int) -> list[dict]:
    rows = dashboards._lines(report__quarter__year__in=[year - 1, year])
    return dashboards._verified_rows(rows)


def unit_averages(verified: list[dict]) -> dict[Key, Decimal | None]:
    by_key: dict[Key, list] = defaultdict(list)
    for row in verified:
        key = (row["report__opd_id"], row["report__quarter__year"], row["report__quarter__number"])
        by_key[key].append(row["achievement"])
    return {key: dashboards._mean(values) for key, values in by_key.items()}


def late_by_unit(year: int, today: datetime.date | None = None) -> dict[Key, int]:
    """Days late per unit and quarter of ``year`` (``models.days_late``): the first
    submission's; never submitted, until the quarter was closed or until today."""
    today = today or timezone.localdate()
    due = {number: Quarter.default_due(year, number) for number in dashboards.QUARTER_NUMBERS}
    closed: dict[int, datetime.date] = {}
    for number, due_date, closed_at in Quarter.objects.filter(year=year).values_list(
        "number", "due_date", "closed_at"
    ):
        due[number] = due_date
        if closed_at is not None:
            closed[number] = timezone.localtime(closed_at).date()
    submitted: dict[tuple[int, int], datetime.date | None] = {}
    for opd_id, number, when in Report.objects.filter(quarter__year=year, revision=1).values_list(
        "opd_id", "quarter__number", "submitted_at"
    ):
        submitted[(opd_id, number)] = timezone.localtime(when).date() if when else None
    expected = units_bound_in(year)
    days: dict[Key, int] = {}
    for opd_id in expected | {opd for opd, _n in submitted}:
        for number in dashboards.QUARTER_NUMBERS:
            if Quarter(year=year, number=number).start > today:
                continue
            late = days_late(
                due[number],
                submitted_on=submitted.get((opd_id, number)),
                closed_on=closed.get(number),
                today=today,
            )
            if late > 0:
                days[(opd_id, year, number)] = late
    return days


def proposals_for(year: int, *, late_days: int | None = None, today=None) -> list[Proposal]:
    """What the rules propose for ``year`` (pure of any write)."""
    verified = _verified(year)
    averages = unit_averages(verified)
    verified_quarters: dict[int, set[int]] = defaultdict(set)
    last_quarter: dict[int, list] = defaultdict(list)
    for row in verified:
        if row["report__quarter__year"] != year:
            continue
        verified_quarters[row["report__opd_id"]].add(row["report__quarter__number"])
        if row["report__quarter__number"] == 4:
            last_quarter[row["report__opd_id"]].append(row["achievement"])
    threshold = late_days_threshold() if late_days is None else late_days
    return (
        rule_very_low_twice(averages, year)
        + rule_late_report(late_by_unit(year, today), year, threshold)
        + rule_all_targets_met(verified_quarters, last_quarter, year)
    )


def head_at(opd_id: int, on: datetime.date) -> Official | None:
    """The official who headed the unit on ``on`` (else its head today)."""
    for day in (on, timezone.localdate()):
        tenure = (
            Tenure.objects.current(day)
            .filter(position__opd_id=opd_id, position__is_head=True)
            .select_related("official")
            .order_by("is_acting", "-start_date")
            .first()
        )
        if tenure is not None:
            return tenure.official
    return None


def _period_end(year: int, quarter: int) -> datetime.date:
    return Quarter(year=year, number=quarter or 4).end


# --- Services -------------------------------------------------------------------


@transaction.atomic
def propose_consequences(
    year: int, user=None, *, late_days: int | None = None, request=None, is_demo: bool = False
) -> list[Sanction]:
    """Propose what the rules find for ``year``; returns the proposals made now."""
    if user is not None and not user.has_perm("monitoring.propose_sanctions"):
        raise PermissionDenied(_("Only the panel or the planning agency runs the rules."))
    existing = set(
        Sanction.objects.filter(year=year)
        .exclude(rule="")
        .values_list("rule", "opd_id", "year", "quarter")
    )
    made = []
    for proposal in proposals_for(year, late_days=late_days):
        if proposal.key in existing:
            continue
        existing.add(proposal.key)
        sanction = Sanction.objects.create(
            kind=proposal.kind,
            opd_id=proposal.opd_id,
            official=head_at(proposal.opd_id, _period_end(proposal.year, proposal.quarter)),
            year=proposal.year,
            quarter=proposal.quarter,
            rule=proposal.rule,
            facts=proposal.facts,
            vest_words=proposal.vest_words,
            is_demo=is_demo,
        )
        audit_record(
            action="monitoring.sanction.propose",
            actor=user,
            obj=sanction,
            after={"rule": sanction.rule, "kind": sanction.kind, "facts": sanction.facts},
            request=request,
        )
        made.append(sanction)
    return made


def _snapshot(sanction: Sanction) -> dict:
    return {
        "status": sanction.status,
        "kind": sanction.kind,
        "official": sanction.official_id,
        "vest_words": sanction.vest_words,
        "starts_on": sanction.starts_on,
        "ends_on": sanction.ends_on,
        "reason": sanction.reason,
    }


def _check_decide(sanction: Sanction, user) -> None:
    if not user.has_perm("monitoring.decide_sanction", sanction):
        if sanction.status != Sanction.Status.PROPOSED:
            raise ValidationError(_("This proposal has already been decided."))
        raise PermissionDenied(_("Only the panel confirms or dismisses a sanction."))


@transaction.atomic
def sanction_confirm(
    *,
    sanction: Sanction,
    user,
    vest_words: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
    request=None,
) -> Sanction:
    """The panel confirms a proposal; a rompi needs its words and the days it is worn."""
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    _check_decide(sanction, user)
    before = _snapshot(sanction)
    errors: dict[str, list[str]] = {}
    words = " ".join((vest_words or "").split())
    if sanction.kind == Sanction.Kind.ROMPI:
        if not words:
            errors["vest_words"] = [_("Choose or type the words on the back of the rompi.")]
        elif len(words) > VEST_WORDS_MAX:
            errors["vest_words"] = [
                _("At most %(max)d characters on the back of the rompi.") % {"max": VEST_WORDS_MAX}
            ]
        if starts_on is None:
            errors["starts_on"] = [_("Give the first day the rompi is worn.")]
        if ends_on is None:
            errors["ends_on"] = [_("Give the last day the rompi is worn.")]
        elif starts_on is not None and ends_on < starts_on:
            errors["ends_on"] = [_("The last day cannot be before the first day.")]
        if sanction.official_id is None:
            errors["__all__"] = [_("No official is known for this unit and period.")]
    if errors:
        raise ValidationError(errors)
    if sanction.kind == Sanction.Kind.ROMPI:
        sanction.vest_words, sanction.starts_on, sanction.ends_on = words, starts_on, ends_on
    sanction.status = Sanction.Status.CONFIRMED
    sanction.reason = (note or "").strip()
    sanction.decided_at = timezone.now()
    sanction.decided_by = user
    sanction.save()
    audit_record(
        action="monitoring.sanction.confirm",
        actor=user,
        obj=sanction,
        before=before,
        after=_snapshot(sanction),
        request=request,
    )
    return sanction


@transaction.atomic
def sanction_dismiss(*, sanction: Sanction, user, reason: str, request=None) -> Sanction:
    """The panel dismisses a proposal, always with a reason."""
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    _check_decide(sanction, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for dismissing the proposal.")]})
    before = _snapshot(sanction)
    sanction.status = Sanction.Status.DISMISSED
    sanction.reason = reason
    sanction.decided_at = timezone.now()
    sanction.decided_by = user
    sanction.save()
    audit_record(
        action="monitoring.sanction.dismiss",
        actor=user,
        obj=sanction,
        before=before,
        after=_snapshot(sanction),
        request=request,
    )
    return sanction


# --- Reads ----------------------------------------------------------------------


def sanctions_for_user(user, *, year: int | None = None, status: str | None = None):
    """What ``user`` may read: everything for the readers of every report; a unit's
    people only their own unit's confirmed ones. Proposed first."""
    qs = Sanction.objects.select_related("opd", "official", "decided_by")
    if not user.has_perm("monitoring.view_all_sanctions"):
        qs = qs.filter(opd_id__in=member_opd_ids(user), status=Sanction.Status.CONFIRMED)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    proposed_first = Case(
        When(status=Sanction.Status.PROPOSED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return qs.order_by(
        proposed_first,
        "-year",
        "-quarter",
        "opd__name",
        "pk",
    )


def get_sanction_for_user(user, pk: int) -> Sanction:
    sanction = Sanction.objects.select_related("opd", "official", "decided_by").filter(pk=pk)
    found = sanction.first()
    if found is None or not user.has_perm("monitoring.view_sanction", found):
        raise Http404
    return found
