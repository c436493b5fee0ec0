"""The hash-chained audit log: writing entries, verifying the chain, catching tampering."""

import datetime
import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from lelang.audit import GENESIS_HASH, audit_record, verify_chain
from lelang.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


def record_three(actor=None):
    return [
        audit_record(action="test.first", actor=actor, after={"n": 1}),
        audit_record(action="test.second", actor=actor, after={"n": 2}),
        audit_record(action="test.third", actor=actor, after={"n": 3}),
    ]


def run_verify_audit():
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_audit_failure() -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        run_verify_audit()
    assert excinfo.value.returncode == 1
    return excinfo.value


def raw_sql(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql, params):
    """Rewrite the audit table behind the application's back, as an intruder with the
    table owner's rights would: on PostgreSQL that first takes switching the
    append-only trigger off (inside this test's transaction, which is rolled back)."""
    if connection.vendor == "postgresql":
        raw_sql("ALTER TABLE lelang_auditentry DISABLE TRIGGER lelang_auditentry_append_only", [])
    try:
        raw_sql(sql, params)
    finally:
        if connection.vendor == "postgresql":
            raw_sql(
                "ALTER TABLE lelang_auditentry ENABLE TRIGGER lelang_auditentry_append_only", []
            )


def test_entries_are_numbered_and_each_links_to_the_one_before():
    entries = record_three()

    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert len({e.hash for e in entries}) == 3
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (3, entries[2].hash)


def test_an_empty_log_verifies():
    report = verify_chain()

    assert report.ok
    assert report.checked == 0


def test_decimal_and_date_payloads_survive_the_round_trip(operator):
    before = {"budget": Decimal("1250000000.50"), "deadline": datetime.date(2018, 12, 31)}
    after = {
        "budget": Decimal("1300000000.00"),
        "signed_at": datetime.datetime(2018, 3, 1, 9, 30, tzinfo=datetime.UTC),
    }

    entry = audit_record(action="test.change", actor=operator, before=before, after=after)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.before == {"budget": "1250000000.50", "deadline": "2018-12-31"}
    assert stored.after["budget"] == "1300000000.00"
    assert stored.after == entry.after
    report = verify_chain()
    assert report.ok
    assert report.checked == 1


def test_the_command_reports_an_intact_chain_with_its_count():
    entries = record_three()

    output = run_verify_audit()

    # The count on its own (not as part of "#3"), the newest entry and its hash.
    assert re.search(r"(?<![#\w])3(?!\w)", output)
    assert "#3" in output
    assert entries[-1].hash in output


def test_it_catches_an_edited_row():
    record_three()
    tamper(
        "UPDATE lelang_auditentry SET after = %s WHERE seq = %s",
        [json.dumps({"n": 200}), 2],
    )

    report = verify_chain()
    error = verify_audit_failure()

    assert not report.ok
    assert (report.bad_seq, report.problem, report.checked) == (2, "content", 1)
    assert "#2" in str(error)


def test_it_catches_a_deleted_middle_row():
    record_three()
    tamper("DELETE FROM lelang_auditentry WHERE seq = %s", [2])

    report = verify_chain()
    error = verify_audit_failure()

    assert (report.ok, report.bad_seq, report.problem) == (False, 2, "missing")
    assert "#2" in str(error)


def test_it_catches_a_deleted_last_row():
    record_three()
    tamper("DELETE FROM lelang_auditentry WHERE seq = %s", [3])

    report = verify_chain()
    error = verify_audit_failure()

    # The chain 1..2 is intact by itself; only the chain head shows #3 is gone.
    assert (report.ok, report.bad_seq, report.problem) == (False, 3, "truncated")
    assert "#3" in str(error)


def test_it_catches_a_relinked_row():
    entries = record_three()
    tamper(
        "UPDATE lelang_auditentry SET prev_hash = %s WHERE seq = %s",
        [GENESIS_HASH, entries[1].seq],
    )

    report = verify_chain()

    assert (report.ok, report.bad_seq, report.problem) == (False, 2, "link")


