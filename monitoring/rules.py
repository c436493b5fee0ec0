"""Who may read, draft, submit and verify quarterly reports (django-rules).

A unit's people read and draft their own unit's reports; only the official who holds
the unit's head position today submits; Bappeda verifies or returns; the panel, the
inspectors and the command center's monitoring staff read every report.
"""

import rules

from lelang.roles import Role, has_role, is_bappeda
from opd.selectors import head_opd_ids, member_opd_ids

reads_every_report = has_role(Role.BAPPEDA, Role.PANEL, Role.INSPECTOR, Role.MONITORING)


def _opd_id(obj):
    return getattr(obj, "opd_id", None) if obj is not None else None


@rules.predicate
def is_member_of_report_unit(user, report) -> bool:
    return (
        report is not None
        and user.role in (Role.OPD_HEAD, Role.OPD_STAFF)
        and _opd_id(report) in member_opd_ids(user)
    )


@rules.predicate
def holds_report_unit_head(user, report) -> bool:
    return (
        report is not None and user.role == Role.OPD_HEAD and _opd_id(report) in head_opd_ids(user)
    )


@rules.predicate
def report_is_editable(user, report) -> bool:
    return report is not None and report.is_editable


@rules.predicate
def report_is_submitted(user, report) -> bool:
    return report is not None and report.status == report.Status.SUBMITTED


@rules.predicate
def quarter_is_open(user, report) -> bool:
    return report is not None and not report.quarter.is_closed


@rules.predicate
def belongs_to_a_unit(user) -> bool:
    return bool(member_opd_ids(user))


rules.add_perm(
    "monitoring.view_reports",
    reads_every_report | (has_role(Role.OPD_HEAD, Role.OPD_STAFF) & belongs_to_a_unit),
)
rules.add_perm("monitoring.view_report", reads_every_report | is_member_of_report_unit)
rules.add_perm(
    "monitoring.edit_report", is_member_of_report_unit & report_is_editable & quarter_is_open
)
rules.add_perm(
    "monitoring.submit_report", holds_report_unit_head & report_is_editable & quarter_is_open
)
rules.add_perm("monitoring.review_report", is_bappeda & report_is_submitted)
rules.add_perm("monitoring.correct_report", is_bappeda)
rules.add_perm("monitoring.manage_quarters", is_bappeda)
rules.add_perm("monitoring.view_dashboards", reads_every_report)
# Back office: read-only for those who read every report.
rules.add_perm("monitoring", reads_every_report)
for model in ("quarter", "reportline", "evidence"):
    rules.add_perm(f"monitoring.view_{model}", reads_every_report)

# Reward and punishment (monitoring.consequences): the readers of every report see
# every proposal; a unit's people see only their own unit's confirmed ones; only the
# panel decides, and only while a proposal is open.


@rules.predicate
def sanction_is_proposed(user, sanction) -> bool:
    return sanction is not None and sanction.status == sanction.Status.PROPOSED


@rules.predicate
def sanction_is_confirmed(user, sanction) -> bool:
    return sanction is not None and sanction.status == sanction.Status.CONFIRMED


rules.add_perm("monitoring.view_all_sanctions", reads_every_report)
rules.add_perm(
    "monitoring.view_sanctions",
    reads_every_report | (has_role(Role.OPD_HEAD, Role.OPD_STAFF) & belongs_to_a_unit),
)
rules.add_perm(
    "monitoring.view_sanction",
    reads_every_report | (is_member_of_report_unit & sanction_is_confirmed),
)
rules.add_perm("monitoring.decide_sanction", has_role(Role.PANEL) & sanction_is_proposed)
rules.add_perm("monitoring.propose_sanctions", has_role(Role.PANEL, Role.BAPPEDA))
