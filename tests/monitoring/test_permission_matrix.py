"""Who may open and post to every monitoring screen, in one table.

Every URL pattern of the three monitoring namespaces (reports, dashboards, public
page) is taken from the resolver, so a new view cannot escape the table; each is
requested with GET and POST as anonymous and as every role, with an object of the
person's own unit and of another unit. A POST that succeeds is rolled back, so each
row sees the same data. The table says what each person gets:

- ``ok``     the page or the action works (2xx, or a redirect that is not to login)
- ``login``  sent to the login page (anonymous)
- ``no``     refused: 403, or 404 where the object is not theirs to know of
- ``405``    the method is not offered
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import get_resolver, reverse

from contracts import services as contract_services
from lelang.roles import Role
from monitoring import consequences, services
from monitoring.models import Sanction
from opd.models import Theme
from tests.factories import PASSWORD, UserFactory
from tests.monitoring.test_consequences import make_report
from tests.monitoring.test_reports import PNG, fill

NAMESPACES = ("monitoring", "dashboards", "public")

# Who: anonymous, Bappeda, the mayor's panel, the inspector, the command center's
# monitoring staff, the Dinas Kesehatan head and staff (the objects' unit), and the
# Dinas Pendidikan head (another unit).
UPLOAD = object()  # stands for an evidence file in the form data

PEOPLE = ("anon", "bappeda", "panel", "inspector", "monitoring", "head", "staff", "other")

# (url name, method) → the outcome per person, in the order of PEOPLE.
# Columns: anon, bappeda, panel, inspector, monitoring, head, staff, other.
EXPECTED = {
    ("monitoring:index", "GET"):               ("login", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    ("monitoring:index", "POST"):              ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("monitoring:quarter", "GET"):             ("login", "ok", "no", "no", "no", "no", "no", "no"),
    ("monitoring:quarter", "POST"):            ("login", "ok", "no", "no", "no", "no", "no", "no"),
    ("monitoring:report", "GET"):              ("login", "ok", "ok", "ok", "ok", "ok", "ok", "no"),
    ("monitoring:report", "POST"):             ("login", "no", "no", "no", "no", "ok", "ok", "no"),
    ("monitoring:line_save", "GET"):           ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("monitoring:line_save", "POST"):          ("login", "no", "no", "no", "no", "ok", "ok", "no"),
    ("monitoring:evidence_upload", "GET"):     ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("monitoring:evidence_upload", "POST"):    ("login", "no", "no", "no", "no", "ok", "ok", "no"),
    ("monitoring:evidence_download", "GET"):   ("login", "ok", "ok", "ok", "ok", "ok", "ok", "no"),
    ("monitoring:evidence_download", "POST"):  ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("monitoring:submit", "GET"):              ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("monitoring:submit", "POST"):             ("login", "no", "no", "no", "no", "ok", "no", "no"),
    ("monitoring:review", "GET"):              ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("monitoring:review", "POST"):             ("login", "ok", "no", "no", "no", "no", "no", "no"),
    ("monitoring:correct", "GET"):             ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("monitoring:correct", "POST"):            ("login", "ok", "no", "no", "no", "no", "no", "no"),
    ("dashboards:city", "GET"):                ("login", "ok", "ok", "ok", "ok", "no", "no", "no"),
    ("dashboards:city", "POST"):               ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("dashboards:opd", "GET"):                 ("login", "ok", "ok", "ok", "ok", "no", "no", "no"),
    ("dashboards:opd", "POST"):                ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("dashboards:theme", "GET"):               ("login", "ok", "ok", "ok", "ok", "no", "no", "no"),
    ("dashboards:theme", "POST"):              ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("dashboards:sanctions", "GET"):           ("login", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    ("dashboards:sanctions", "POST"):          ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("dashboards:sanction", "GET"):            ("login", "ok", "ok", "ok", "ok", "no", "no", "no"),
    ("dashboards:sanction", "POST"):           ("login", "no", "ok", "no", "no", "no", "no", "no"),
    ("dashboards:export_xlsx", "GET"):         ("login", "ok", "ok", "ok", "ok", "no", "no", "no"),
    ("dashboards:export_xlsx", "POST"):        ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("dashboards:city_pdf", "GET"):            ("login", "ok", "ok", "ok", "ok", "no", "no", "no"),
    ("dashboards:city_pdf", "POST"):           ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("dashboards:opd_pdf", "GET"):             ("login", "ok", "ok", "ok", "ok", "ok", "ok", "no"),
    ("dashboards:opd_pdf", "POST"):            ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("public:index", "GET"):                   ("ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    ("public:index", "POST"):                  ("405", "405", "405", "405", "405", "405", "405", "405"),  # noqa: E501
    ("public:manage", "GET"):                  ("login", "ok", "no", "no", "no", "no", "no", "no"),
    ("public:manage", "POST"):                 ("login", "ok", "no", "no", "no", "no", "no", "no"),
}  # fmt: skip


def _pattern_names() -> set[str]:
    """Every named URL pattern of the monitoring namespaces, from the resolver."""
    names = set()
    resolver = get_resolver()
    for namespace in NAMESPACES:
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            assert pattern.name, f"{namespace}: a pattern without a name escapes the matrix"
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_the_table_covers_every_pattern_with_both_methods():
    names = _pattern_names()
    assert {name for name, _method in EXPECTED} == names
    assert len(EXPECTED) == 2 * len(names)
    assert all(len(row) == len(PEOPLE) for row in EXPECTED.values())


@pytest.fixture
def world(pact, dinkes, dindik, dinkes_head, dinkes_staff, dindik_head, operator, mayor, inspector):
    """Dinas Kesehatan: TW I 2019 submitted (with evidence), TW II 2019 a draft,
    TW III 2019 not opened yet, a proposed rompi; one theme."""
    contract_services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    contract_services.document_sign(document=pact, user=mayor, password=PASSWORD)
    submitted = services.report_open(
        opd=dinkes, quarter=services.quarter_get(2019, 1), user=dinkes_staff
    )
    fill(submitted, dinkes_staff)
    line = submitted.lines.order_by("pk").first()
    services.evidence_add(
        line=line,
        upload=SimpleUploadedFile("bukti.png", PNG, content_type="image/png"),
        user=dinkes_staff,
    )
    services.report_submit(report=submitted, user=dinkes_head)
    draft = services.report_open(
        opd=dinkes, quarter=services.quarter_get(2019, 2), user=dinkes_staff
    )
    make_report(dinkes, pact, 2018, 3, 30)
    make_report(dinkes, pact, 2018, 4, 30)
    consequences.propose_consequences(2018)
    sanction = Sanction.objects.get(rule="very_low_twice")
    theme = Theme.objects.create(code="penurunan-aki", name="Penurunan Angka Kematian Ibu")
    draft_line = draft.lines.order_by("pk").first()
    people = {
        "anon": None,
        "bappeda": operator,
        "panel": mayor,
        "inspector": inspector,
        "monitoring": UserFactory(role=Role.MONITORING),
        "head": dinkes_head,
        "staff": dinkes_staff,
        "other": dindik_head,
    }
    # Arguments and data per pattern (the query string of a GET, the form of a POST):
    # what a person allowed to act would send.
    requests = {
        "monitoring:index": ((), {}),
        "monitoring:quarter": ((2019, 2), {"action": "due", "due_date": "2019-07-20"}),
        "monitoring:report": (("dinkes", 2019, 3), {"action": "open"}),
        "monitoring:line_save": (
            (draft_line.pk,),
            {f"line-{draft_line.pk}-realization": "40", f"line-{draft_line.pk}-narrative": "x"},
        ),
        "monitoring:evidence_upload": (
            (draft_line.pk,),
            {f"evidence-{draft_line.pk}-file": UPLOAD},
        ),
        "monitoring:evidence_download": ((line.evidence.get().pk,), {}),
        "monitoring:submit": ((draft.pk,), {}),
        "monitoring:review": ((submitted.pk,), {"action": "verify"}),
        "monitoring:correct": ((submitted.pk,), {"reason": "Data BPS terbaru"}),
        "dashboards:city": ((), {}),
        "dashboards:opd": (("dinkes",), {}),
        "dashboards:theme": ((theme.code,), {}),
        "dashboards:sanctions": ((), {"year": "2018"}),
        "dashboards:sanction": (
            (sanction.pk,),
            {"action": "dismiss", "reason": "Sudah dibina langsung"},
        ),
        "dashboards:export_xlsx": ((), {}),
        "dashboards:city_pdf": ((), {}),
        "dashboards:opd_pdf": (("dinkes",), {"year": "2019", "quarter": "1"}),
        "public:index": ((), {}),
        "public:manage": ((), {}),
    }
    return people, requests


def outcome(response) -> str:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if status in (200, 204, 302, 303):
        return "ok"
    if status in (403, 404):
        return "no"
    return str(status)


def send(client, method, url, data):
    data = {  # a fresh file per request: an upload is read once
        key: SimpleUploadedFile("foto.png", PNG, content_type="image/png")
        if value is UPLOAD
        else value
        for key, value in data.items()
    }
    with transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("who", PEOPLE)
def test_every_monitoring_url_for_each_person(client, world, who):
    people, requests = world
    if people[who] is not None:
        client.force_login(people[who])
    column = PEOPLE.index(who)
    found, wanted = {}, {}
    for (name, method), row in EXPECTED.items():
        args, data = requests[name]
        url = reverse(name, args=args)
        found[name, method] = outcome(send(client, method, url, data))
        wanted[name, method] = row[column]
    assert found == wanted
