from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, retarget

from lelang.audit import audit_record
from lelang.roles import planning_agency
from lelang.templatetags.numbers import angka, rupiah, satuan
from opd import services
from opd.access import (
    EDIT,
    current_period,
    get_attachment_for_user,
    get_case_for_user,
    get_comparator_for_user,
    get_data_room_for_user,
    get_indicator_for_user,
    get_objective_for_user,
    get_opd_for_user,
    get_program_for_user,
    get_row_for_user,
    get_submission_for_user,
    get_table_for_user,
    get_theme,
)
from opd.charts import baseline_chart_svg
from opd.checklist import data_room_checklist, programs_for_checklist
from opd.excel import build_workbook, import_workbook
from opd.forms import (
    UNIT_SUGGESTIONS,
    AttachmentForm,
    CaseExampleForm,
    ComparatorForm,
    IndicatorForm,
    ProgramForm,
    ReopenForm,
    ReviewCommentForm,
    StrategicObjectiveForm,
    SupportingRowForm,
    SupportingTableForm,
    VersionCompareForm,
)
from opd.models import (
    Attachment,
    CaseExample,
    Comparator,
    DataRoom,
    Indicator,
    Opd,
    Position,
    Program,
    SupportingRow,
    SupportingTable,
    Tenure,
    Theme,
)
from opd.selectors import visible_opds
from opd.versions import Diff, diff_snapshots

# --- Units ---------------------------------------------------------------------


@require_GET
@login_required
def opd_list(request):
    opds = visible_opds(request.user)
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if query:
        opds = opds.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    if kind in Opd.Kind.values:
        opds = opds.filter(kind=kind)
    heads = Tenure.objects.current().filter(position__is_head=True).select_related("official")
    opds = opds.prefetch_related(
        Prefetch("positions", queryset=Position.objects.filter(is_head=True)),
        Prefetch("positions__tenures", queryset=heads, to_attr="current_tenures"),
    )
    context = {"opds": opds, "query": query, "kind": kind, "kinds": Opd.Kind.choices}
    template = "opd/opd_list.html#opd-table" if request.htmx else "opd/opd_list.html"
    return render(request, template, context)


def _with_charts(programs):
    """Attach the server-rendered SVG chart to each indicator (also used in PDFs later)."""
    for program in programs:
        for indicator in program.indicators.all():
            indicator.chart = indicator_chart(indicator)
    return programs


def indicator_chart(indicator: Indicator):
    target = None
    if indicator.target_value is not None and indicator.target_year:
        target = (indicator.target_year, indicator.target_value)
    return baseline_chart_svg(
        unit=indicator.unit,
        baseline=(indicator.baseline_year, indicator.baseline_value),
        target=target,
        comparators=[(c.label, c.year, c.value) for c in indicator.comparators.all()],
        title=indicator.name,
    )


@require_GET
@login_required
def opd_detail(request, code):
    opd = get_opd_for_user(request, code)
    today = timezone.localdate()
    positions = opd.positions.prefetch_related(
        Prefetch(
            "tenures",
            queryset=Tenure.objects.select_related("official").order_by("-start_date"),
        )
    )
    rows = []
    for position in positions:
        tenures = list(position.tenures.all())
        current = [t for t in tenures if t.is_current(today)]
        rows.append({"position": position, "current": current, "history": tenures})
    data_room = DataRoom.objects.filter(opd=opd, period__is_current=True).first()
    programs = _with_charts(programs_for_checklist(data_room)) if data_room else []
    context = {"opd": opd, "rows": rows, "data_room": data_room, "programs": programs}
    return render(request, "opd/opd_detail.html", context)


@require_GET
@login_required
def theme_detail(request, code):
    theme = get_theme(code)
    indicators = (
        Indicator.objects.filter(theme=theme, program__data_room__period__is_current=True)
        .filter(program__data_room__opd__in=visible_opds(request.user))
        .select_related("program__data_room__opd")
        .prefetch_related("comparators")
        .order_by("program__data_room__opd__name", "order", "pk")
    )
    for indicator in indicators:
        indicator.chart = indicator_chart(indicator)
    opds = Opd.objects.filter(
        data_rooms__programs__indicators__theme=theme, data_rooms__period__is_current=True
    ).distinct()
    context = {"theme": theme, "indicators": indicators, "opds": opds}
    return render(request, "opd/theme_detail.html", context)


