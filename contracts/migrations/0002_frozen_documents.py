"""Sealed documents and signatures are frozen in the database too.

The models refuse a change (``FrozenDocument``); these triggers refuse one from any
other path (``QuerySet.update()``, raw SQL, another program): an UPDATE of a sealed
document, and any UPDATE of a signature. Deleting is refused by the models and by
PROTECT foreign keys; a DELETE trigger would also stop the test runner's flush.
"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER contracts_document_frozen BEFORE UPDATE ON contracts_document "
    "WHEN OLD.status = 'sealed' BEGIN SELECT RAISE(ABORT, 'sealed documents are frozen'); END;",
    "CREATE TRIGGER contracts_signature_frozen BEFORE UPDATE ON contracts_signature "
    "BEGIN SELECT RAISE(ABORT, 'signatures are frozen'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contracts_document_frozen;",
    "DROP TRIGGER IF EXISTS contracts_signature_frozen;",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION contracts_refuse_sealed() RETURNS trigger AS $$ "
    "BEGIN IF OLD.status = 'sealed' THEN "
    "RAISE EXCEPTION 'sealed documents are frozen (%)', OLD.id; END IF; "
    "RETURN NEW; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER contracts_document_frozen BEFORE UPDATE ON contracts_document "
    "FOR EACH ROW EXECUTE FUNCTION contracts_refuse_sealed();",
    "CREATE OR REPLACE FUNCTION contracts_refuse_change() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION '% rows are frozen', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER contracts_signature_frozen BEFORE UPDATE ON contracts_signature "
    "FOR EACH ROW EXECUTE FUNCTION contracts_refuse_change();",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS contracts_document_frozen ON contracts_document;",
    "DROP TRIGGER IF EXISTS contracts_signature_frozen ON contracts_signature;",
    "DROP FUNCTION IF EXISTS contracts_refuse_sealed();",
    "DROP FUNCTION IF EXISTS contracts_refuse_change();",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)  # the SQL's own % is not a placeholder


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
