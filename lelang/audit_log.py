"""Reading the audit trail as people do: action names in words, before/after as a list
of changed fields, and the filters of the audit log page (person, unit, action, dates).

Actions are stored as dotted names (``opd.indicator.change``) and stay so in the chain;
only their presentation is translated here.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models import CharField, ForeignObjectRel, Q
from django.db.models.functions import Cast
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lelang.numbers import format_number

#: Actions with a name of their own. Model changes (``<app>.<model>.add|change|delete``)
#: are named from the model instead (``MODEL_VERBS``); anything else shows its raw name.
ACTION_LABELS = {
    "auth.login": gettext_lazy("Logged in"),
    "auth.logout": gettext_lazy("Logged out"),
    "auth.login_failed": gettext_lazy("Failed login"),
    "auth.locked_out": gettext_lazy("Account locked after wrong passwords"),
    "auth.unlock": gettext_lazy("Account lock lifted"),
    "auth.password_change": gettext_lazy("Changed own password"),
    "auth.password_reset": gettext_lazy("Set another person's password"),
    "lelang.user.role": gettext_lazy("Role changed"),
    "lelang.audit.export": gettext_lazy("Audit log exported"),
    "axes.accessattempt.cleanup": gettext_lazy("Expired login attempts cleaned up"),
    "demo.seed": gettext_lazy("Demo data loaded"),
    "opd.dataroom.submit": gettext_lazy("Data room submitted"),
    "opd.dataroom.comment": gettext_lazy("Review comment written"),
    "opd.dataroom.return": gettext_lazy("Data room returned to the OPD"),
    "opd.dataroom.ready": gettext_lazy("Data room marked ready"),
    "opd.dataroom.reopen": gettext_lazy("Data room reopened"),
    "opd.dataroom.import": gettext_lazy("Excel workbook imported"),
    "opd.dataroom.export": gettext_lazy("Excel workbook downloaded"),
    "opd.attachment.download": gettext_lazy("File downloaded"),
    "opd.official.add": gettext_lazy("Official recorded"),
    "opd.tenure.end": gettext_lazy("Tenure ended"),
    "opd.tenure.appoint_acting": gettext_lazy("Acting head (Plt.) appointed"),
    "auctions.session.create": gettext_lazy("Session planned"),
    "auctions.session.update": gettext_lazy("Session changed"),
    "auctions.session.live": gettext_lazy("Session started"),
    "auctions.session.close": gettext_lazy("Session closed"),
    "contracts.document.prepare": gettext_lazy("Document prepared"),
    "contracts.document.amend": gettext_lazy("Amendment prepared"),
    "contracts.document.sign.head": gettext_lazy("Document signed by the head"),
    "contracts.document.sign.mayor": gettext_lazy("Document countersigned"),
    "contracts.document.seal": gettext_lazy("Document sealed"),
    "contracts.document.bad_password": gettext_lazy("Wrong password when signing"),
    "contracts.document.download": gettext_lazy("Document downloaded"),
    "contracts.evidence.download": gettext_lazy("Evidence pack downloaded"),
    "auctions.item.add": gettext_lazy("Agenda item added"),
    "auctions.item.move": gettext_lazy("Agenda item moved"),
    "auctions.item.hand_over": gettext_lazy("Head position handed over"),
    "auctions.item.waiting": gettext_lazy("Agenda item waiting again"),
    "auctions.item.presenting": gettext_lazy("Agenda item on stage"),
    "auctions.item.negotiating": gettext_lazy("Negotiation opened"),
    "auctions.item.accepted": gettext_lazy("Agenda item accepted"),
    "auctions.item.refused": gettext_lazy("Agenda item refused"),
    "auctions.item.signed": gettext_lazy("Agenda item signed"),
    "auctions.item.postponed": gettext_lazy("Agenda item postponed"),
    "auctions.offer.issue": gettext_lazy("Offer sent"),
    "auctions.decision.accept": gettext_lazy("Answer: willing"),
    "auctions.decision.refuse": gettext_lazy("Answer: not willing"),
    "auctions.decision.counter": gettext_lazy("Answer: other values proposed"),
    "auctions.decision.bad_password": gettext_lazy("Wrong password on an answer"),
    "auctions.agreed.supersede": gettext_lazy("Agreed targets superseded"),
    "auctions.indicator.reopen": gettext_lazy("Agreed indicator reopened"),
    "auctions.display.renew": gettext_lazy("Display link renewed"),
    "auctions.projector.focus": gettext_lazy("Indicator shown on the projector"),
    "auctions.timer.pause": gettext_lazy("Timer paused"),
    "auctions.timer.resume": gettext_lazy("Timer resumed"),
    "auctions.timer.plus": gettext_lazy("Timer extended by a minute"),
    "auctions.timer.restart": gettext_lazy("Timer restarted"),
}

MODEL_VERBS = {
    "add": gettext_lazy("%(model)s added"),
    "change": gettext_lazy("%(model)s changed"),
    "delete": gettext_lazy("%(model)s deleted"),
}

#: Keys of before/after payloads that are not a model's fields.
KEY_LABELS = {
    "username": gettext_lazy("username"),
    "account": gettext_lazy("account"),
    "failures": gettext_lazy("wrong passwords in a row"),
    "ip_address": gettext_lazy("IP address"),
    "usable_password": gettext_lazy("password can be used"),
    "cascade_from": gettext_lazy("deleted together with"),
    "source": gettext_lazy("source"),
    "file": gettext_lazy("file"),
    "deleted": gettext_lazy("deleted"),
    "rows": gettext_lazy("rows"),
    "filters": gettext_lazy("filters"),
    "version": gettext_lazy("version"),
    "reason": gettext_lazy("reason"),
}

#: Values of such keys that are codes, in words.
KEY_VALUES = {
    "account": {"unknown": gettext_lazy("no such account (the name typed is not kept)")},
    "reason": {"idle": gettext_lazy("no activity for the idle time")},
    "source": {"server": gettext_lazy("a command on the server")},
}

EMPTY = "—"


def _model(label: str) -> type[models.Model] | None:
    if not label or label.count(".") != 1:
        return None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def action_label(action: str) -> str:
    """The action in the reader's language, e.g. "Indikator diubah"; else the raw name."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    label, _dot, verb = action.rpartition(".")
    model = _model(label)
    if model is not None and verb in MODEL_VERBS:
        return capfirst(str(MODEL_VERBS[verb]) % {"model": model._meta.verbose_name})
    return action


