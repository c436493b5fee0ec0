"""Who may open and post to every URL of the project, in one table.

Every URL pattern is taken from the resolver (``get_resolver()``, walked with its
namespaces and the back office), so a new view cannot escape: a pattern outside the
back office without a row in ``RULES`` fails the table test, and the number of
patterns requested must equal the resolver's. Each is requested with GET and POST
as anonymous and as every person below, on objects of Dinas Kesehatan (the head's
and staff's own unit; Dinas Pendidikan's head is another unit's). A request that
succeeds is rolled back, so each one sees the same data (tests/permission_world.py).

What a person gets (as in tests/monitoring/test_permission_matrix.py):

- ``ok``     the page or the action works (2xx, or a redirect that is not to a login)
- ``login``  sent to a login page (the site's, or the back office's)
- ``no``     refused: 403, or 404 where the object is not theirs to know of
- ``405``    the method is not offered
- any other status as its number; a 500 is never expected (except as ``# BUG:``).
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from auctions import views as auction_views
from tests.auctions.conftest import (  # noqa: F401  (fixtures)
    auction,
    item,
    offer,
    on_stage,
    ready_dinkes,
    session,
)
from tests.contracts.conftest import accepted, pact  # noqa: F401  (fixtures)
from tests.monitoring.test_reports import PNG
from tests.permission_world import UPLOAD, admin_kwargs, build_world, make_people, requests

PEOPLE = (
    "anon",  # not signed in
    "bappeda",  # the session operator
    "panel",  # the mayor
    "inspector",
    "monitoring",  # the command center's read-only staff
    "head",  # Dinas Kesehatan's head: the objects' unit
    "staff",  # Dinas Kesehatan's staff
    "other",  # Dinas Pendidikan's head: another unit
    "superuser",  # Django's superuser, no role
)

# --- Who ------------------------------------------------------------------------------


def _group(*names: str) -> frozenset[str]:
    assert set(names) <= set(PEOPLE), names
    return frozenset(names)


NOBODY = _group()
ANYONE = _group(*PEOPLE)
SIGNED_IN = ANYONE - {"anon"}
BAPPEDA = _group("bappeda", "superuser")
PANEL = _group("panel", "superuser")
READERS = _group("bappeda", "panel", "inspector", "superuser")  # see every unit
MONITORS = READERS | {"monitoring"}  # read every report and dashboard
OWN_UNIT = _group("head", "staff", "superuser")
HEAD = _group("head", "superuser")
HEADS = _group("head", "other", "superuser")  # any unit's head, each seeing their own
AUDITORS = _group("bappeda", "inspector", "superuser")  # read the audit trail


@dataclasses.dataclass(frozen=True)
class Who:
    """Who gets ``ok``; the others get ``refused`` (anonymous: ``anon``), except
    ``special`` people, whose outcome is given."""

    ok: frozenset[str]
    anon: str = "login"
    refused: str = "no"
    special: tuple[tuple[str, str], ...] = ()

    def outcome(self, person: str) -> str:
        special = dict(self.special)
        if person in special:
            return special[person]
        if person in self.ok:
            return "ok"
        return self.anon if person == "anon" else self.refused


def who(ok=NOBODY, *, anon="login", refused="no", **special) -> Who:
    assert set(special) <= set(PEOPLE), special
    return Who(frozenset(ok), anon, refused, tuple(sorted(special.items())))


ANY = "any"  # any outcome but a 500 (see BACK_OFFICE)
NOT_OFFERED = who(anon="405", refused="405")  # the method is not offered (405 for all)


def only(ok, **special) -> Who:
    return who(ok, **special)


# --- The table ------------------------------------------------------------------------

# Pattern (url name, or route where unnamed) → (who may GET, who may POST).
# A bare group means: its members get "ok", anonymous is sent to the login page and
# everyone else is refused.
RULES: dict[str, tuple[Who | frozenset, Who | frozenset]] = {
    # Accounts and the audit trail
    "home": (SIGNED_IN, NOT_OFFERED),
    "login": (ANYONE, ANYONE),
    "logout": (NOT_OFFERED, who(refused="login")),  # everyone ends on the login page
    "password_change": (SIGNED_IN, SIGNED_IN),
    "language_set": (NOT_OFFERED, ANYONE),
    "notifications": (SIGNED_IN, SIGNED_IN),  # POST: mark as read
    "audit_log": (AUDITORS, NOT_OFFERED),
    "audit_export": (AUDITORS, NOT_OFFERED),
    # Data rooms (the room is made editable for the unit's edits, submitted for review)
    "opd:list": (SIGNED_IN, NOT_OFFERED),
    "opd:review_queue": (who(BAPPEDA, anon="no"), NOT_OFFERED),
    "opd:theme": (SIGNED_IN, NOT_OFFERED),  # a city-wide theme
    "opd:program_edit": (OWN_UNIT, OWN_UNIT),
    "opd:program_delete": (NOT_OFFERED, OWN_UNIT),
    "opd:indicator_create": (NOT_OFFERED, OWN_UNIT),
    "opd:objective_edit": (OWN_UNIT, OWN_UNIT),
    "opd:objective_delete": (NOT_OFFERED, OWN_UNIT),
    "opd:indicator_edit": (OWN_UNIT, OWN_UNIT),
    "opd:indicator_delete": (NOT_OFFERED, OWN_UNIT),
    "opd:comparator_create": (NOT_OFFERED, OWN_UNIT),
    "opd:table_create": (NOT_OFFERED, OWN_UNIT),
    "opd:case_create": (NOT_OFFERED, OWN_UNIT),
    "opd:row_create": (NOT_OFFERED, OWN_UNIT),
    "opd:comparator_edit": (OWN_UNIT, OWN_UNIT),
    "opd:part_delete": (NOT_OFFERED, OWN_UNIT),
    "opd:attachment": (READERS | OWN_UNIT, NOT_OFFERED),
    "opd:attachment_delete": (NOT_OFFERED, OWN_UNIT),
    "opd:submission": (READERS | OWN_UNIT, NOT_OFFERED),
    "opd:detail": (READERS | OWN_UNIT, NOT_OFFERED),
    "opd:data_room": (READERS | OWN_UNIT, NOT_OFFERED),
    "opd:program_create": (NOT_OFFERED, OWN_UNIT),
    "opd:objective_create": (NOT_OFFERED, OWN_UNIT),
    "opd:attachment_upload": (NOT_OFFERED, OWN_UNIT),
    "opd:excel_export": (READERS | OWN_UNIT, NOT_OFFERED),
    "opd:excel_import": (NOT_OFFERED, OWN_UNIT),
    "opd:submit": (NOT_OFFERED, HEAD),
    "opd:review_comment": (NOT_OFFERED, BAPPEDA),
    "opd:review_return": (NOT_OFFERED, BAPPEDA),
    "opd:review_ready": (NOT_OFFERED, BAPPEDA),
    "opd:reopen": (NOT_OFFERED, BAPPEDA),
    "opd:versions": (READERS | OWN_UNIT, NOT_OFFERED),
    # The live session (item on stage, offer accepted). The event streams are answered
    # by a stand-in for the event hub (see ``no_event_hub``): only access is checked
    # here; the streams themselves in tests/auctions/test_display_stream.py,
    # test_live_language.py and tests/lelang/test_events.py.
    "auctions:list": (who(READERS, anon="no"), NOT_OFFERED),
    "auctions:session_create": (BAPPEDA, BAPPEDA),
    "auctions:session_edit": (BAPPEDA, BAPPEDA),
    "auctions:item_next": (NOT_OFFERED, BAPPEDA),
    "auctions:console": (BAPPEDA, NOT_OFFERED),
    "auctions:console_stream": (who(BAPPEDA, anon="no"), who(BAPPEDA, anon="no")),
    "auctions:item_add": (NOT_OFFERED, BAPPEDA),
    "auctions:hand_over": (NOT_OFFERED, BAPPEDA),
    # Only a refused item reopens: ours was accepted, so Bappeda too gets a 404 here.
    "auctions:reopen": (NOT_OFFERED, who(BAPPEDA, bappeda="no", superuser="no")),
    "auctions:item_action": (NOT_OFFERED, BAPPEDA),
    "auctions:timer": (NOT_OFFERED, BAPPEDA),
    "auctions:focus": (NOT_OFFERED, BAPPEDA),
    "auctions:session_close": (NOT_OFFERED, BAPPEDA),
    "auctions:display_renew": (NOT_OFFERED, BAPPEDA),
    "auctions:panel": (READERS, NOT_OFFERED),
    "auctions:panel_stream": (who(READERS, anon="no"), who(READERS, anon="no")),
    "auctions:offer_create": (NOT_OFFERED, PANEL),
    "auctions:offer_check": (NOT_OFFERED, PANEL),
    # The answer screen: any unit head, for their own unit (by role: not a superuser).
    "auctions:answer": (who(HEADS, superuser="no"), NOT_OFFERED),
    "auctions:answer_stream": (
        who(HEADS, anon="no", superuser="no"),
        who(HEADS, anon="no", superuser="no"),
    ),
    "auctions:decision_create": (NOT_OFFERED, HEAD),
    "projector": (ANYONE, NOT_OFFERED),  # a display link: the token is the key
    "projector_stream": (ANYONE, ANYONE),
    # Documents
    # The desk and the evidence pack list only the documents a person may read.
    "contracts:desk": (READERS | HEADS, NOT_OFFERED),
    "contracts:evidence": (READERS | HEADS, NOT_OFFERED),
    "contracts:agreements_prepare": (NOT_OFFERED, BAPPEDA),
    "contracts:ceremony": (PANEL, PANEL),
    "contracts:document": (READERS | OWN_UNIT, NOT_OFFERED),
    "contracts:download": (READERS | OWN_UNIT, NOT_OFFERED),
    "contracts:page": (READERS | OWN_UNIT, NOT_OFFERED),
    # The pact is signed already: the signers get a 400 (state), as do the others.
    "contracts:sign": (NOT_OFFERED, HEAD | PANEL),
    "contracts:amend": (NOT_OFFERED, BAPPEDA),
    "contracts:seal": (NOT_OFFERED, BAPPEDA),
    "verify": (ANYONE, ANYONE),  # the QR code's public page; POST: check a file
    "projector_document_page": (ANYONE, NOT_OFFERED),
    # Quarterly reports, dashboards and the public page (as in the monitoring matrix)
    "monitoring:index": (SIGNED_IN, NOT_OFFERED),
    "monitoring:quarter": (BAPPEDA, BAPPEDA),
    "monitoring:report": (MONITORS | OWN_UNIT, OWN_UNIT),
    "monitoring:line_save": (NOT_OFFERED, OWN_UNIT),
    "monitoring:evidence_upload": (NOT_OFFERED, OWN_UNIT),
    "monitoring:evidence_download": (MONITORS | OWN_UNIT, NOT_OFFERED),
    "monitoring:submit": (NOT_OFFERED, HEAD),
    "monitoring:review": (NOT_OFFERED, BAPPEDA),
    "monitoring:correct": (NOT_OFFERED, BAPPEDA),
    "dashboards:city": (MONITORS, NOT_OFFERED),
    "dashboards:opd": (MONITORS, NOT_OFFERED),
    "dashboards:theme": (MONITORS, NOT_OFFERED),
    "dashboards:sanctions": (SIGNED_IN, NOT_OFFERED),
    "dashboards:sanction": (MONITORS, PANEL),
    "dashboards:export_xlsx": (MONITORS, NOT_OFFERED),
    "dashboards:city_pdf": (MONITORS, NOT_OFFERED),
    "dashboards:opd_pdf": (MONITORS | OWN_UNIT, NOT_OFFERED),
    "public:index": (ANYONE, NOT_OFFERED),
    "public:manage": (  # by role: not a superuser
        who(BAPPEDA, superuser="no"),
        who(BAPPEDA, superuser="no"),
    ),
}  # fmt: skip

# The back office (Django admin, namespace "admin"): one rule for all its patterns,
# each still requested. It opens by role, not by is_staff (lelang/admin_site.py):
# Bappeda and superusers get in; what they may do there per model (read-only
# records: 403; no such page: 404; a method not offered: 405) is the admin's own
# business, tested in tests/lelang/test_admin*.py, so here: anything but a 500.
# Everyone else is sent to its login page.
BACK_OFFICE = who(refused="login", bappeda=ANY, superuser=ANY)
# Its own pages that differ from that rule (by url name or, unnamed, by route).
BACK_OFFICE_EXCEPTIONS: dict[str, tuple[Who, Who]] = {
    "admin:login": (ANYONE, ANYONE),
    # Logging out is harmless: anyone is sent back (to the back office's index).
    "admin:logout": (who(ANYONE, bappeda=ANY, superuser=ANY),) * 2,
}

# Patterns not requested here, each with the reason and the test that covers it.
EXCUSED: dict[str, str] = {}


# --- The resolver ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route where the pattern has no name
    name: str | None
    route: str
    kwargs: tuple[str, ...]

    @property
    def back_office(self) -> bool:
        return (self.name or "").startswith("admin:") or self.route.startswith("admin/")


def walk(resolver=None, prefix="", namespace=None):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, route, inner)
        else:
            assert isinstance(entry, URLPattern)
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            kwargs = tuple(entry.pattern.regex.groupindex)
            yield Pattern(name or route, name, route, kwargs)


def all_patterns() -> list[Pattern]:
    return list(walk())


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def url_of(pattern: Pattern, kwargs) -> str:
    if pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    # Unnamed: fill the route's converters or groups (the back office's old-style
    # object URLs and its catch-all).
    route = _CONVERTER.sub(lambda m: str(kwargs[m[1] or m[2]]), pattern.route)
    return "/" + route.replace("^", "").replace("$", "")


def expected(pattern: Pattern, method: str, person: str) -> str:
    if pattern.back_office:
        if pattern.key in BACK_OFFICE_EXCEPTIONS:
            spec = BACK_OFFICE_EXCEPTIONS[pattern.key][method == "POST"]
        else:
            spec = BACK_OFFICE
    else:
        spec = RULES[pattern.key][method == "POST"]
    if isinstance(spec, frozenset):
        spec = who(spec)
    return spec.outcome(person)


# --- Requests -------------------------------------------------------------------------


def acceptable(found: str, wanted: str) -> bool:
    """``found`` as the table wants it. A 400 or 409 (a form with errors, or an action
    the data's state does not allow: the pact is signed already) is neither a success
    nor a 500: fine both for people allowed and for people refused."""
    if wanted == ANY:
        return found != "500"
    return found == wanted or (wanted in ("ok", "no") and found in ("400", "409"))


def _login_pages() -> tuple[str, ...]:
    return (resolve_url(settings.LOGIN_URL), reverse("admin:login"))


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303) and response["Location"].startswith(_login_pages()):
        return "login"
    if status in (200, 204, 301, 302, 303):
        return "ok"
    if status in (403, 404):
        return "no"
    return str(status)


def send(client, method, url, data, prepare):
    data = {  # a fresh file per request: an upload is read once
        key: SimpleUploadedFile("foto.png", PNG, content_type="image/png")
        if value is UPLOAD
        else value
        for key, value in data.items()
    }
    with transaction.atomic():
        if prepare:
            prepare()
        if method == "GET":  # the data as a query string (a filter, a year)
            query = {key: value for key, value in data.items() if value is not UPLOAD}
            response = client.get(url, query)
        else:
            response = client.post(url, data)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def no_event_hub(monkeypatch):
    """The live streams answer at once, without the event hub: their access checks
    run as they are, then a stand-in returns an empty ``text/event-stream``."""

    async def stream(request, **kwargs):
        return HttpResponse(content_type="text/event-stream")

    monkeypatch.setattr(auction_views.events, "stream", stream)


@pytest.fixture
def world(
    pact,  # noqa: F811
    session,  # noqa: F811
    on_stage,  # noqa: F811
    offer,  # noqa: F811
    dinkes,
    dindik,
    operator,
    mayor,
    inspector,
    dinkes_head,
    dinkes_staff,
    dindik_head,
):
    people = make_people(
        operator=operator,
        mayor=mayor,
        inspector=inspector,
        dinkes_head=dinkes_head,
        dinkes_staff=dinkes_staff,
        dindik_head=dindik_head,
    )
    return build_world(
        pact=pact,
        session=session,
        on_stage=on_stage,
        offer=offer,
        dinkes=dinkes,
        dindik=dindik,
        people=people,
    )


# --- Tests ----------------------------------------------------------------------------


def test_the_table_has_a_rule_for_every_pattern():
    patterns = all_patterns()
    keys = [p.key for p in patterns]
    assert len(set(keys)) == len(keys), "two patterns share a key"
    outside = {p.key for p in patterns if not p.back_office}
    assert set(RULES) - set(EXCUSED) == outside - set(EXCUSED)
    assert set(BACK_OFFICE_EXCEPTIONS) <= {p.key for p in patterns if p.back_office}
    assert set(EXCUSED) <= set(keys)
    assert len(patterns) > 300  # the project's ~90 and the back office's ~250


@pytest.mark.parametrize("person", PEOPLE)
def test_every_url_for_each_person(client, world, no_event_hub, person):
    user = world.people[person]
    client.raise_request_exception = False  # a 500 is an outcome, listed with the others
    specs = requests(world)
    patterns = all_patterns()
    covered, wrong = set(), []
    for pattern in patterns:
        if pattern.key in EXCUSED:
            continue
        if pattern.back_office:
            request = type(specs["home"])(admin_kwargs(world, pattern.route, pattern.kwargs))
        else:
            request = specs[pattern.key]
        url = url_of(pattern, request.kwargs)
        for method in ("GET", "POST"):
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)  # again, after a logout or a new session key
            response = send(client, method, url, request.data, request.prepare)
            client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
            found, wanted = outcome(response), expected(pattern, method, person)
            if not acceptable(found, wanted):
                where = response.get("Location", "")
                wrong.append(
                    f"{pattern.key} {method} {url}: expected {wanted}, got {found} "
                    f"({response.status_code} {where})"
                )
            kind = response.get("Content-Type", "")
            if kind.startswith(("text/html", "text/event-stream")) and not response.get(
                "Content-Security-Policy"
            ):
                wrong.append(f"{pattern.key} {method} {url}: {kind} without a CSP header")
        covered.add(pattern.key)
    assert not wrong, f"{person}:\n" + "\n".join(wrong)
    assert len(covered) + len(EXCUSED) == len(patterns)