# --- The data room ---------------------------------------------------------------


def _editor_context(request, data_room, bound=None):
    """Everything the data room page shows, with an unbound form wherever one belongs.

    ``bound`` maps a form's prefix to a bound form with errors, which then takes the
    place of the empty one, so nothing the user typed is lost.
    """
    bound = bound or {}
    can_edit = request.user.has_perm(EDIT, data_room)
    programs = list(programs_for_checklist(data_room))
    for program in programs:
        _attach_program_forms(program, bound)
    objectives = list(data_room.objectives.annotate(indicator_count=Count("indicators")))
    for objective in objectives:
        objective.edit_form = bound.get(f"objective-{objective.pk}")
    submissions = list(data_room.submissions.order_by("-number"))
    latest = submissions[0] if submissions else None
    can_reopen = request.user.has_perm("opd.reopen_dataroom", data_room)
    return {
        "opd": data_room.opd,
        "data_room": data_room,
        "programs": programs,
        "objectives": objectives,
        "objective_form": bound.get("objective-new")
        or StrategicObjectiveForm(prefix="objective-new"),
        "can_edit": can_edit,
        "can_submit": request.user.has_perm("opd.submit_dataroom", data_room),
        "can_review": request.user.has_perm("opd.review_dataroom", data_room),
        "checklist": data_room_checklist(data_room, programs),
        "latest": latest,
        "comments": latest.comments.all() if latest else [],
        "submissions": submissions,
        # Every file of the room in one list, each saying where it belongs, so an upload
        # is seen where it was made whatever indicator it went to.
        "attachments": data_room.attachments.select_related("indicator").order_by(
            "indicator__program__order", "indicator__order", "indicator_id", "pk"
        ),
        "program_form": bound.get("program-new") or ProgramForm(prefix="program-new"),
        "attachment_form": bound.get("file") or AttachmentForm(prefix="file", data_room=data_room),
        "unit_suggestions": UNIT_SUGGESTIONS,
        "review_form": _review_form(data_room) if data_room.status == "submitted" else None,
        "reopen_form": bound.get("reopen") or (ReopenForm(prefix="reopen") if can_reopen else None),
    }


def _attach_program_forms(program, bound):
    key = f"ind-new-{program.pk}"
    program.new_indicator_form = bound.get(key) or IndicatorForm(prefix=key, program=program)
    program.edit_form = bound.get(f"program-{program.pk}")
    for indicator in program.indicators.all():
        _attach_indicator_forms(indicator, bound)


def _attach_indicator_forms(indicator, bound):
    pk = indicator.pk
    indicator.edit_form = bound.get(f"ind-{pk}")
    indicator.new_comparator_form = bound.get(f"cmp-new-{pk}") or ComparatorForm(
        prefix=f"cmp-new-{pk}", indicator=indicator
    )
    indicator.new_table_form = bound.get(f"tbl-new-{pk}") or SupportingTableForm(
        prefix=f"tbl-new-{pk}"
    )
    indicator.new_case_form = bound.get(f"case-new-{pk}") or CaseExampleForm(
        prefix=f"case-new-{pk}"
    )
    for table in indicator.supporting_tables.all():
        key = f"row-new-{table.pk}"
        table.new_row_form = bound.get(key) or SupportingRowForm(prefix=key)


def _program_in_context(context, program_pk):
    return next(p for p in context["programs"] if p.pk == program_pk)


def _indicator_in_context(context, indicator_pk, program_pk):
    program = _program_in_context(context, program_pk)
    return program, next(i for i in program.indicators.all() if i.pk == indicator_pk)


def _with_checklist(request, html: str, context) -> HttpResponse:
    """An htmx answer: the swapped part, and the checklist out of band, so the top of
    the page says what is still missing after every save."""
    checklist = render_to_string("opd/data_room.html#checklist", {**context, "oob": True}, request)
    return HttpResponse(html + checklist)


