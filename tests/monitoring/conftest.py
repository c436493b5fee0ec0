"""A signed Dinas Kesehatan pact to report against (fixtures of tests/contracts)."""

from tests.contracts.conftest import *  # noqa: F403  (fixtures: pact, accepted, offer …)
