"""The data behind the project-wide permission matrix (tests/test_permission_matrix.py).

``build_world`` makes one of everything a URL can point at, all of Dinas Kesehatan
(the "own unit" of the head and staff; Dinas Pendidikan's head is the "other unit"),
and ``request_for`` says, per URL pattern, the arguments and the data a person allowed
to act would send, and what state the data must be in for it (``prepare``, run inside
the request's rolled-back transaction).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from auctions.models import Session
from contracts import services as contract_services
from lelang.roles import Role
from monitoring import consequences
from monitoring import services as monitoring_services
from monitoring.models import Sanction
from opd import services as opd_services
from opd.models import (
    CaseExample,
    Comparator,
    DataRoom,
    Indicator,
    StrategicObjective,
    SupportingRow,
    SupportingTable,
    Theme,
)
from tests.factories import PASSWORD, UserFactory
from tests.monitoring.test_consequences import make_report
from tests.monitoring.test_reports import PNG, fill

UPLOAD = object()  # stands for an image file in the form data


@dataclasses.dataclass
class World:
    people: dict[str, Any]
    objects: dict[str, Any]


@dataclasses.dataclass
class Request:
    kwargs: dict[str, Any]
    data: dict[str, Any] = dataclasses.field(default_factory=dict)
    prepare: Callable[[], None] | None = None


def build_world(*, pact, session, on_stage, offer, dinkes, dindik, people) -> World:
    """Everything of Dinas Kesehatan: a data room (ready, with a submitted version and
    a file), a live session with an item on stage and an accepted offer, its signed
    pact, quarterly reports (one submitted with evidence, one draft), a rompi."""
    dinkes_head, dinkes_staff, mayor = people["head"], people["staff"], people["panel"]
    room = DataRoom.objects.get(opd=dinkes)
    # A submitted version, as the room went through review before the session.
    DataRoom.objects.filter(pk=room.pk).update(status=DataRoom.Status.DRAFT)
    room.refresh_from_db()
    indicator = Indicator.objects.filter(program__data_room=room).order_by("pk").first()
    attachment = opd_services.attachment_store(
        data_room=room,
        upload=SimpleUploadedFile("bukti.png", PNG, content_type="image/png"),
        content_type="image/png",
        indicator=indicator,
        user=dinkes_staff,
    )

    submission = opd_services.data_room_submit(
        data_room=room, user=dinkes_head, confirm_incomplete=True
    )
    DataRoom.objects.filter(pk=room.pk).update(status=DataRoom.Status.READY)
    room.refresh_from_db()
    contract_services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    contract_services.document_sign(document=pact, user=mayor, password=PASSWORD)
    pact.refresh_from_db()

    submitted = monitoring_services.report_open(
        opd=dinkes, quarter=monitoring_services.quarter_get(2019, 1), user=dinkes_staff
    )
    fill(submitted, dinkes_staff)
    line = submitted.lines.order_by("pk").first()
    evidence = monitoring_services.evidence_add(
        line=line,
        upload=SimpleUploadedFile("bukti.png", PNG, content_type="image/png"),
        user=dinkes_staff,
    )
    monitoring_services.report_submit(report=submitted, user=dinkes_head)
    draft = monitoring_services.report_open(
        opd=dinkes, quarter=monitoring_services.quarter_get(2019, 2), user=dinkes_staff
    )
    make_report(dinkes, pact, 2018, 3, 30)
    make_report(dinkes, pact, 2018, 4, 30)
    consequences.propose_consequences(2018)
    theme = Theme.objects.create(code="penurunan-aki", name="Penurunan Angka Kematian Ibu")
    Group.objects.create(name="Operator")
    session.refresh_from_db()
    objects = {
        "room": room,
        "submission": submission,
        "indicator": indicator,
        "program": indicator.program,
        "objective": StrategicObjective.objects.filter(data_room=room).first(),
        "comparator": Comparator.objects.filter(indicator=indicator).first(),
        "table": SupportingTable.objects.filter(indicator=indicator).first(),
        "row": SupportingRow.objects.filter(table__indicator=indicator).first(),
        "case": CaseExample.objects.filter(indicator=indicator).first(),
        "attachment": attachment,
        "session": session,
        "item": on_stage,
        "offer": offer,
        "pact": pact,
        "submitted": submitted,
        "line": line,
        "evidence": evidence,
        "draft": draft,
        "draft_line": draft.lines.order_by("pk").first(),
        "sanction": Sanction.objects.get(rule="very_low_twice"),
        "theme": theme,
        "dindik": dindik,
    }
    return World(people=people, objects=objects)


def make_people(*, operator, mayor, inspector, dinkes_head, dinkes_staff, dindik_head):
    return {
        "anon": None,
        "bappeda": operator,
        "panel": mayor,
        "inspector": inspector,
        "monitoring": UserFactory(username="kominfo", role=Role.MONITORING),
        "head": dinkes_head,
        "staff": dinkes_staff,
        "other": dindik_head,
        # Django's own superuser (createsuperuser): no role, every permission.
        "superuser": UserFactory(username="root", role="", is_superuser=True, is_staff=True),
    }


def _status(room, status) -> Callable[[], None]:
    def prepare():
        DataRoom.objects.filter(pk=room.pk).update(status=status)

    return prepare


def _session_status(session, status) -> Callable[[], None]:
    def prepare():
        Session.objects.filter(pk=session.pk).update(status=status)

    return prepare


def requests(world: World) -> dict[str, Request]:
    """Per named pattern: what a person allowed to act would send."""
    o = world.objects
    room, session, item, pact = o["room"], o["session"], o["item"], o["pact"]
    draft = _status(room, DataRoom.Status.DRAFT)  # the unit edits its data room
    submitted = _status(room, DataRoom.Status.SUBMITTED)  # Bappeda reviews it
    code = {"code": "dinkes"}
    draft_line = o["draft_line"]
    return {
        # lelang
        "home": Request({}),
        "login": Request({}, {"username": "nobody", "password": "wrong"}),
        "logout": Request({}),
        "password_change": Request(
            {},
            {
                "old_password": PASSWORD,
                "new_password1": "Sandi-Baru-2019!x",
                "new_password2": "Sandi-Baru-2019!x",
            },
        ),
        "language_set": Request({}, {"language": "en", "next": "/"}),
        "notifications": Request({}),
        "audit_log": Request({}),
        "audit_export": Request({}),
        # opd
        "opd:list": Request({}),
        "opd:review_queue": Request({}),
        "opd:theme": Request({"code": o["theme"].code}),
        "opd:program_edit": Request({"pk": o["program"].pk}, {}, draft),
        "opd:program_delete": Request({"pk": o["program"].pk}, {}, draft),
        "opd:indicator_create": Request({"program_pk": o["program"].pk}, {}, draft),
        "opd:objective_edit": Request({"pk": o["objective"].pk}, {}, draft),
        "opd:objective_delete": Request({"pk": o["objective"].pk}, {}, draft),
        "opd:indicator_edit": Request({"pk": o["indicator"].pk}, {}, draft),
        "opd:indicator_delete": Request({"pk": o["indicator"].pk}, {}, draft),
        "opd:comparator_create": Request({"indicator_pk": o["indicator"].pk}, {}, draft),
        "opd:table_create": Request({"indicator_pk": o["indicator"].pk}, {}, draft),
        "opd:case_create": Request({"indicator_pk": o["indicator"].pk}, {}, draft),
        "opd:row_create": Request({"table_pk": o["table"].pk}, {}, draft),
        "opd:comparator_edit": Request({"pk": o["comparator"].pk}, {}, draft),
        "opd:part_delete": Request({"kind": "row", "pk": o["row"].pk}, {}, draft),
        "opd:attachment": Request({"pk": o["attachment"].pk}),
        "opd:attachment_delete": Request({"pk": o["attachment"].pk}, {}, draft),
        "opd:submission": Request({"pk": o["submission"].pk}),
        "opd:detail": Request(code),
        "opd:data_room": Request(code),
        "opd:program_create": Request(code, {}, draft),
        "opd:objective_create": Request(code, {}, draft),
        "opd:attachment_upload": Request(code, {"file-file": UPLOAD}, draft),
        "opd:excel_export": Request(code),
        "opd:excel_import": Request(code, {}, draft),
        "opd:submit": Request(code, {"confirm_incomplete": "1"}, draft),
        "opd:review_comment": Request(code, {"text": "Sumber data?"}, submitted),
        "opd:review_return": Request(code, {"text": "Lengkapi"}, submitted),
        "opd:review_ready": Request(code, {}, submitted),
        "opd:reopen": Request(code, {"reopen-reason": "Data baru"}),
        "opd:versions": Request(code),
        # auctions
        "auctions:list": Request({}),
        "auctions:session_create": Request({}),
        "auctions:session_edit": Request({"pk": session.pk}),
        "auctions:item_next": Request({"pk": session.pk}),
        "auctions:console": Request({"pk": session.pk}),
        "auctions:console_stream": Request({"pk": session.pk}),
        "auctions:item_add": Request({"pk": session.pk}),
        "auctions:hand_over": Request({"pk": item.pk}),
        "auctions:reopen": Request({"pk": item.pk}),
        "auctions:item_action": Request({"pk": item.pk, "action": "up"}),
        "auctions:timer": Request({"pk": session.pk, "action": "plus"}),
        "auctions:focus": Request({"pk": session.pk}),
        "auctions:session_close": Request({"pk": session.pk}),
        "auctions:display_renew": Request({"pk": session.pk}),
        "auctions:panel": Request({"pk": session.pk}),
        "auctions:panel_stream": Request({"pk": session.pk}),
        "auctions:offer_create": Request({"pk": session.pk}),
        "auctions:offer_check": Request({"pk": session.pk}),
        "auctions:answer": Request({"pk": session.pk}),
        "auctions:answer_stream": Request({"pk": session.pk}),
        "auctions:decision_create": Request({"pk": o["offer"].pk}),
        "projector": Request({"token": session.display_token}),
        "projector_stream": Request({"token": session.display_token}),
        # contracts
        "contracts:desk": Request({}),
        "contracts:evidence": Request({}),
        "contracts:agreements_prepare": Request({}),
        "contracts:ceremony": Request({}),
        "contracts:document": Request({"pk": pact.pk}),
        "contracts:download": Request({"pk": pact.pk}),
        "contracts:page": Request({"pk": pact.pk}),
        "contracts:sign": Request({"pk": pact.pk}, {"password": PASSWORD}),
        "contracts:amend": Request({"pk": pact.pk}),
        "contracts:seal": Request({"pk": pact.pk}),
        "verify": Request({"token": pact.token}),
        "projector_document_page": Request({"token": session.display_token, "pk": pact.pk}),
        # monitoring (as in tests/monitoring/test_permission_matrix.py)
        "monitoring:index": Request({}),
        "monitoring:quarter": Request(
            {"year": 2019, "number": 2}, {"action": "due", "due_date": "2019-07-20"}
        ),
        "monitoring:report": Request(
            {"code": "dinkes", "year": 2019, "number": 3}, {"action": "open"}
        ),
        "monitoring:line_save": Request(
            {"pk": draft_line.pk},
            {f"line-{draft_line.pk}-realization": "40", f"line-{draft_line.pk}-narrative": "x"},
        ),
        "monitoring:evidence_upload": Request(
            {"pk": draft_line.pk}, {f"evidence-{draft_line.pk}-file": UPLOAD}
        ),
        "monitoring:evidence_download": Request({"pk": o["evidence"].pk}),
        "monitoring:submit": Request({"pk": o["draft"].pk}),
        "monitoring:review": Request({"pk": o["submitted"].pk}, {"action": "verify"}),
        "monitoring:correct": Request({"pk": o["submitted"].pk}, {"reason": "Data BPS terbaru"}),
        "dashboards:city": Request({}),
        "dashboards:opd": Request(code),
        "dashboards:theme": Request({"code": o["theme"].code}),
        "dashboards:sanctions": Request({}, {"year": "2018"}),
        "dashboards:sanction": Request(
            {"pk": o["sanction"].pk}, {"action": "dismiss", "reason": "Sudah dibina langsung"}
        ),
        "dashboards:export_xlsx": Request({}),
        "dashboards:city_pdf": Request({}),
        "dashboards:opd_pdf": Request(code, {"year": "2019", "quarter": "1"}),
        "public:index": Request({}),
        "public:manage": Request({}),
    }


_ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def admin_kwargs(world: World, route: str, names: list[str]) -> dict[str, Any]:
    """Arguments of a back-office URL, by kwarg name: an existing object of the
    route's model, the app "opd", a page that does not exist for the catch-all."""
    kwargs: dict[str, Any] = {}
    match = _ADMIN_MODEL.match(route)
    model = apps.get_model(match["app"], match["model"]) if match and "object_id" in names else None
    for name in names:
        if name == "object_id" and model is not None:
            if model is world.people["staff"].__class__:
                kwargs[name] = str(world.people["staff"].pk)
            else:
                first = model._default_manager.order_by("pk").first()
                kwargs[name] = str(first.pk) if first else "0"
        elif name == "object_id":  # view_on_site: r/<content_type_id>/<object_id>/
            kwargs[name] = str(world.objects["room"].opd_id)
        elif name == "content_type_id":
            kwargs[name] = ContentType.objects.get(app_label="opd", model="opd").pk
        elif name == "id":  # a user's password form
            kwargs[name] = str(world.people["staff"].pk)
        elif name == "app_label":
            kwargs[name] = "opd"
        elif name == "url":
            kwargs[name] = "tidak-ada/"
        else:
            raise AssertionError(f"{route}: no value for the argument {name!r}")
    return kwargs
