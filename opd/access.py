"""Permission-checked fetches: the only way views get hold of a unit's objects."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from lelang.roles import planning_agency
from opd.models import (
    Attachment,
    CaseExample,
    Comparator,
    DataRoom,
    Indicator,
    Opd,
    Period,
    Program,
    StrategicObjective,
    Submission,
    SupportingRow,
    SupportingTable,
    Theme,
)

VIEW = "opd.view_dataroom"
EDIT = "opd.edit_dataroom"


def get_opd_for_user(request: HttpRequest, code: str, perm: str = "opd.view_opd") -> Opd:
    """The OPD with this code if the user holds ``perm`` on it; 404 or 403 otherwise."""
    opd = Opd.objects.filter(code=code).first()
    if opd is None:
        raise Http404(_("No OPD has this code."))
    if not request.user.has_perm(perm, opd):
        raise PermissionDenied(_("You may not open this OPD's data."))
    return opd


def deny(request: HttpRequest, obj, perm: str) -> PermissionDenied:
    """The most useful explanation of why ``perm`` is refused on ``obj``."""
    data_room = obj.owner_data_room
    if perm in (EDIT, "opd.submit_dataroom") and not data_room.is_editable:
        return PermissionDenied(
            _("This data room is “%(status)s” and cannot be changed now.")
            % {"status": data_room.get_status_display()}
        )
    if perm == "opd.submit_dataroom":
        return PermissionDenied(_("Only the head of the OPD can submit the data room."))
    if perm == "opd.review_dataroom":
        return PermissionDenied(
            _("Only %(agency)s can review a submitted data room.") % {"agency": planning_agency()}
        )
    if perm == "opd.reopen_dataroom":
        return PermissionDenied(
            _("Only %(agency)s can reopen a data room marked ready.")
            % {"agency": planning_agency()}
        )
    return PermissionDenied(_("You may not change this OPD's data."))


def _checked(request: HttpRequest, obj, perm: str):
    # Objects of a unit you may not see do not exist for you (404, not 403):
    # guessing IDs reveals nothing.
    if obj is None or not request.user.has_perm(VIEW, obj):
        raise Http404(_("Not found."))
    if perm != VIEW and not request.user.has_perm(perm, obj):
        raise deny(request, obj, perm)
    return obj


def _get(request, queryset: models.QuerySet, pk, perm: str):
    return _checked(request, queryset.filter(pk=pk).first(), perm)


def get_theme(code: str) -> Theme:
    """Themes are shared across units: anyone logged in may open one (its indicators
    are then filtered to the units they may see)."""
    theme = Theme.objects.filter(code=code).first()
    if theme is None:
        raise Http404(_("No theme has this code."))
    return theme


def current_period() -> Period:
    period = Period.objects.filter(is_current=True).first()
    if period is None:
        raise Http404(
            _("No planning period is open. %(agency)s sets one in the administration.")
            % {"agency": planning_agency()}
        )
    return period


def get_data_room_for_user(request, code: str, perm: str = VIEW) -> DataRoom:
    """The unit's data room for the current period, created empty on first visit."""
    opd = get_opd_for_user(request, code)
    data_room, _created = DataRoom.objects.select_related("opd", "period").get_or_create(
        opd=opd, period=current_period()
    )
    return _checked(request, data_room, perm)


def get_program_for_user(request, pk, perm: str = VIEW) -> Program:
    return _get(request, Program.objects.select_related("data_room__opd"), pk, perm)


def get_objective_for_user(request, pk, perm: str = VIEW) -> StrategicObjective:
    return _get(request, StrategicObjective.objects.select_related("data_room__opd"), pk, perm)


def get_indicator_for_user(request, pk, perm: str = VIEW) -> Indicator:
    qs = Indicator.objects.select_related("program__data_room__opd", "theme")
    return _get(request, qs, pk, perm)


def get_comparator_for_user(request, pk, perm: str = VIEW) -> Comparator:
    qs = Comparator.objects.select_related("indicator__program__data_room")
    return _get(request, qs, pk, perm)


def get_table_for_user(request, pk, perm: str = VIEW) -> SupportingTable:
    qs = SupportingTable.objects.select_related("indicator__program__data_room")
    return _get(request, qs, pk, perm)


def get_row_for_user(request, pk, perm: str = VIEW) -> SupportingRow:
    qs = SupportingRow.objects.select_related("table__indicator__program__data_room")
    return _get(request, qs, pk, perm)


def get_case_for_user(request, pk, perm: str = VIEW) -> CaseExample:
    qs = CaseExample.objects.select_related("indicator__program__data_room")
    return _get(request, qs, pk, perm)


def get_attachment_for_user(request, pk, perm: str = VIEW) -> Attachment:
    return _get(request, Attachment.objects.select_related("data_room__opd"), pk, perm)


def get_submission_for_user(request, pk, perm: str = VIEW) -> Submission:
    return _get(request, Submission.objects.select_related("data_room__opd"), pk, perm)
