"""A verified report and its lines are frozen in the database too (a correction is a
new revision). UPDATE only: deletes are refused by PROTECT and the models, and a
DELETE trigger would stop the test runner's flush."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER monitoring_report_frozen BEFORE UPDATE ON monitoring_report "
    "WHEN OLD.status = 'verified' BEGIN SELECT RAISE(ABORT, 'verified reports are frozen'); END;",
    "CREATE TRIGGER monitoring_reportline_frozen BEFORE UPDATE ON monitoring_reportline "
    "WHEN (SELECT status FROM monitoring_report WHERE id = OLD.report_id) = 'verified' "
    "BEGIN SELECT RAISE(ABORT, 'lines of verified reports are frozen'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS monitoring_report_frozen;",
    "DROP TRIGGER IF EXISTS monitoring_reportline_frozen;",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION monitoring_refuse_verified() RETURNS trigger AS $$ "
    "BEGIN IF OLD.status = 'verified' THEN "
    "RAISE EXCEPTION 'verified reports are frozen (%)', OLD.id; END IF; RETURN NEW; END; "
    "$$ LANGUAGE plpgsql;",
    "CREATE TRIGGER monitoring_report_frozen BEFORE UPDATE ON monitoring_report "
    "FOR EACH ROW EXECUTE FUNCTION monitoring_refuse_verified();",
    "CREATE OR REPLACE FUNCTION monitoring_refuse_verified_line() RETURNS trigger AS $$ "
    "BEGIN IF (SELECT status FROM monitoring_report WHERE id = OLD.report_id) = 'verified' "
    "THEN RAISE EXCEPTION 'lines of verified reports are frozen (%)', OLD.id; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER monitoring_reportline_frozen BEFORE UPDATE ON monitoring_reportline "
    "FOR EACH ROW EXECUTE FUNCTION monitoring_refuse_verified_line();",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS monitoring_report_frozen ON monitoring_report;",
    "DROP TRIGGER IF EXISTS monitoring_reportline_frozen ON monitoring_reportline;",
    "DROP FUNCTION IF EXISTS monitoring_refuse_verified();",
    "DROP FUNCTION IF EXISTS monitoring_refuse_verified_line();",
]


def create(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(
        schema_editor.connection.vendor, []
    ):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
