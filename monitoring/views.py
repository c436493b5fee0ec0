"""The quarterly report screens (DESIGN.md §3.4): the overview, a unit's report with a
card per line, Bappeda's review and the quarter management. Views are thin: the
services in ``monitoring.services`` check who may act and record the audit trail;
every view checks the permission again against the report."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from lelang.audit import audit_record
from lelang.roles import Role
from opd.models import Indicator, Opd
from opd.selectors import member_opd_ids

from . import achievement, services
from .forms import CorrectionForm, DueDateForm, EvidenceForm, LineForm
from .models import ROMAN, Evidence, Quarter, Report, ReportLine

UNIT_ROLES = (Role.OPD_HEAD, Role.OPD_STAFF)


# --- Small pure helpers -----------------------------------------------------------


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def line_achievement(line: ReportLine) -> tuple:
    """The line's achievement in percent and its band (``None`` without a realisation)."""
    indicator = line.indicator
    if line.realization is None:
        return None, None
    if indicator.polarity == achievement.RANGE:
        target = (indicator.range_min, indicator.range_max)
    else:
        target = line.target
    pct = achievement.achievement(target, line.realization, indicator.polarity)
    return pct, achievement.band_info(achievement.band(pct))


def days_late(due: datetime.date, report: Report | None, today: datetime.date) -> int:
    """Days late of a report (or of one not even opened) against ``due``."""
    if report is not None and report.submitted_at:
        return max((timezone.localtime(report.submitted_at).date() - due).days, 0)
    if report is not None and report.status == Report.Status.VERIFIED:
        return 0
    return max((today - due).days, 0)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _is_unit_person(user) -> bool:
    return user.role in UNIT_ROLES


def _latest_reports(**filters) -> dict:
    """(opd id, year, quarter number) → the newest revision of the report."""
    latest = {}
    reports = Report.objects.filter(**filters).select_related("quarter").order_by("revision")
    for report in reports:
        latest[(report.opd_id, report.quarter.year, report.quarter.number)] = report
    return latest


def _quarter_or_unsaved(year: int, number: int) -> Quarter:
    """The quarter, or an unsaved one with the default due date (a GET makes nothing)."""
    if number not in ROMAN or not 1990 <= year <= 2100:
        raise Http404
    quarter = Quarter.objects.filter(year=year, number=number).first()
    return quarter or _unsaved(year, number)


def _unsaved(year: int, number: int) -> Quarter:
    return Quarter(year=year, number=number, due_date=Quarter.default_due(year, number))


# --- Overview ---------------------------------------------------------------------


@require_GET
@login_required
def index(request):
    user = request.user
    if not user.has_perm("monitoring.view_reports"):
        raise PermissionDenied
    today = timezone.localdate()
    if _is_unit_person(user):
        return _unit_index(request, today)
    year = _int(request.GET.get("year"), today.year)
    if not 1990 <= year <= 2100:
        year = today.year
    number = _int(request.GET.get("quarter"))
    numbers = [number] if number in ROMAN else list(ROMAN)
    quarters = {q.number: q for q in Quarter.objects.filter(year=year)}
    columns = [quarters.get(n) or _unsaved(year, n) for n in numbers]
    latest = _latest_reports(quarter__year=year, quarter__number__in=numbers)
    rows = []
    for opd in Opd.objects.order_by("name"):
        cells = []
        for quarter in columns:
            report = latest.get((opd.pk, year, quarter.number))
            late = days_late(quarter.due_date, report, today) if quarter.start <= today else 0
            cells.append({"quarter": quarter, "report": report, "days_late": late})
        rows.append({"opd": opd, "cells": cells})
    context = {
        "rows": rows,
        "columns": columns,
        "year": year,
        "quarter": number if number in ROMAN else None,
        "years": range(today.year + 1, today.year - 6, -1),
        "quarter_choices": ROMAN.items(),
        "can_manage": user.has_perm("monitoring.manage_quarters"),
    }
    template = "monitoring/index.html#overview-table" if request.htmx else "monitoring/index.html"
    return render(request, template, context)


def _unit_index(request, today):
    opds = Opd.objects.filter(pk__in=member_opd_ids(request.user)).order_by("name")
    years = (today.year, today.year - 1)
    quarters = {(q.year, q.number): q for q in Quarter.objects.filter(year__in=years)}
    latest = _latest_reports(opd__in=opds, quarter__year__in=years)
    units = []
    for opd in opds:
        rows = []
        for year in years:
            for number in sorted(ROMAN, reverse=True):
                quarter = quarters.get((year, number)) or _unsaved(year, number)
                if quarter.start > today:
                    continue
                report = latest.get((opd.pk, year, number))
                rows.append(
                    {
                        "quarter": quarter,
                        "report": report,
                        "days_late": days_late(quarter.due_date, report, today),
                    }
                )
        units.append({"opd": opd, "rows": rows})
    return render(request, "monitoring/unit_index.html", {"units": units})