def action_choices(actions) -> list[tuple[str, str]]:
    """(raw name, label) for a filter menu, ordered by label."""
    return sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1].lower())


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: there was no "before" (a creation)
    after: str | None  # None: there is no "after" (a deletion)


def _related_text(model, pk, cache: dict) -> str:
    key = (model._meta.label, str(pk))
    if key not in cache:
        try:
            obj = model._default_manager.filter(pk=pk).first()
        except (ValueError, TypeError):
            obj = None
        cache[key] = str(obj) if obj is not None else f"#{pk}"
    return cache[key]


def _shown(field, value, cache: dict) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.many_to_many and isinstance(value, list):
            return ", ".join(_related_text(field.related_model, pk, cache) for pk in value)
        if field.is_relation:
            return _related_text(field.related_model, value, cache)
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            moment = parse_datetime(value)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT") if moment else value
        if isinstance(field, models.DateField) and isinstance(value, str):
            day = parse_date(value)
            return formats.date_format(day, "SHORT_DATE_FORMAT") if day else value
        if isinstance(field, models.DecimalField | models.FloatField):
            try:
                return format_number(Decimal(str(value)))
            except (InvalidOperation, ValueError):
                return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _field(model, key):
    """The model's own field stored under ``key``, or None: a key that names a reverse
    relation (an offer's "targets", a report's "lines") is a value of the entry's own."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return None if isinstance(field, ForeignObjectRel) else field


def _key_label(model, key) -> str:
    field = _field(model, key)
    if field is not None and hasattr(field, "verbose_name"):
        return capfirst(str(field.verbose_name))
    if key in KEY_LABELS:
        return capfirst(str(KEY_LABELS[key]))
    return capfirst(key.replace("_", " "))


def changes(entry, cache: dict | None = None) -> list[Change]:
    """The entry's before/after as "field: old → new", only what differs.

    A creation lists what was set; a deletion what was there. ``cache`` keeps the
    names of related objects across entries (one query per object, not per entry)."""
    cache = {} if cache is None else cache
    before, after = entry.before, entry.after
    if not isinstance(before, dict) or not isinstance(after, dict):
        # Not field-shaped (or one side missing): show the whole payload once.
        before = before if isinstance(before, dict) else ({"": before} if before else None)
        after = after if isinstance(after, dict) else ({"": after} if after else None)
    model = _model(entry.object_type)
    keys = list(dict.fromkeys([*(before or {}), *(after or {})]))
    rows = []
    for key in keys:
        if key == "id":
            continue
        old = (before or {}).get(key)
        new = (after or {}).get(key)
        if before is not None and after is not None and old == new:
            continue
        if before is None and new in (None, "", [], False):
            continue  # a creation: list what was set, not every empty field
        field = _field(model, key)
        if field is None and key in KEY_VALUES:
            old, new = (KEY_VALUES[key].get(v, v) for v in (old, new))
        rows.append(
            Change(
                field=_key_label(model, key) if key else "",
                before=None if before is None else _shown(field, old, cache),
                after=None if after is None else _shown(field, new, cache),
            )
        )
    return rows


def changes_text(entry, cache: dict | None = None) -> str:
    """The changes on one line, for the CSV export."""
    parts = []
    for change in changes(entry, cache):
        prefix = f"{change.field}: " if change.field else ""
        if change.before is None:
            parts.append(f"{prefix}{change.after}")
        elif change.after is None:
            parts.append(f"{prefix}{change.before} → {EMPTY}")
        else:
            parts.append(f"{prefix}{change.before} → {change.after}")
    return "; ".join(parts)


# --- Filters ----------------------------------------------------------------------------


def person_filter(user) -> Q:
    """What the person did, and what was done to their account."""
    return Q(actor_id=user.pk) | Q(object_type="lelang.user", object_id=str(user.pk))


#: model label → the path from that model to its OPD.
UNIT_PATHS = {
    "opd.opd": "pk",
    "opd.position": "opd",
    "opd.tenure": "position__opd",
    "opd.dataroom": "opd",
    "opd.program": "data_room__opd",
    "opd.strategicobjective": "data_room__opd",
    "opd.indicator": "program__data_room__opd",
    "opd.comparator": "indicator__program__data_room__opd",
    "opd.supportingtable": "indicator__program__data_room__opd",
    "opd.supportingrow": "table__indicator__program__data_room__opd",
    "opd.caseexample": "indicator__program__data_room__opd",
    "opd.attachment": "data_room__opd",
    "opd.submission": "data_room__opd",
    "opd.reviewcomment": "submission__data_room__opd",
    "auctions.agendaitem": "opd",
    "auctions.negotiation": "opd",
    "auctions.offer": "negotiation__opd",
    "auctions.decision": "offer__negotiation__opd",
    "auctions.agreedtarget": "negotiation__opd",
    "contracts.document": "opd",
}


def unit_filter(opd) -> Q:
    """Entries about the unit's own records, and what its people did (those who ever
    held a position there)."""
    from opd.models import Official

    query = Q(pk__in=[])
    for label, path in UNIT_PATHS.items():
        model = _model(label)
        if model is None:
            continue
        try:  # a path that no longer exists (a model changed) is skipped, not a 500
            ids = (
                model._default_manager.filter(**{path: opd.pk})
                .annotate(audit_id=Cast("pk", CharField()))
                .values("audit_id")
            )
        except FieldError:
            continue
        query |= Q(object_type=label, object_id__in=ids)
    people = Official.objects.filter(tenures__position__opd=opd, user__isnull=False).values(
        "user_id"
    )
    return query | Q(actor_id__in=people)


def date_bounds(date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    query = Q()
    if date_from:
        query &= Q(created_at__date__gte=date_from)
    if date_to:
        query &= Q(created_at__date__lte=date_to)
    return query
