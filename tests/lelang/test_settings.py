"""Start-up configuration, checked the way an operator meets it: through manage.py.

Each test runs ``manage.py`` in a fresh interpreter with an environment built from
scratch, so nothing from the shell or from pytest-env leaks in, and the SQLite
file (if any) lands in a temporary directory instead of the repository.
"""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MANAGE_PY = PROJECT_ROOT / "manage.py"
# Variables the settings read; none may leak in from the calling environment.
PREFIXES = ("DJANGO_", "LELANG_", "DATABASE_", "REDIS_")


def clean_env(tmp_path: Path, *, keep_database_url: bool = False, **overrides: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(PREFIXES)}
    if keep_database_url and os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env.update(
        DJANGO_SETTINGS_MODULE="lelang.settings",
        LELANG_DATA_DIR=str(tmp_path / "data"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def test_production_without_a_secret_key_stops_with_one_readable_line(tmp_path):
    env = clean_env(tmp_path, DJANGO_DEBUG="0")

    result = manage(env, "check")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "DJANGO_SECRET_KEY" in lines[0]
    assert not (tmp_path / "data").exists()


def test_a_redis_url_that_is_not_one_stops_with_one_readable_line(tmp_path):
    env = clean_env(tmp_path, DJANGO_DEBUG="1", REDIS_URL="127.0.0.1:6379")

    result = manage(env, "check")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "REDIS_URL" in result.stderr and "redis://" in result.stderr


def test_an_events_channel_with_spaces_stops_with_one_readable_line(tmp_path):
    env = clean_env(tmp_path, DJANGO_DEBUG="1", LELANG_EVENTS_CHANNEL="lelang events")

    result = manage(env, "check")

    assert result.returncode != 0
    assert result.stderr.count("\n") == 1, result.stderr
    assert "LELANG_EVENTS_CHANNEL" in result.stderr


def test_a_persistent_connection_age_with_the_pool_stops_with_one_readable_line(tmp_path):
    env = clean_env(
        tmp_path,
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/lelang_unused",
        DATABASE_CONN_MAX_AGE="60",
    )

    result = manage(env, "check")

    assert result.returncode != 0
    assert result.stderr.count("\n") == 1, result.stderr
    assert "DATABASE_CONN_MAX_AGE" in result.stderr

    # Without the pool (e.g. behind PgBouncer) persistent connections are allowed.
    env["DATABASE_POOL"] = "0"
    assert manage(env, "check").returncode == 0


def test_a_configured_production_passes_the_deploy_checks(tmp_path):
    env = clean_env(
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=random_secret_key(),
        DJANGO_ALLOWED_HOSTS="lelang.example.go.id",
    )

    result = manage(env, "check", "--deploy")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_models_have_no_unmigrated_changes(tmp_path):
    # DATABASE_URL passes through, so CI runs this against PostgreSQL too.
    env = clean_env(tmp_path, keep_database_url=True, DJANGO_DEBUG="1")

    result = manage(env, "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_migrations_check_runs_without_the_production_environment(tmp_path):
    """Code-only commands need no secret key: tooling can run them in a bare shell."""
    env = clean_env(tmp_path)  # no DJANGO_DEBUG, no DJANGO_SECRET_KEY

    result = manage(env, "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_serving_commands_still_need_the_key(tmp_path):
    result = manage(clean_env(tmp_path), "migrate")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
