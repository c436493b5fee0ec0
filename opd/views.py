from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, retarget

from opd import services
from opd.access import (
    EDIT,
    current_period,
    get_attachment_for_user,
    get_case_for_user,
    get_comparator_for_user,
    get_data_room_for_user,
    get_indicator_for_user,
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
    ReviewCommentForm,
    SupportingRowForm,
    SupportingTableForm,
)
from opd.models import DataRoom, Indicator, Opd, Position, Tenure
from opd.selectors import visible_opds

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
    latest = data_room.submissions.order_by("-number").first()
    return {
        "opd": data_room.opd,
        "data_room": data_room,
        "programs": programs,
        "can_edit": can_edit,
        "can_submit": request.user.has_perm("opd.submit_dataroom", data_room),
        "can_review": request.user.has_perm("opd.review_dataroom", data_room),
        "checklist": data_room_checklist(data_room, programs),
        "latest": latest,
        "comments": latest.comments.all() if latest else [],
        "submissions": data_room.submissions.order_by("-number"),
        "attachments": data_room.attachments.filter(indicator__isnull=True),
        "program_form": bound.get("program-new") or ProgramForm(prefix="program-new"),
        "attachment_form": bound.get("file") or AttachmentForm(prefix="file", data_room=data_room),
        "unit_suggestions": UNIT_SUGGESTIONS,
        "review_form": _review_form(data_room) if data_room.status == "submitted" else None,
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


def _respond(request, data_room, *, partial=None, program=None, indicator=None, bound=None):
    """Render one swap target for htmx, or the whole page (or a redirect) without it."""
    if bound is None and not request.htmx:
        anchor = (
            f"#indicator-{indicator.pk}"
            if indicator
            else (f"#program-{program.pk}" if program else "")
        )
        return redirect(data_room.get_absolute_url() + anchor)
    context = _editor_context(request, data_room, bound)
    if request.htmx and partial:
        if program is not None:
            context["program"] = _program_in_context(context, program.pk)
        if indicator is not None:
            program_ctx = _program_in_context(context, indicator.program_id)
            context["program"] = program_ctx
            context["indicator"] = next(
                i for i in program_ctx.indicators.all() if i.pk == indicator.pk
            )
        return render(request, f"opd/data_room.html#{partial}", context)
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
        if request.htmx:
            return HttpResponseClientRedirect(f"{room.get_absolute_url()}#program-{program.pk}")
        return redirect(f"{room.get_absolute_url()}#program-{program.pk}")
    return _respond(request, room, partial="program-new-form", bound={"program-new": form})


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
    services.part_delete(instance=program, user=request.user, request=request)
    messages.success(request, _("Program “%(name)s” deleted.") % {"name": program.name})
    if request.htmx:
        return HttpResponseClientRedirect(room.get_absolute_url())
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
    services.part_delete(instance=indicator, user=request.user, request=request)
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
    form = SupportingRowForm(request.POST, prefix=key)

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
    if form.is_valid():
        services.attachment_store(
            data_room=room,
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
            indicator=form.cleaned_data["indicator"],
            description=form.cleaned_data["description"],
            user=request.user,
            request=request,
        )
        messages.success(request, _("File uploaded."))
        return redirect(room.get_absolute_url() + "#files")
    return _respond(request, room, partial="files", bound={"file": form})


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
    return response


@require_POST
@login_required
def attachment_delete(request, pk):
    attachment = get_attachment_for_user(request, pk, EDIT)
    room = attachment.data_room
    services.part_delete(instance=attachment, user=request.user, request=request)
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
                "Excel applied: %(programs)s new programs, %(created)s new and %(updated)s "
                "updated indicators, %(comparators)s comparators, %(rows)s supporting rows."
            )
            % {
                "programs": result.programs_created,
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
    submission = services.data_room_submit(data_room=room, user=request.user, request=request)
    messages.success(
        request,
        _("Version %(number)s submitted to Bappeda for review.") % {"number": submission.number},
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


def _review_form(room, data=None):
    return ReviewCommentForm(data, programs=programs_for_checklist(room), prefix="review")


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
    context = _editor_context(request, room)
    context["review_form"] = form
    template = "opd/data_room.html#review-panel" if request.htmx else "opd/data_room.html"
    return render(request, template, context)


@require_POST
@login_required
def review_decide(request, code, decision):
    room = get_data_room_for_user(request, code, "opd.review_dataroom")
    action = {"return": services.data_room_return, "ready": services.data_room_mark_ready}
    if decision not in action:
        return HttpResponse(status=404)
    try:
        action[decision](data_room=room, user=request.user, request=request)
    except ValidationError as error:
        context = _editor_context(request, room)
        context["review_form"] = _review_form(room)
        context["review_errors"] = error.messages
        return render(request, "opd/data_room.html", context)
    if decision == "ready":
        messages.success(request, _("%(opd)s is ready for the session.") % {"opd": room.opd})
    else:
        messages.success(request, _("Returned to %(opd)s with your comments.") % {"opd": room.opd})
    return redirect("opd:review_queue")


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