def _reload_at(request, room, anchor: str):
    """The whole room again, scrolled to ``anchor`` (a part just added changes forms
    elsewhere on the page). For htmx the address carries the new part as a query too:
    a client redirect to the same address plus only a ``#fragment`` would just scroll,
    leaving the page as it was, without the new part."""
    url = room.get_absolute_url()
    if request.htmx:
        return HttpResponseClientRedirect(f"{url}?baru={anchor}#{anchor}")
    return redirect(f"{url}#{anchor}")


def _respond(
    request, data_room, *, partial=None, program=None, indicator=None, bound=None, problem=""
):
    """Render one swap target for htmx, or the whole page (or a redirect) without it.

    ``problem`` is a sentence shown in the program or indicator that was acted on (a
    refused delete).
    """
    if bound is None and not problem and not request.htmx:
        anchor = (
            f"#indicator-{indicator.pk}"
            if indicator
            else (f"#program-{program.pk}" if program else "")
        )
        return redirect(data_room.get_absolute_url() + anchor)
    context = _editor_context(request, data_room, bound)
    if program is not None:
        context["program"] = _program_in_context(context, program.pk)
        context["program"].problem = problem
    if indicator is not None:
        context["program"], context["indicator"] = _indicator_in_context(
            context, indicator.pk, indicator.program_id
        )
        context["indicator"].problem = problem
    if request.htmx and partial:
        html = render_to_string(f"opd/data_room.html#{partial}", context, request)
        return _with_checklist(request, html, context)
    return render(request, "opd/data_room.html", context, status=200)


@require_GET
@login_required
def data_room(request, code):
    room = get_data_room_for_user(request, code)
    return render(request, "opd/data_room.html", _editor_context(request, room))


