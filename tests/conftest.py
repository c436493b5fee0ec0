"""Shared personas for the test suite, all built from ``tests.factories``.

Two units (``dinkes``, ``dindik``) and one person per role; the OPD people hold a
current position in their unit.
"""

import os
import secrets

import pytest
from hypothesis import settings as hypothesis_settings

from lelang.roles import Role
from tests.factories import OpdFactory, UserFactory, make_member

# Property tests check rules, not speed: on a loaded two-core CI machine a single
# example may exceed Hypothesis's default 200 ms deadline and fail a correct rule.
hypothesis_settings.register_profile("lelang", deadline=None)
hypothesis_settings.load_profile("lelang")


@pytest.fixture(scope="session")
def seal_dir(tmp_path_factory):
    """A demo seal certificate made once per run (RSA key generation is not free)."""
    from django.test import override_settings

    from contracts.seal import ensure_demo_certificate

    folder = tmp_path_factory.mktemp("seal")
    with override_settings(DATA_DIR=folder):
        ensure_demo_certificate()
    return folder


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path, seal_dir, monkeypatch):
    """Documents sealed by any test (a session closes: its minutes) go to a temporary
    folder, sealed with the run's demo certificate, never into the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = seal_dir
    settings.LELANG_DEMO_DOCUMENTS = False  # tests about them turn them on
    monkeypatch.delenv("LELANG_SEAL_P12", raising=False)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas get a password each; the production hasher would make every test slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dinkes(db):
    return OpdFactory(code="dinkes", name="Dinas Kesehatan")


@pytest.fixture
def dindik(db):
    return OpdFactory(code="dindik", name="Dinas Pendidikan")


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", name="Operator Bappeda", role=Role.BAPPEDA)


@pytest.fixture
def mayor(db):
    return UserFactory(username="walikota", name="Wali Kota", role=Role.PANEL)


@pytest.fixture
def dinkes_head(db, dinkes):
    user = UserFactory(username="kadinkes", name="Kepala Dinas Kesehatan", role=Role.OPD_HEAD)
    make_member(user, dinkes, head=True)
    return user


@pytest.fixture
def dinkes_staff(db, dinkes):
    user = UserFactory(username="stafdinkes", name="Staf Dinas Kesehatan", role=Role.OPD_STAFF)
    make_member(user, dinkes)
    return user


@pytest.fixture
def dindik_head(db, dindik):
    user = UserFactory(username="kadindik", name="Kepala Dinas Pendidikan", role=Role.OPD_HEAD)
    make_member(user, dindik, head=True)
    return user


@pytest.fixture
def inspector(db):
    return UserFactory(username="inspektur", name="Inspektur Kota", role=Role.INSPECTOR)


@pytest.fixture
def period(db):
    """The current planning period, whose data rooms are open."""
    from opd.models import Period

    return Period.objects.create(
        name="RPJMD 2018–2023", start_year=2018, end_year=2023, is_current=True
    )


def pytest_collection_modifyitems(config, items):
    """Browser journeys run last: Playwright's session-wide browser keeps an event loop
    running in the main thread, which the event-bus tests' asyncio.run() cannot share."""
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid)


@pytest.fixture
def redis_url(settings, monkeypatch):
    """A reachable Redis with a channel of this test's own (live events over Redis).

    Skips with the reason when no Redis answers, unless REQUIRE_REDIS=1 (CI).
    """
    import redis

    from lelang.events import transports

    url = os.environ.get("LELANG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        message = f"no Redis at {url} ({exc}); set LELANG_TEST_REDIS_URL"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message + " (REQUIRE_REDIS=1)")
        pytest.skip(message)
    settings.REDIS_URL = url
    settings.LELANG_EVENTS_CHANNEL = f"lelang_events_test_{secrets.token_hex(6)}"
    monkeypatch.setattr(transports, "_redis_client", None)
    return url
