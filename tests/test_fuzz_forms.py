"""Fuzz: every form endpoint of the project, sent odd values, answers without a 500.

The endpoints and their fields come from the permission matrix
(tests/test_permission_matrix.py, tests/permission_world.py): every URL pattern outside
the back office that takes a POST from someone, with the form data a person allowed to
act would send. Hypothesis replaces each field's value with something a hurried clerk,
a copy-paste from Excel or a curious visitor might send — text in a number, Indonesian
and English decimals, huge and negative numbers, impossible dates, markup, very long
text, nothing — and the person allowed to act posts it. Whatever the form makes of it,
the answer is never a server error. Each request is rolled back, so each example sees
the same data. Examples are derived from the test's name (``derandomize``), so a run in
CI is repeatable; locally ``--hypothesis-seed`` explores further.
"""

from __future__ import annotations

import contextlib
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import test_permission_matrix as matrix
from tests.permission_world import UPLOAD, requests
from tests.test_permission_matrix import (  # noqa: F401  (fixtures)
    accepted,
    auction,
    item,
    no_event_hub,
    offer,
    on_stage,
    pact,
    ready_dinkes,
    session,
    world,
)

pytestmark = pytest.mark.django_db

ODD = st.sampled_from(
    [
        "",
        " ",
        "abc",
        "-1",
        "0",
        "1,5",
        "1.234,5",
        "1,234.5",
        "1e309",
        "NaN",
        "-0,0001",
        "9" * 40,
        "2019-02-30",
        "31/12/2019",
        "<script>alert(1)</script>",
        '=HYPERLINK("x")',
        "' OR 1=1 --",
        "\x00",
        "🙂",
        "x" * 5000,
    ]
)
VALUE = st.one_of(ODD, st.text(max_size=60), st.integers(-(10**12), 10**12).map(str))


class _Forms(HTMLParser):
    """Every POST form of a page: (action, {field name: a value the page offers})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((attrs.get("action") or attrs.get("hx-post") or "", self._fields))
        elif self._fields is None:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type") != "file":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self._fields.setdefault(attrs["name"], "")
            else:
                self._fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._fields.setdefault(self._select, "")
        elif tag == "option" and self._select and not self._fields.get(self._select):
            self._fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _form_endpoints(client, the_world) -> dict[str, tuple[str, str, dict, object]]:
    """Per form action found on the pages each person can open (outside the back
    office): (pattern key, person, fields with the page's values, the state to prepare)."""
    specs = requests(the_world)
    found: dict[str, tuple[str, str, dict, object]] = {}
    for person in matrix.PEOPLE:
        user = the_world.people[person]
        client.logout()
        if user is not None:
            client.force_login(user)
        for pattern in matrix.all_patterns():
            if pattern.back_office or pattern.key in matrix.EXCUSED:
                continue
            if matrix.expected(pattern, "GET", person) != "ok":
                continue
            request = specs[pattern.key]
            url = matrix.url_of(pattern, request.kwargs)
            response = matrix.send(client, "GET", url, request.data, request.prepare)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(response.content.decode(errors="replace"))
            for action, fields in parser.forms:
                path = urlsplit(action or url).path or url
                if path in found or not fields:
                    continue
                try:
                    match = resolve(path)
                except Resolver404:
                    continue
                key = match.view_name or match.route
                if key not in specs or key.startswith("admin:"):
                    continue
                fields.pop("csrfmiddlewaretoken", None)
                found[path] = (key, person, fields, specs[key].prepare)
    return found


def _fuzz(client, user, key, person, path, fields, prepare, failures):
    """One endpoint's property: whatever subset of its fields holds odd values, the
    answer is not a server error."""

    @settings(
        max_examples=5,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, VALUE)))
    def post_odd_values(odd):
        if user is None:
            client.logout()  # the login form, the language switch: anyone
        else:
            client.force_login(user)
        response = matrix.send(client, "POST", path, {**fields, **odd}, prepare)
        if response.status_code >= 500:
            failures.append(f"{key} ({path}) as {person}: {response.status_code} {odd!r}")
            raise AssertionError(failures[-1])

    return post_odd_values


def test_odd_values_in_every_form_never_give_a_500(client, world, no_event_hub):  # noqa: F811
    client.raise_request_exception = False
    endpoints = _form_endpoints(client, world)
    keys = {key for key, *_rest in endpoints.values()}
    postable = {
        p.key
        for p in matrix.all_patterns()
        if not p.back_office
        and p.key not in matrix.EXCUSED
        and any(matrix.expected(p, "POST", who) == "ok" for who in matrix.PEOPLE)
    }
    # Forms no page shows as it loads (the live screens' forms arrive by their stream;
    # a report's lines in a state the world does not show): the fields the matrix
    # sends, else any names the project's forms use, with odd values.
    vocabulary = sorted({name for *_k, fields, _p in endpoints.values() for name in fields})
    specs = requests(world)
    for pattern in matrix.all_patterns():
        if pattern.key not in postable - keys:
            continue
        person = next(p for p in matrix.PEOPLE if matrix.expected(pattern, "POST", p) == "ok")
        request = specs[pattern.key]
        fields = {k: v for k, v in request.data.items() if v is not UPLOAD}
        path = matrix.url_of(pattern, request.kwargs)
        endpoints[path] = (
            pattern.key,
            person,
            fields or dict.fromkeys(vocabulary[:40], ""),
            request.prepare,
        )
    assert postable <= {key for key, *_rest in endpoints.values()}
    failures: list[str] = []
    for path, (key, person, fields, prepare) in sorted(endpoints.items()):
        with contextlib.suppress(AssertionError):  # listed in failures, shrunk
            _fuzz(client, world.people[person], key, person, path, fields, prepare, failures)()
    print(f"\nfuzzed {len(endpoints)} form actions of {len(postable)} URL patterns")
    assert failures == []
