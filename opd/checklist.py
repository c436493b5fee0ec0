"""Bappeda's completeness checklist for a data room (DESIGN.md §3.1).

Each indicator needs a strategic objective (the Perjanjian Kinerja lists it under
one), a baseline (value, year and source), a proposed end target, at least one
comparator and some supporting data; each program needs at least one indicator.
The checklist names exactly what is missing.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from opd.models import DataRoom, Indicator, Program, SupportingTable


@dataclass(frozen=True)
class Missing:
    """One thing the checklist misses, and the id of the page element it is about
    (``indicator-12``, ``program-3``, or "" for the room), so the page can link to it."""

    text: str
    anchor: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass
class ProgramCheck:
    program: Program
    missing: list[Missing] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


@dataclass
class Checklist:
    programs: list[ProgramCheck]
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.general and all(check.ok for check in self.programs)

    @property
    def items(self) -> list[Missing]:
        """What is missing, each with the program's name in front and where it is."""
        items = [Missing(text) for text in self.general]
        for check in self.programs:
            items += [
                Missing(f"{check.program.name}: {item.text}", item.anchor) for item in check.missing
            ]
        return items

    @property
    def problems(self) -> list[str]:
        return [item.text for item in self.items]


def programs_for_checklist(data_room: DataRoom):
    """The data room's programs with all the checklist reads, in a fixed number of queries."""
    indicators = Indicator.objects.select_related("objective").prefetch_related(
        "comparators",
        "cases",
        "attachments",
        Prefetch("supporting_tables", queryset=SupportingTable.objects.prefetch_related("rows")),
    )
    return data_room.programs.prefetch_related(Prefetch("indicators", queryset=indicators))


def indicator_missing(indicator: Indicator) -> list[str]:
    missing = []
    if indicator.objective_id is None:
        missing.append(_("a strategic objective"))
    if indicator.baseline_value is None:
        missing.append(_("baseline value"))
    if not indicator.baseline_year:
        missing.append(_("baseline year"))
    if not (indicator.baseline_source or "").strip():
        missing.append(_("baseline source"))
    if indicator.target_value is None or not indicator.target_year:
        missing.append(_("proposed end target and its year"))
    if not indicator.comparators.all():
        missing.append(_("at least one comparator"))
    has_rows = any(table.rows.all() for table in indicator.supporting_tables.all())
    if not (has_rows or indicator.cases.all() or indicator.attachments.all()):
        missing.append(_("supporting data (a breakdown table, a case example or a file)"))
    return missing


def data_room_checklist(data_room: DataRoom, programs=None) -> Checklist:
    programs = list(programs if programs is not None else programs_for_checklist(data_room))
    checks = []
    for program in programs:
        check = ProgramCheck(program)
        indicators = list(program.indicators.all())
        if not indicators:
            check.missing.append(Missing(_("no indicator yet"), f"program-{program.pk}"))
        for indicator in indicators:
            lacking = indicator_missing(indicator)
            if lacking:
                text = _("indicator “%(name)s” lacks %(items)s") % {
                    "name": indicator.name,
                    "items": ", ".join(lacking),
                }
                check.missing.append(Missing(text, f"indicator-{indicator.pk}"))
        checks.append(check)
    general = [] if programs else [_("the data room has no program yet")]
    return Checklist(checks, general)
