"""What changed between two versions of a data room, from their frozen snapshots.

Pure functions over the plain data of ``opd.services.data_room_snapshot`` (no database,
no Django), so a comparison reads exactly what was submitted. Programs and indicators
are matched by id, then by name (an Excel upload may recreate them); comparators by
label, tables and cases by title, rows by label, files by content hash, then by name.
Numbers are compared as numbers: "40.0000" and "40" are the same value.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"

PROGRAM_FIELDS = ("name", "kind", "description", "budget")
INDICATOR_FIELDS = (
    "name",
    "objective",
    "definition",
    "unit",
    "polarity",
    "range_min",
    "range_max",
    "aggregation",
    "data_source",
    "theme",
    "baseline_value",
    "baseline_year",
    "baseline_source",
    "target_value",
    "target_year",
)
NUMBER_FIELDS = {"budget", "range_min", "range_max", "baseline_value", "target_value", "value"}


@dataclass(frozen=True)
class Change:
    """One difference: a field's value, or a comparator, table, row, case or file
    (``field``) named ``subject`` that was added (``old`` is None), removed (``new`` is
    None) or changed."""

    field: str
    old: object
    new: object
    subject: str = ""

    @property
    def status(self) -> str:
        if self.old is None:
            return ADDED
        if self.new is None:
            return REMOVED
        return CHANGED


@dataclass
class Diff:
    """A program or an indicator in the two versions, and what changed in it."""

    kind: str
    old: dict | None
    new: dict | None
    changes: list[Change] = field(default_factory=list)
    children: list["Diff"] = field(default_factory=list)

    @property
    def name(self) -> str:
        return (self.new or self.old or {}).get("name", "")

    @property
    def status(self) -> str:
        if self.old is None:
            return ADDED
        if self.new is None:
            return REMOVED
        if self.changes or any(child.status != SAME for child in self.children):
            return CHANGED
        return SAME


@dataclass
class VersionDiff:
    programs: list[Diff]
    files: list[Change]

    @property
    def changed(self) -> bool:
        return bool(self.files) or any(p.status != SAME for p in self.programs)

    def counts(self) -> dict[str, int]:
        """How many programs and indicators were added, removed or changed."""
        counts = {
            f"{kind}_{status}": 0
            for kind in ("program", "indicator")
            for status in (ADDED, REMOVED, CHANGED)
        }
        for program in self.programs:
            if program.status != SAME:
                counts[f"program_{program.status}"] += 1
            for indicator in program.children:
                if indicator.status != SAME:
                    counts[f"indicator_{indicator.status}"] += 1
        return counts


def diff_snapshots(old: dict, new: dict) -> VersionDiff:
    """Compare two snapshots; ``old`` is the earlier version."""
    programs = [
        _diff_item("program", a, b, PROGRAM_FIELDS, _program_values, _diff_indicators)
        for a, b in _pair(old.get("programs", []), new.get("programs", []), _by_id_then_name)
    ]
    return VersionDiff(
        programs, _diff_files(old.get("attachments", []), new.get("attachments", []))
    )


def _diff_indicators(old_program: dict | None, new_program: dict | None) -> list[Diff]:
    pairs = _pair(
        (old_program or {}).get("indicators", []),
        (new_program or {}).get("indicators", []),
        _by_id_then_name,
    )
    return [
        _diff_item("indicator", a, b, INDICATOR_FIELDS, _indicator_values, None) for a, b in pairs
    ]


def _diff_item(kind, old, new, fields, values, children) -> Diff:
    diff = Diff(kind, old, new)
    old_values = values(old) if old else {}
    new_values = values(new) if new else {}
    for name in fields:
        a, b = old_values.get(name), new_values.get(name)
        if not _same(name, a, b):
            diff.changes.append(Change(name, _blank_to_none(a), _blank_to_none(b)))
    if kind == "indicator":
        diff.changes += _diff_parts(old or {}, new or {})
    if children:
        diff.children = children(old, new)
    return diff


def _program_values(program: dict) -> dict:
    return {name: program.get(name) for name in PROGRAM_FIELDS}


def _indicator_values(indicator: dict) -> dict:
    baseline = indicator.get("baseline") or {}
    target = indicator.get("target") or {}
    range_min, range_max = [*(indicator.get("range") or []), None, None][:2]
    return {
        "name": indicator.get("name"),
        # Snapshots from before strategic objectives existed have none.
        "objective": indicator.get("objective"),
        "definition": indicator.get("definition"),
        "unit": indicator.get("unit"),
        "polarity": indicator.get("polarity"),
        "range_min": range_min,
        "range_max": range_max,
        "aggregation": indicator.get("aggregation"),
        "data_source": indicator.get("data_source"),
        "theme": indicator.get("theme"),
        "baseline_value": baseline.get("value"),
        "baseline_year": baseline.get("year"),
        "baseline_source": baseline.get("source"),
        "target_value": target.get("value"),
        "target_year": target.get("year"),
    }


def _diff_parts(old: dict, new: dict) -> list[Change]:
    """Comparators, breakdown tables and their rows, case examples and files."""
    changes = []
    for a, b in _pair(old.get("comparators", []), new.get("comparators", []), _by_key("label")):
        if not _same_dict(a, b, ("kind", "value", "year", "source")):
            changes.append(Change("comparator", a, b, (b or a)["label"]))
    for a, b in _pair(
        old.get("supporting_tables", []), new.get("supporting_tables", []), _by_key("title")
    ):
        title = (b or a)["title"]
        if a is None or b is None or not _same_dict(a, b, ("value_label", "source")):
            changes.append(Change("table", a, b, title))
        if a is None or b is None:
            continue  # the whole table is added or removed: its rows go with it
        for row_a, row_b in _pair(a.get("rows", []), b.get("rows", []), _by_key("label")):
            if not _same_dict(row_a, row_b, ("value", "note")):
                changes.append(
                    Change("row", row_a, row_b, f"{title} › {(row_b or row_a)['label']}")
                )
    for a, b in _pair(old.get("cases", []), new.get("cases", []), _by_key("title")):
        if not _same_dict(a, b, ("description",)):
            changes.append(Change("case", a, b, (b or a)["title"]))
    changes += _diff_files(old.get("attachments", []), new.get("attachments", []))
    return changes


def _diff_files(old: list[dict], new: list[dict]) -> list[Change]:
    changes = []
    for a, b in _pair(old, new, _by_hash_then_name):
        if not _same_dict(a, b, ("name", "sha256")):
            changes.append(Change("file", a, b, (b or a)["name"]))
    return changes


# --- Matching ----------------------------------------------------------------------


def _pair(old: list[dict], new: list[dict], keys) -> list[tuple[dict | None, dict | None]]:
    """Pair the items of two lists: those of ``new`` in their order (with their match in
    ``old`` or None), then the unmatched ones of ``old``. ``keys`` gives, for an item,
    the keys to match on in turn: every item is first matched on the first key (an id),
    what is left on the second (a name)."""
    unmatched = list(old)
    matches: dict[int, dict] = {}
    for position in range(max((len(keys(item)) for item in [*old, *new]), default=0)):
        for index, item in enumerate(new):
            key = keys(item)[position]
            if index in matches or key is None:
                continue
            match = next((o for o in unmatched if keys(o)[position] == key), None)
            if match is not None:
                unmatched.remove(match)
                matches[index] = match
    pairs = [(matches.get(index), item) for index, item in enumerate(new)]
    return pairs + [(item, None) for item in unmatched]


def _by_id_then_name(item: dict) -> tuple:
    return (("id", item.get("id")) if item.get("id") is not None else None, _name_key(item, "name"))


def _by_key(name: str):
    return lambda item: (_name_key(item, name),)


def _by_hash_then_name(item: dict) -> tuple:
    return (("sha256", item.get("sha256")), _name_key(item, "name"))


def _name_key(item: dict, name: str):
    value = (item.get(name) or "").strip().casefold()
    return (name, value) if value else None


# --- Equality ----------------------------------------------------------------------


def _same_dict(a: dict | None, b: dict | None, fields) -> bool:
    if a is None or b is None:
        return False
    return all(_same(name, a.get(name), b.get(name)) for name in fields)


def _same(name: str, a, b) -> bool:
    a, b = _blank_to_none(a), _blank_to_none(b)
    if name in NUMBER_FIELDS and a is not None and b is not None:
        return _number(a) == _number(b)
    return a == b


def _number(value):
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value


def _blank_to_none(value):
    """An empty text and a missing value read the same to a person."""
    if isinstance(value, str) and not value.strip():
        return None
    return value
