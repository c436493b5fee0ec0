#!/usr/bin/env bash
# Proves that a backup made as docs/deploy.md ("Backup and restore") says can be
# restored: a scratch PostgreSQL database with the demo (sealed PDFs included) is
# backed up (pg_dump custom format + tar of LELANG_DATA_DIR), the original is dropped,
# the backup is restored into a second scratch database and folder, and then
#   - every stored file's SHA-256 must be identical before and after,
#   - manage.py verify_audit must pass on the restored database (and its head must be
#     the head written down before the backup),
#   - manage.py verify_documents must pass on the restored copy.
# Needs PostgreSQL on 127.0.0.1:5432, user postgres (trust). Run: make restore-check
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
export DJANGO_DEBUG=1
# The demo's sealed PDFs are what this check is about (lelang/settings.py: envbool).
export LELANG_DEMO_DOCUMENTS=1

tag="$$_$(date +%s)"
SOURCE_DB="lelang_restore_src_${tag}"
RESTORED_DB="lelang_restore_dst_${tag}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lelang-restore-check.XXXXXX")
SOURCE_DIR="$WORK/source-data"
RESTORED_DIR="$WORK/restored-data"
BACKUP_DIR="$WORK/backup"
mkdir -p "$SOURCE_DIR" "$BACKUP_DIR"

cleanup() {
    local status=$?
    for db in "$SOURCE_DB" "$RESTORED_DB"; do
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
    if [ "$status" -ne 0 ]; then
        echo "restore-check FAILED (exit $status)" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

url() { echo "postgres://postgres@127.0.0.1:5432/$1"; }

manage() {
    # manage <database> <data dir> <command> [args...]
    local db=$1 dir=$2
    shift 2
    DATABASE_URL=$(url "$db") LELANG_DATA_DIR=$dir "$PYTHON" manage.py "$@"
}

# Every stored file (uploads, sealed PDFs, keys) as "sha256  relative/path", sorted.
hash_files() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

sql() { psql -X -A -t -q -d "$1" -c "$2"; }

echo "== source: scratch database $SOURCE_DB, data directory $SOURCE_DIR"
createdb "$SOURCE_DB"
manage "$SOURCE_DB" "$SOURCE_DIR" migrate --noinput >/dev/null
manage "$SOURCE_DB" "$SOURCE_DIR" seed_demo --quiet-logins
SOURCE_DOCUMENTS=$(sql "$SOURCE_DB" "SELECT count(*) FROM contracts_document WHERE status = 'sealed'")
SOURCE_AUDIT=$(sql "$SOURCE_DB" "SELECT count(*) FROM lelang_auditentry")
[ "$SOURCE_DOCUMENTS" -gt 0 ] || fail "the demo sealed no documents (LELANG_DEMO_DOCUMENTS?)"
HEAD=$(manage "$SOURCE_DB" "$SOURCE_DIR" audit_head --hash-only)
hash_files "$SOURCE_DIR" >"$WORK/before.sha256"
echo "source: sealed documents=$SOURCE_DOCUMENTS audit entries=$SOURCE_AUDIT stored files=$(wc -l <"$WORK/before.sha256") audit head=$HEAD"

echo "== backup (docs/deploy.md): pg_dump --format=custom, then tar of LELANG_DATA_DIR"
pg_dump --format=custom --file="$BACKUP_DIR/lelang.dump" "$(url "$SOURCE_DB")"
tar -C "$SOURCE_DIR" -czf "$BACKUP_DIR/lelang-data.tar.gz" .
(cd "$BACKUP_DIR" && sha256sum lelang.dump lelang-data.tar.gz >SHA256SUMS)
echo "backup: $(du -h "$BACKUP_DIR/lelang.dump" | cut -f1) database dump, $(du -h "$BACKUP_DIR/lelang-data.tar.gz" | cut -f1) data archive"

echo "== the original is gone: drop $SOURCE_DB, remove $SOURCE_DIR"
psql -X -q -d postgres -c "DROP DATABASE \"$SOURCE_DB\" WITH (FORCE)"
rm -rf "$SOURCE_DIR"

echo "== restore into $RESTORED_DB and $RESTORED_DIR"
(cd "$BACKUP_DIR" && sha256sum --quiet --check SHA256SUMS)
createdb "$RESTORED_DB"
pg_restore --exit-on-error --no-owner --dbname="$(url "$RESTORED_DB")" "$BACKUP_DIR/lelang.dump"
mkdir -p "$RESTORED_DIR"
tar -C "$RESTORED_DIR" -xzpf "$BACKUP_DIR/lelang-data.tar.gz"

echo "== checks"
hash_files "$RESTORED_DIR" >"$WORK/after.sha256"
FILES=$(wc -l <"$WORK/after.sha256")
if ! diff -u "$WORK/before.sha256" "$WORK/after.sha256"; then
    fail "stored files differ after the restore (diff above)"
fi
echo "check 1/4 stored files: $FILES files, every SHA-256 identical before and after"

RESTORED_DOCUMENTS=$(sql "$RESTORED_DB" "SELECT count(*) FROM contracts_document WHERE status = 'sealed'")
RESTORED_AUDIT=$(sql "$RESTORED_DB" "SELECT count(*) FROM lelang_auditentry")
[ "$RESTORED_DOCUMENTS" = "$SOURCE_DOCUMENTS" ] ||
    fail "sealed documents: $SOURCE_DOCUMENTS before, $RESTORED_DOCUMENTS after"
[ "$RESTORED_AUDIT" = "$SOURCE_AUDIT" ] ||
    fail "audit entries: $SOURCE_AUDIT before, $RESTORED_AUDIT after"
echo "check 2/4 row counts: sealed documents $RESTORED_DOCUMENTS, audit entries $RESTORED_AUDIT (same as before)"

if ! audit_out=$(manage "$RESTORED_DB" "$RESTORED_DIR" verify_audit --expect-head "$HEAD" 2>&1); then
    echo "$audit_out" >&2
    fail "verify_audit on the restored database"
fi
echo "check 3/4 verify_audit --expect-head (restored database): $(echo "$audit_out" | tr '\n' ' ')"

if ! documents_out=$(manage "$RESTORED_DB" "$RESTORED_DIR" verify_documents 2>&1); then
    echo "$documents_out" >&2
    fail "verify_documents on the restored copy"
fi
echo "check 4/4 verify_documents (restored copy): $documents_out"

echo "restore-check ok documents=$RESTORED_DOCUMENTS audit_entries=$RESTORED_AUDIT"