def _save_part(
    request, form, instance_setup, *, data_room, partial, program=None, indicator=None, key
):
    """Validate ``form``, let ``instance_setup`` fill in the parent, save through the service."""
    if form.is_valid():
        instance = form.save(commit=False)
        instance_setup(instance)
        try:
            services.part_save(instance=instance, user=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _respond(
                request, data_room, partial=partial, program=program, indicator=indicator
            )
    return _respond(
        request, data_room, partial=partial, program=program, indicator=indicator, bound={key: form}
    )


@require_POST
@login_required
def program_create(request, code):
    room = get_data_room_for_user(request, code, EDIT)
    form = ProgramForm(request.POST, prefix="program-new", data_room=room)

    def setup(program):
        program.data_room = room
        program.order = room.programs.count() + 1

    if form.is_valid():
        program = form.save(commit=False)
        setup(program)
        services.part_save(instance=program, user=request.user, request=request)
        return _reload_at(request, room, f"program-{program.pk}")
    return _respond(request, room, partial="program-new-form", bound={"program-new": form})


# --- Strategic objectives ----------------------------------------------------------


def _objective_response(request, room, objective, *, bound=None, problem="", saved=False):
    """The objective's row for htmx (after a rename, with the indicators that show its
    name out of band), or the whole page (or a redirect) without htmx."""
    if bound is None and not problem and not request.htmx:
        return redirect(f"{room.get_absolute_url()}#objective-{objective.pk}")
    context = _editor_context(request, room, bound)
    context["objective"] = next(o for o in context["objectives"] if o.pk == objective.pk)
    context["objective"].problem = problem
    if not request.htmx:
        return render(request, "opd/data_room.html", context)
    html = render_to_string("opd/data_room.html#objective-row", context, request)
    if saved:
        for program in context["programs"]:
            for indicator in program.indicators.all():
                if indicator.objective_id == objective.pk:
                    html += render_to_string(
                        "opd/data_room.html#indicator-block",
                        {**context, "program": program, "indicator": indicator, "oob": True},
                        request,
                    )
    return _with_checklist(request, html, context)


@require_POST
@login_required
def objective_create(request, code):
    room = get_data_room_for_user(request, code, EDIT)
    form = StrategicObjectiveForm(request.POST, prefix="objective-new")
    if form.is_valid():
        try:
            objective = services.objective_save(
                data_room=room, name=form.cleaned_data["name"], user=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Every indicator form on the page offers the new objective: reload it.
            return _reload_at(request, room, f"objective-{objective.pk}")
    return _respond(request, room, partial="objectives", bound={"objective-new": form})


@require_http_methods(["GET", "POST"])
@login_required
def objective_edit(request, pk):
    objective = get_objective_for_user(request, pk, EDIT)
    room, key = objective.data_room, f"objective-{pk}"
    if request.method == "GET":
        form = StrategicObjectiveForm(instance=objective, prefix=key)
        return _objective_response(request, room, objective, bound={key: form})
    # A copy, so a refused name does not show as the objective's name elsewhere.
    form = StrategicObjectiveForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            services.objective_save(
                objective=objective,
                name=form.cleaned_data["name"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _objective_response(request, room, objective, saved=True)
    return _objective_response(request, room, objective, bound={key: form})


@require_POST
@login_required
def objective_delete(request, pk):
    objective = get_objective_for_user(request, pk, EDIT)
    room = objective.data_room
    try:
        services.objective_delete(objective=objective, user=request.user, request=request)
    except ValidationError as error:  # still in use (PartInUse), or locked meanwhile
        return _objective_response(request, room, objective, problem=" ".join(error.messages))
    done = _("Strategic objective “%(name)s” deleted.") % {"name": objective.name}
    if request.htmx:
        context = _editor_context(request, room)
        html = render_to_string(
            "opd/data_room.html#deleted", {"anchor": f"objective-{pk}", "text": done}, request
        )
        return _with_checklist(request, html, context)
    messages.success(request, done)
    return redirect(room.get_absolute_url() + "#objectives")


@require_http_methods(["GET", "POST"])
@login_required
def program_edit(request, pk):
    program = get_program_for_user(request, pk, EDIT)
    key = f"program-{pk}"
    if request.method == "GET":
        return _respond(
            request,
            program.data_room,
            partial="program-card",
            program=program,
            bound={key: ProgramForm(instance=program, prefix=key)},
        )
    form = ProgramForm(request.POST, instance=program, prefix=key)
    return _save_part(
        request,
        form,
        lambda p: None,
        data_room=program.data_room,
        partial="program-card",
        program=program,
        key=key,
    )


@require_POST
@login_required
def program_delete(request, pk):
    program = get_program_for_user(request, pk, EDIT)
    room = program.data_room
    try:
        services.program_delete(program=program, user=request.user, request=request)
    except services.PartInUse as error:
        return _respond(
            request, room, partial="program-card", program=program, problem=error.message
        )
    done = _("Program “%(name)s” deleted.") % {"name": program.name}
    if request.htmx:
        # The card gives way to a line saying so: the rest of the page stays put.
        context = _editor_context(request, room)
        html = render_to_string(
            "opd/data_room.html#deleted", {"anchor": f"program-{pk}", "text": done}, request
        )
        return _with_checklist(request, html, context)
    messages.success(request, done)
    return redirect(room.get_absolute_url())


@require_POST
@login_required
def indicator_create(request, program_pk):
    program = get_program_for_user(request, program_pk, EDIT)
    form = IndicatorForm(request.POST, prefix=f"ind-new-{program.pk}", program=program)

    def setup(indicator):
        indicator.program = program
        indicator.order = program.indicators.count() + 1

    return _save_part(
        request,
        form,
        setup,
        data_room=program.data_room,
        partial="program-card",
        program=program,
        key=f"ind-new-{program.pk}",
    )


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request, pk):
    indicator = get_indicator_for_user(request, pk, EDIT)
    room, key = indicator.program.data_room, f"ind-{pk}"
    if request.method == "GET":
        return _respond(
            request,
            room,
            partial="indicator-block",
            indicator=indicator,
            bound={key: IndicatorForm(instance=indicator, prefix=key)},
        )
    form = IndicatorForm(request.POST, instance=indicator, prefix=key)
    return _save_part(
        request,
        form,
        lambda i: None,
        data_room=room,
        partial="indicator-block",
        indicator=indicator,
        key=key,
    )


@require_POST
@login_required
def indicator_delete(request, pk):
    indicator = get_indicator_for_user(request, pk, EDIT)
    program = indicator.program
    try:
        services.indicator_delete(indicator=indicator, user=request.user, request=request)
    except services.PartInUse as error:
        return _respond(
            request,
            program.data_room,
            partial="program-card",
            indicator=indicator,
            problem=error.message,
        )
    return _respond(request, program.data_room, partial="program-card", program=program)


def _indicator_part_create(request, pk, form_class, prefix):
    """Add a comparator, breakdown table or case example to an indicator."""
    indicator = get_indicator_for_user(request, pk, EDIT)
    key = f"{prefix}-{indicator.pk}"
    extra = {"indicator": indicator} if form_class is ComparatorForm else {}
    form = form_class(request.POST, prefix=key, **extra)
    return _save_part(
        request,
        form,
        lambda part: setattr(part, "indicator", indicator),
        data_room=indicator.program.data_room,
        partial="indicator-block",
        indicator=indicator,
        key=key,
    )


@require_POST
@login_required
def comparator_create(request, indicator_pk):
    return _indicator_part_create(request, indicator_pk, ComparatorForm, "cmp-new")


@require_POST
@login_required
def table_create(request, indicator_pk):
    return _indicator_part_create(request, indicator_pk, SupportingTableForm, "tbl-new")


@require_POST
@login_required
def case_create(request, indicator_pk):
    return _indicator_part_create(request, indicator_pk, CaseExampleForm, "case-new")


@require_POST
@login_required
def row_create(request, table_pk):
    table = get_table_for_user(request, table_pk, EDIT)
    key = f"row-new-{table.pk}"
    form = SupportingRowForm(request.POST, prefix=key, table=table)

    def setup(row):
        row.table = table
        row.order = table.rows.count() + 1

    return _save_part(
        request,
        form,
        setup,
        data_room=table.indicator.program.data_room,
        partial="indicator-block",
        indicator=table.indicator,
        key=key,
    )


_PART_GETTERS = {
    "comparator": get_comparator_for_user,
    "table": get_table_for_user,
    "row": get_row_for_user,
    "case": get_case_for_user,
}


@require_POST
@login_required
def part_delete(request, kind, pk):
    """Delete a comparator, supporting table, supporting row or case example."""
    getter = _PART_GETTERS.get(kind)
    if getter is None:
        return HttpResponse(status=404)
    part = getter(request, pk, EDIT)
    indicator = part.table.indicator if kind == "row" else part.indicator
    services.part_delete(instance=part, user=request.user, request=request)
    return _respond(
        request, indicator.program.data_room, partial="indicator-block", indicator=indicator
    )


@require_http_methods(["GET", "POST"])
@login_required
def comparator_edit(request, pk):
    comparator = get_comparator_for_user(request, pk, EDIT)
    indicator, key = comparator.indicator, f"cmp-{pk}"
    room = indicator.program.data_room
    form = ComparatorForm(
        request.POST if request.method == "POST" else None,
        instance=comparator,
        prefix=key,
        indicator=indicator,
    )
    if request.method == "POST" and form.is_valid():
        services.part_save(instance=form.save(commit=False), user=request.user, request=request)
        return _respond(request, room, partial="indicator-block", indicator=indicator)
    context = {"comparator": comparator, "form": form, "indicator": indicator}
    if not request.htmx:
        return render(request, "opd/comparator_edit.html", context)
    response = render(request, "opd/data_room.html#comparator-form", context)
    # The form posts to the whole indicator; with errors, only its own row is replaced.
    return retarget(response, f"#comparator-{comparator.pk}")


# --- Files -----------------------------------------------------------------------


@require_POST
@login_required
def attachment_upload(request, code):
    room = get_data_room_for_user(request, code, EDIT)
    form = AttachmentForm(request.POST, request.FILES, prefix="file", data_room=room)
    if not form.is_valid():
        return _respond(request, room, partial="files", bound={"file": form})
    attachment = services.attachment_store(
        data_room=room,
        upload=form.cleaned_data["file"],
        content_type=form.content_type,
        indicator=form.cleaned_data["indicator"],
        description=form.cleaned_data["description"],
        user=request.user,
        request=request,
    )
    if not request.htmx:
        done = _("File “%(name)s” uploaded.") % {"name": attachment.original_name}
        messages.success(request, done)
        anchor = f"#indicator-{attachment.indicator_id}" if attachment.indicator_id else "#files"
        return redirect(room.get_absolute_url() + anchor)
    return _files_response(request, room, attachment.indicator, uploaded=attachment)


def _files_response(request, room, indicator, *, uploaded=None):
    """The files list (and, for an indicator's file, that indicator too) after a change."""
    context = _editor_context(request, room)
    context["uploaded"] = uploaded
    html = render_to_string("opd/data_room.html#files", context, request)
    if indicator is not None:
        context["program"], context["indicator"] = _indicator_in_context(
            context, indicator.pk, indicator.program_id
        )
        context["oob"] = True
        html += render_to_string("opd/data_room.html#indicator-block", context, request)
        context["oob"] = False
    return _with_checklist(request, html, context)


@require_GET
@login_required
def attachment_download(request, pk):
    attachment = get_attachment_for_user(request, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A read an inspector may need to trace: who took which evidence out, and when.
    audit_record(action="opd.attachment.download", obj=attachment, request=request)
    return response


@require_POST
@login_required
def attachment_delete(request, pk):
    attachment = get_attachment_for_user(request, pk, EDIT)
    room, indicator = attachment.data_room, attachment.indicator
    services.part_delete(instance=attachment, user=request.user, request=request)
    if request.htmx:
        return _files_response(request, room, indicator)
    messages.success(request, _("File deleted."))
    return redirect(room.get_absolute_url() + "#files")


# --- Excel -----------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@login_required
def excel_export(request, code):
    room = get_data_room_for_user(request, code)
    response = HttpResponse(build_workbook(room), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"ruang-data-{room.opd.code}-{stamp}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit_record(action="opd.dataroom.export", obj=room, after={"file": filename}, request=request)
    return response


@require_POST
@login_required
def excel_import(request, code):
    room = get_data_room_for_user(request, code, EDIT)
    upload = request.FILES.get("workbook")
    if upload is None:
        messages.error(request, _("Choose the Excel file to upload."))
        return redirect(room.get_absolute_url() + "#excel")
    if upload.size > settings.LELANG_UPLOAD_MAX_BYTES:
        messages.error(request, _("The Excel file is too large."))
        return redirect(room.get_absolute_url() + "#excel")
    result = import_workbook(data_room=room, fileobj=upload, user=request.user, request=request)
    if result.ok:
        messages.success(
            request,
            _(
                "Excel applied: %(programs)s new programs, %(objectives)s new strategic "
                "objectives, %(created)s new and %(updated)s updated indicators, "
                "%(comparators)s comparators, %(rows)s supporting rows."
            )
            % {
                "programs": result.programs_created,
                "objectives": result.objectives_created,
                "created": result.indicators_created,
                "updated": result.indicators_updated,
                "comparators": result.comparators,
                "rows": result.supporting_rows,
            },
        )
        return redirect(room.get_absolute_url())
    context = _editor_context(request, room)
    context["import_errors"] = result.errors
    return render(request, "opd/data_room.html", context)


# --- Submission and review -------------------------------------------------------


@require_POST
@login_required
def data_room_submit(request, code):
    room = get_data_room_for_user(request, code, "opd.submit_dataroom")
    try:
        submission = services.data_room_submit(
            data_room=room,
            user=request.user,
            request=request,
            confirm_incomplete=request.POST.get("confirm_incomplete") == "1",
        )
    except services.DataRoomIncomplete as incomplete:
        # The head sees what Bappeda will miss, and may still submit it.
        context = {"data_room": room, "opd": room.opd, "missing": incomplete.missing}
        return render(request, "opd/submit_confirm.html", context)
    messages.success(
        request,
        _("Version %(number)s submitted to %(agency)s for review.")
        % {"number": submission.number, "agency": planning_agency()},
    )
    return redirect(room.get_absolute_url())


@require_GET
@permission_required("opd.view_review_queue", raise_exception=True)
def review_queue(request):
    rooms = (
        DataRoom.objects.filter(period=current_period())
        .select_related("opd")
        .annotate(program_count=Count("programs", distinct=True))
    )
    status = request.GET.get("status", DataRoom.Status.SUBMITTED)
    if status in DataRoom.Status.values:
        rooms = rooms.filter(status=status)
    rooms = list(rooms)
    for room in rooms:
        room.checklist = data_room_checklist(room)
    counts = dict(
        DataRoom.objects.filter(period=current_period())
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    statuses = [(value, label, counts.get(value, 0)) for value, label in DataRoom.Status.choices]
    context = {"rooms": rooms, "status": status, "statuses": statuses}
    template = "opd/review_queue.html#queue-table" if request.htmx else "opd/review_queue.html"
    return render(request, template, context)


def _review_form(room, data=None, *, require_text=True):
    return ReviewCommentForm(
        data, programs=programs_for_checklist(room), prefix="review", require_text=require_text
    )


def _review_panel(request, room, form, errors=()):
    """The review panel again, keeping what Bappeda typed (htmx), or the whole page."""
    context = _editor_context(request, room)
    context["review_form"] = form
    context["review_errors"] = errors
    template = "opd/data_room.html#review-panel" if request.htmx else "opd/data_room.html"
    return render(request, template, context)


@require_POST
@login_required
def review_comment(request, code):
    room = get_data_room_for_user(request, code, "opd.review_dataroom")
    form = _review_form(room, request.POST)
    if form.is_valid():
        program, indicator = form.target
        services.review_comment_add(
            data_room=room,
            text=form.cleaned_data["text"],
            program=program,
            indicator=indicator,
            user=request.user,
            request=request,
        )
        form = _review_form(room)
    return _review_panel(request, room, form)


@require_POST
@login_required
def review_decide(request, code, decision):
    """Return or mark ready, with the comment still in the box (if any) in the same step.
    The reviewer stays on the room and reads the outcome there."""
    room = get_data_room_for_user(request, code, "opd.review_dataroom")
    action = {"return": services.data_room_return, "ready": services.data_room_mark_ready}
    if decision not in action:
        return HttpResponse(status=404)
    form = _review_form(room, request.POST, require_text=False)
    if not form.is_valid():
        return _review_panel(request, room, form)
    program, indicator = form.target
    try:
        action[decision](
            data_room=room,
            user=request.user,
            request=request,
            comment=form.cleaned_data["text"],
            program=program,
            indicator=indicator,
        )
    except ValidationError as error:
        return _review_panel(request, room, form, errors=error.messages)
    if decision == "ready":
        messages.success(request, _("%(opd)s is ready for the session.") % {"opd": room.opd})
    else:
        messages.success(request, _("Returned to %(opd)s with your comments.") % {"opd": room.opd})
    if request.htmx:
        return HttpResponseClientRedirect(room.get_absolute_url())
    return redirect(room.get_absolute_url())


@require_POST
@login_required
def data_room_reopen(request, code):
    """Bappeda takes back "ready", with a reason the unit reads."""
    room = get_data_room_for_user(request, code, "opd.reopen_dataroom")
    form = ReopenForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            services.data_room_reopen(
                data_room=room,
                reason=form.cleaned_data["reason"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Reopened: %(opd)s can change the data room again and sees your reason.")
                % {"opd": room.opd},
            )
            if request.htmx:
                return HttpResponseClientRedirect(room.get_absolute_url())
            return redirect(room.get_absolute_url())
    context = _editor_context(request, room, {"reopen": form})
    template = "opd/data_room.html#reopen-panel" if request.htmx else "opd/data_room.html"
    return render(request, template, context)


@require_GET
@login_required
def version_compare(request, code):
    """Two versions of the data room side by side: what changed between them."""
    room = get_data_room_for_user(request, code)
    submissions = {s.number: s for s in room.submissions.order_by("number")}
    form = VersionCompareForm(request.GET or None, numbers=list(submissions))
    context = {"data_room": room, "opd": room.opd, "form": form, "submissions": submissions}
    if form.is_valid():
        old, new = form.pair()
        old_snapshot = submissions[old].snapshot
        new_snapshot = submissions[new].snapshot if new else services.data_room_snapshot(room)
        diff = diff_snapshots(old_snapshot, new_snapshot)
        context.update(
            old=submissions[old],
            new=submissions.get(new),
            diff=diff,
            described=describe_diff(diff),
        )
    return render(request, "opd/version_compare.html", context)


def describe_diff(diff) -> dict:
    """The side-by-side page's content: each program and indicator that changed with
    its differences as rows (label, subject, old, new, status), values shown as on the
    data room; the names of what did not change; the room's own files."""
    themes = dict(Theme.objects.values_list("code", "name"))
    programs = []
    for program in diff.programs:
        if program.status == "same":
            continue
        indicators = [
            {"diff": ind, "rows": _diff_rows(ind, Indicator, themes)}
            for ind in program.children
            if ind.status != "same"
        ]
        programs.append(
            {
                "diff": program,
                "rows": _diff_rows(program, Program, themes),
                "indicators": indicators,
                "unchanged": [ind.name for ind in program.children if ind.status == "same"],
            }
        )
    room_files = Diff("room", {}, {}, changes=diff.files)
    return {
        "programs": programs,
        "unchanged": [p.name for p in diff.programs if p.status == "same"],
        "files": _diff_rows(room_files, Program, themes),
    }


_PART_MODELS = {
    "comparator": Comparator,
    "table": SupportingTable,
    "row": SupportingRow,
    "case": CaseExample,
    "file": Attachment,
}


def _diff_rows(item, model, themes) -> list[dict]:
    old_unit = (item.old or {}).get("unit", "")
    new_unit = (item.new or {}).get("unit", "")
    rows = []
    for change in item.changes:
        part = _PART_MODELS.get(change.field)
        meta = part._meta if part else model._meta.get_field(change.field)
        rows.append(
            {
                "label": capfirst(meta.verbose_name),
                "subject": change.subject,
                "old": _shown(change.field, change.old, old_unit, model, themes),
                "new": _shown(change.field, change.new, new_unit, model, themes),
                "status": change.status,
            }
        )
    return rows


def _shown(field, value, unit, model, themes) -> str:
    """A snapshot value as the data room shows it ("" when there is none)."""
    if value is None:
        return ""
    if field == "comparator":
        kind = dict(Comparator.Kind.choices).get(value.get("kind"), value.get("kind"))
        shown = satuan(value.get("value"), unit)
        return f"{shown} ({value.get('year')}; {value.get('source')}) · {kind}"
    if field == "table":
        count = len(value.get("rows", []))
        rows = ngettext("%(count)s row", "%(count)s rows", count) % {"count": count}
        return f"{value.get('value_label')} · {rows}"
    if field == "row":
        return " · ".join(filter(None, [angka(value.get("value")), value.get("note")]))
    if field == "case":
        return Truncator(value.get("description", "")).chars(200)
    if field == "file":
        return f"{value.get('name')} ({filesizeformat(value.get('size') or 0)})"
    if field == "budget":
        return rupiah(value)
    if field in ("baseline_value", "target_value", "range_min", "range_max"):
        return satuan(value, unit)
    if field == "theme":
        return themes.get(value, value)
    choices = dict(model._meta.get_field(field).choices or [])
    return str(choices.get(value, value))


@require_GET
@login_required
def submission_detail(request, pk):
    submission = get_submission_for_user(request, pk)
    context = {
        "submission": submission,
        "data_room": submission.data_room,
        "opd": submission.data_room.opd,
        "comments": submission.comments.all(),
    }
    return render(request, "opd/submission_detail.html", context)