# --- Quarter management (Bappeda) ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def quarter_manage(request, year, number):
    if not request.user.has_perm("monitoring.manage_quarters"):
        raise PermissionDenied
    _quarter_or_unsaved(year, number)  # 404 for nonsense
    quarter = services.quarter_get(year, number)
    form = DueDateForm(initial={"due_date": quarter.due_date})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close":
                services.quarter_close(quarter=quarter, user=request.user, request=request)
                messages.success(request, _("%(quarter)s is closed.") % {"quarter": quarter})
                return redirect("monitoring:quarter", year=year, number=number)
            form = DueDateForm(request.POST)
            if form.is_valid():
                services.quarter_set_due(
                    quarter=quarter,
                    due_date=form.cleaned_data["due_date"],
                    user=request.user,
                    request=request,
                )
                messages.success(request, _("Due date saved."))
                return redirect("monitoring:quarter", year=year, number=number)
        except ValidationError as error:
            if action == "close":
                messages.error(request, error_text(error))
            else:
                form.add_error("due_date", error)
    counts = {}
    for report in _latest_reports(quarter=quarter).values():
        counts[report.status] = counts.get(report.status, 0) + 1
    statuses = [(label, counts.get(value, 0)) for value, label in Report.Status.choices]
    context = {"quarter": quarter, "form": form, "statuses": statuses}
    return render(request, "monitoring/quarter.html", context)


# --- The report -----------------------------------------------------------------------


def _viewable(request, report: Report) -> None:
    """404 when the user may not read this unit's report (other units stay invisible)."""
    if not request.user.has_perm("monitoring.view_reports"):
        raise PermissionDenied
    if not request.user.has_perm("monitoring.view_report", report):
        raise Http404


def _newest(opd: Opd, quarter: Quarter) -> Report | None:
    if quarter.pk is None:
        return None
    return (
        Report.objects.filter(opd=opd, quarter=quarter)
        .select_related("opd", "quarter", "previous")
        .order_by("-revision")
        .first()
    )


def _prepare_line(request, line: ReportLine, report: Report, *, form=None, evidence_form=None):
    line.form = form or LineForm(line=line)
    line.evidence_form = evidence_form or EvidenceForm(line=line)
    line.pct, line.band = line_achievement(line)
    line.is_ratio = line.indicator.aggregation == Indicator.Aggregation.RATIO
    return line


def _report_context(request, report: Report, *, bound=None, comments=None) -> dict:
    user = request.user
    bound = bound or {}
    lines = (
        report.lines.select_related("indicator", "pact")
        .prefetch_related("evidence")
        .order_by("order", "pk")
    )
    prepared = [_prepare_line(request, line, report, **bound.get(line.pk, {})) for line in lines]
    for line in prepared:
        line.comment_typed = (comments or {}).get(line.pk, "")
    return {
        "report": report,
        "opd": report.opd,
        "quarter": report.quarter,
        "lines": prepared,
        **_permissions(user, report),
        "correction_form": CorrectionForm(),
        "days_late": days_late(report.quarter.due_date, report, timezone.localdate()),
    }


def _permissions(user, report: Report) -> dict:
    return {
        "can_edit": user.has_perm("monitoring.edit_report", report),
        "can_submit": user.has_perm("monitoring.submit_report", report),
        "can_review": user.has_perm("monitoring.review_report", report),
        "can_correct": report.status == Report.Status.VERIFIED
        and user.has_perm("monitoring.correct_report")
        and not Report.objects.filter(previous=report).exists(),
    }


def _report_url(report: Report) -> str:
    return reverse(
        "monitoring:report", args=[report.opd.code, report.quarter.year, report.quarter.number]
    )


@require_http_methods(["GET", "POST"])
@login_required
def report_detail(request, code, year, number):
    opd = get_object_or_404(Opd, code=code)
    quarter = _quarter_or_unsaved(year, number)
    report = _newest(opd, quarter)
    if report is None:
        probe = Report(opd=opd, quarter=quarter)
        _viewable(request, probe)
        if request.method == "POST":
            try:
                report = services.report_open(
                    opd=opd,
                    quarter=services.quarter_get(year, number),
                    user=request.user,
                    request=request,
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("The report is open: enter the realisations."))
            return redirect("monitoring:report", code=code, year=year, number=number)
        context = {
            "opd": opd,
            "quarter": quarter,
            "can_open": request.user.has_perm("monitoring.edit_report", probe),
            "not_begun": quarter.start > timezone.localdate(),
        }
        return render(request, "monitoring/report_missing.html", context)
    _viewable(request, report)
    if request.method == "POST":  # "open" on a report that exists already
        return redirect(_report_url(report))
    return render(request, "monitoring/report.html", _report_context(request, report))


