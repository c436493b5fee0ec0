"""The database unreachable for a moment: a clear 503, nothing half written, and the
same answer wherever the failure strikes (before the view, or inside a service after
a first write). The browser side (what was typed stays on the page, the message at
the form) is in tests/e2e/test_faults.py."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from monitoring.models import Report
from tests.monitoring.test_report_views import (  # noqa: F401  (fixtures)
    HX,
    page_url,
    quarter,
    report,
    signed,
)

UNREACHABLE = OperationalError("connection to server at 127.0.0.1, port 5432 failed")


@pytest.fixture
def client_kept():
    """A test client that, like a browser, gets the error page instead of the exception."""
    return Client(raise_request_exception=False)


def test_a_failure_after_the_first_write_leaves_nothing_and_says_so(
    client_kept,
    report,  # noqa: F811
    dinkes_staff,
):
    line = report.lines.order_by("pk").first()
    client_kept.force_login(dinkes_staff)
    url = reverse("monitoring:line_save", args=[line.pk])
    data = {f"line-{line.pk}-realization": "47,5", f"line-{line.pk}-narrative": "Draf saya"}
    # The line is updated, then the audit entry's INSERT finds the database gone.
    with mock.patch("monitoring.services.audit_record", side_effect=UNREACHABLE):
        response = client_kept.post(url, data, headers=HX)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Basis data sedang tidak dapat dihubungi" in body
    assert "Tidak ada yang tersimpan" in body
    line.refresh_from_db()
    assert line.realization is None and line.narrative == ""  # rolled back, not half written

    # The database is back: the same request goes through.
    assert client_kept.post(url, data, headers=HX).status_code == 200
    line.refresh_from_db()
    assert line.realization == Decimal("47.5")


def test_a_submission_that_fails_stays_a_draft(
    client_kept,
    report,  # noqa: F811
    dinkes_staff,
    dinkes_head,
):
    from tests.monitoring.test_reports import fill

    fill(report, dinkes_staff)
    client_kept.force_login(dinkes_head)
    url = reverse("monitoring:submit", args=[report.pk])
    with mock.patch("monitoring.services.audit_record", side_effect=InterfaceError("closed")):
        assert client_kept.post(url).status_code == 503
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and report.submitted_at is None


def test_the_database_gone_before_the_view_gets_the_same_answer(client_kept, dinkes_staff):
    client_kept.force_login(dinkes_staff)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=UNREACHABLE
    ):
        response = client_kept.get(reverse("home"))
    assert response.status_code == 503
    assert "Basis data sedang tidak dapat dihubungi" in response.content.decode()


def test_any_other_fault_is_still_a_500(client_kept, report, dinkes_staff):  # noqa: F811
    client_kept.force_login(dinkes_staff)
    with mock.patch("monitoring.views._report_context", side_effect=ValueError("bug")):
        response = client_kept.get(page_url())
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.content.decode()