def test_an_entry_cannot_be_saved_again():
    entry = audit_record(action="test.once", after={"n": 1})
    entry.after = {"n": 2}

    with pytest.raises(ValueError, match="append-only"):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).after == {"n": 1}


def test_an_entry_cannot_be_deleted():
    entry = audit_record(action="test.once")

    with pytest.raises(ValueError, match="append-only"):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_it_records_the_client_ip_and_the_request_user(dinkes_staff):
    request = RequestFactory().post("/opd/dinkes/", REMOTE_ADDR="10.20.30.40")
    request.user = dinkes_staff

    entry = audit_record(action="test.request", obj=dinkes_staff, request=request)

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.ip == "10.20.30.40"
    assert stored.actor == dinkes_staff
    assert stored.actor_label == "stafdinkes"
    assert stored.object_type == "lelang.user"
    assert stored.object_id == str(dinkes_staff.pk)
    assert verify_chain().ok


@pytest.mark.parametrize(
    "remote_addr", ["::ffff:10.0.0.1", "fe80::1%eth0", "2001:db8::1", "203.0.113.9"]
)
def test_an_ipv6_client_address_keeps_the_chain_verifiable(remote_addr):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr)
    request.user = AnonymousUser()

    audit_record(action="test.ipv6", request=request)

    assert verify_chain().ok


def test_floats_in_before_after_keep_the_chain_verifiable(operator):
    # jsonb on PostgreSQL would give 1e20 back as an integer; floats are stored as text.
    audit_record(action="test.float", actor=operator, after={"big": 1e20, "small": 0.1})
    assert verify_chain().ok


# --- The database itself refuses (PostgreSQL) ------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL (run with DATABASE_URL)",
)


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE lelang_auditentry SET action = 'test.rewritten' WHERE seq = 2",
        "UPDATE lelang_auditentry SET ip = NULL",
        "DELETE FROM lelang_auditentry WHERE seq = 3",
        "DELETE FROM lelang_auditentry",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_entry(sql):
    record_three()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql(sql, [])

    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "test.first",
        "test.second",
        "test.third",
    ]
    assert verify_chain().ok


@postgresql_only
def test_the_queryset_cannot_change_entries_either():
    record_three()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(action="test.rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 3


# --- A head kept outside the database ---------------------------------------------------


def run_command(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_audit_head_prints_the_newest_seq_and_hash():
    entries = record_three()

    output = run_command("audit_head")

    assert f"#3 {entries[-1].hash}" in output
    assert run_command("audit_head", "--hash-only").strip() == entries[-1].hash


def test_the_chain_matches_the_head_written_down():
    record_three()
    head = run_command("audit_head", "--hash-only").strip()

    output = run_command("verify_audit", "--expect-head", head)

    assert "#3" in output


def test_a_head_that_moved_on_is_reported_with_both_entries():
    entries = record_three()
    audit_record(action="test.fourth")

    with pytest.raises(CommandError) as excinfo:
        run_command("verify_audit", "--expect-head", entries[-1].hash)

    assert excinfo.value.returncode == 1
    message = str(excinfo.value)
    assert "#3" in message and "#4" in message
    # Entries added since are fine when the inspector says so.
    assert "#3" in run_command("verify_audit", "--expect-head", entries[-1].hash, "--appended-ok")


def test_a_chain_rewritten_wholesale_is_caught_by_the_head_written_down():
    entries = record_three()
    written_down = entries[-1].hash
    # Someone with the table owner's rights rewrites the whole chain consistently:
    # verify_chain alone cannot tell, the head kept outside can.
    tamper("DELETE FROM lelang_auditentry", [])
    AuditChainHead.objects.filter(pk=1).update(seq=0, hash=GENESIS_HASH)
    audit_record(action="test.first", after={"n": 1})
    assert verify_chain().ok

    with pytest.raises(CommandError) as excinfo:
        run_command("verify_audit", "--expect-head", written_down, "--appended-ok")

    assert excinfo.value.returncode == 1
    assert "#1" in str(excinfo.value)
