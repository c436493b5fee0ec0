"""The audit trail: one function to write it, one to verify it.

Every feature records its events through ``audit_record``; nothing else writes
``AuditEntry`` rows. The content of each entry is hashed together with the hash
of the entry before it, so the log is a chain that ``verify_chain`` can check.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext as _

from lelang.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    """Normalise a payload to exactly what a JSON column gives back.

    Floats become their text: PostgreSQL's jsonb would return 1e20 as an integer,
    and the recomputed hash would no longer match.
    """
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder), parse_float=str)


def _normalise_ip(ip: str | None) -> str | None:
    """The address exactly as GenericIPAddressField will store it (and hash it)."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 6:
        return clean_ipv6_address(str(address).split("%")[0])
    return str(address)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes resolved it (proxy-aware), else REMOTE_ADDR."""
    if request is None:
        return None
    return _normalise_ip(
        getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    )


def snapshot(instance: models.Model | None, exclude: tuple[str, ...] = ()) -> dict | None:
    """A JSON-ready dict of a model instance's editable fields, for before/after."""
    if instance is None:
        return None
    data = model_to_dict(instance, exclude=exclude)
    for key, value in list(data.items()):
        if isinstance(value, list):  # many-to-many: keep primary keys only
            data[key] = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "name") and hasattr(value, "url"):  # file fields
            data[key] = value.name or ""
    return _jsonable(data)


def entry_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    ip: str | None,
    prev_hash: str,
) -> str:
    content = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "ip": ip,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "ip",
    "prev_hash",
)


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(**{name: getattr(entry, name) for name in HASHED_FIELDS})


def locked_head() -> AuditChainHead:
    """The chain-head row, locked until the transaction ends: appending waits here."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
        except IntegrityError:
            pass  # another writer created it first
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    before: Any = None,
    after: Any = None,
    request: HttpRequest | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Append one event to the audit chain, inside the caller's transaction.

    ``action`` is a dotted verb such as ``"auth.login"`` or ``"opd.opd.change"``;
    ``actor`` defaults to the request's user.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    head = locked_head()
    fields = {
        "seq": head.seq + 1,
        "created_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": actor.get_username() if actor is not None else "",
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_repr": (object_repr if object_repr is not None else str(obj or ""))[:200],
        "before": _jsonable(before),
        "after": _jsonable(after),
        "ip": client_ip(request),
        "prev_hash": head.hash or GENESIS_HASH,
    }
    entry = AuditEntry.objects.create(**fields, hash=entry_hash(**fields))
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""


def verify_chain() -> ChainReport:
    """Walk the whole chain in order and report the first entry that does not fit."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, expected_seq - 1, prev_hash, expected_seq, "missing")
        if entry.prev_hash != prev_hash:
            return ChainReport(False, checked, entry.seq, prev_hash, entry.seq, "link")
        if _hash_of(entry) != entry.hash:
            return ChainReport(False, checked, entry.seq, prev_hash, entry.seq, "content")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    last_seq = expected_seq - 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if head_seq != last_seq or (last_seq and head_hash != prev_hash):
        # Rows after the last one we saw were removed (or the head was edited).
        return ChainReport(False, checked, last_seq, prev_hash, last_seq + 1, "truncated")
    return ChainReport(True, checked, last_seq, prev_hash)


def chain_head() -> tuple[int, str]:
    """The newest entry's seq and hash, as kept in the chain-head row."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS_HASH)


@dataclass(frozen=True)
class HeadCheck:
    """How the chain compares with a head hash written down outside the database."""

    ok: bool
    head_seq: int
    found_seq: int | None  # where the written-down hash is in the chain, if anywhere


def check_expected_head(expected: str, *, appended_ok: bool = False) -> HeadCheck:
    """Compare the chain with a head hash kept outside the database (``audit_head``).

    The chain links every entry to the one before, so when an intact chain still
    contains the written-down hash, nothing up to that entry was rewritten. With
    ``appended_ok`` entries added since are fine; otherwise the head must be it.
    """
    expected = expected.strip().lower()
    head_seq, head_hash = chain_head()
    found = AuditEntry.objects.filter(hash=expected).values_list("seq", flat=True).first()
    if head_hash == expected and head_seq:
        found = head_seq
    ok = found is not None and (found == head_seq or appended_ok)
    return HeadCheck(ok, head_seq, found)


def describe_head_check(check: HeadCheck) -> str:
    if check.found_seq is None:
        return _(
            "Audit head DIFFERS: the written-down hash is nowhere in the chain, so the chain "
            "was rewritten or replaced (the head is now #%(head)s)."
        ) % {"head": check.head_seq}
    if check.found_seq == check.head_seq:
        return _("The written-down hash is the current head, #%(seq)s.") % {"seq": check.head_seq}
    return _(
        "Audit head differs: the written-down hash is entry #%(seq)s; %(count)s entries "
        "were added after it (the head is now #%(head)s)."
    ) % {
        "seq": check.found_seq,
        "count": check.head_seq - check.found_seq,
        "head": check.head_seq,
    }


def describe_report(report: ChainReport) -> str:
    """One sentence for people: intact, or which entry is the first bad one and why."""
    if report.ok:
        return _(
            "Audit chain intact: %(count)s entries checked; newest #%(seq)s, hash %(hash)s."
        ) % {"count": report.checked, "seq": report.head_seq, "hash": report.head_hash}
    reasons = {
        "missing": _("entry #%(seq)s is missing (deleted)"),
        "link": _("entry #%(seq)s does not link to the entry before it"),
        "content": _("entry #%(seq)s was altered after it was written"),
        "truncated": _("entries from #%(seq)s on are missing, or the chain head was altered"),
    }
    return _("Audit chain BROKEN: %(reason)s. %(count)s entries before it are intact.") % {
        "reason": reasons[report.problem] % {"seq": report.bad_seq},
        "count": report.checked,
    }
