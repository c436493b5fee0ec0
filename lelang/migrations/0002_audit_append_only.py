"""The audit table is append-only in the database too (PostgreSQL).

``AuditEntry.save``/``delete`` already refuse in the application; this trigger also
refuses an UPDATE or DELETE from any other path (a shell, raw SQL, another client):
rewriting history takes a deliberate step by the table's owner (disabling the trigger),
and the head hash kept outside the database still shows it. TRUNCATE is left alone:
the test suite's database flush uses it, and ``verify_audit --expect-head`` catches a
wiped table. SQLite (development) has no such trigger: the tests' flush deletes rows.
"""

from django.db import migrations

TABLE = "lelang_auditentry"
TRIGGER = "lelang_auditentry_append_only"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION lelang_refuse_audit_change() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit entries are append-only: % refused on %', "
        "TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END; "
        "$$ LANGUAGE plpgsql;",
        params=None,  # the SQL's own % must not be read as a placeholder
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION lelang_refuse_audit_change();"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};")
    schema_editor.execute("DROP FUNCTION IF EXISTS lelang_refuse_audit_change();")


class Migration(migrations.Migration):
    dependencies = [("lelang", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