def _line_for(request, pk) -> ReportLine:
    line = get_object_or_404(
        ReportLine.objects.select_related("report__opd", "report__quarter", "indicator", "pact"),
        pk=pk,
    )
    _viewable(request, line.report)
    if not request.user.has_perm("monitoring.edit_report", line.report):
        raise PermissionDenied(_("This report cannot be changed now."))
    return line


def _line_response(request, line: ReportLine, *, form=None, evidence_form=None):
    report = line.report
    if not request.htmx:
        if form is None and evidence_form is None:
            return redirect(_report_url(report) + f"#line-{line.pk}")
        bound = {line.pk: {"form": form, "evidence_form": evidence_form}}
        return render(
            request, "monitoring/report.html", _report_context(request, report, bound=bound)
        )
    line = ReportLine.objects.select_related("indicator", "pact").get(pk=line.pk)
    context = {
        "report": report,
        "line": _prepare_line(request, line, report, form=form, evidence_form=evidence_form),
        **_permissions(request.user, report),
    }
    line.comment_typed = ""
    return render(request, "monitoring/report.html#line-card", context)


@require_POST
@login_required
def line_save(request, pk):
    line = _line_for(request, pk)
    form = LineForm(request.POST, line=line)
    if form.is_valid():
        try:
            services.line_save(line=line, user=request.user, request=request, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, _("Saved."))
            return _line_response(request, line)
    return _line_response(request, line, form=form)


@require_POST
@login_required
def evidence_upload(request, pk):
    line = _line_for(request, pk)
    form = EvidenceForm(request.POST, request.FILES, line=line)
    # The card is swapped whole: what was typed in the line's fields and not saved yet
    # comes along (hx-include) and is shown again, still unsaved.
    prefix = f"line-{line.pk}-"
    typed = (
        LineForm(request.POST, line=line)
        if any(k.startswith(prefix) for k in request.POST)
        else None
    )
    if form.is_valid():
        try:
            services.evidence_add(
                line=line, upload=form.cleaned_data["file"], user=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return _line_response(request, line, form=typed)
    return _line_response(request, line, form=typed, evidence_form=form)


@require_GET
@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("line__report"), pk=pk)
    _viewable(request, evidence.line.report)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    audit_record(action="monitoring.evidence.download", obj=evidence, request=request)
    return response


def _report_for(request, pk) -> Report:
    report = get_object_or_404(Report.objects.select_related("opd", "quarter"), pk=pk)
    _viewable(request, report)
    return report


def _back(request, report: Report):
    url = _report_url(report)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
@login_required
def report_submit(request, pk):
    report = _report_for(request, pk)
    if not request.user.has_perm("monitoring.submit_report", report):
        raise PermissionDenied(_("Only the head of the unit submits its report, while it is open."))
    try:
        services.report_submit(report=report, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The report is submitted for verification."))
    return _back(request, report)


@require_POST
@login_required
def report_review(request, pk):
    report = _report_for(request, pk)
    if not request.user.has_perm("monitoring.review_report", report):
        raise PermissionDenied
    comments = {}
    for line_id in report.lines.values_list("pk", flat=True):
        text = request.POST.get(f"comment-{line_id}", "").strip()
        if text:
            comments[line_id] = text
    action = request.POST.get("action")
    problem = ""
    if action == "return" and not comments:
        problem = _("Write what to fix on at least one line before returning the report.")
    elif action == "verify" and comments:
        problem = _("You wrote comments: return the report, or clear them to verify it.")
    elif action not in ("return", "verify"):
        problem = _("Choose Verify or Return.")
    if not problem:
        try:
            services.report_review(
                report=report,
                user=request.user,
                returned=comments if action == "return" else None,
                request=request,
            )
        except ValidationError as error:
            problem = error_text(error)
        else:
            done = _("Report returned.") if action == "return" else _("Report verified.")
            messages.success(request, done)
            return redirect(_report_url(report))
    messages.error(request, problem)
    context = _report_context(request, report, comments=comments)
    return render(request, "monitoring/report.html", context)


@require_POST
@login_required
def report_correct(request, pk):
    report = _report_for(request, pk)
    if not request.user.has_perm("monitoring.correct_report"):
        raise PermissionDenied
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.report_correct(
                report=report,
                reason=form.cleaned_data["reason"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(request, _("A new revision is open for the correction."))
            return redirect(_report_url(report))
    context = _report_context(request, report)
    context["correction_form"] = form
    return render(request, "monitoring/report.html", context)
