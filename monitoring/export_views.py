"""Downloads of the dashboards' data: the city view as .xlsx and as PDF, a unit's
quarterly report as PDF. Each download is an audit event.

Whoever sees the dashboards (``monitoring.view_dashboards``) downloads them all; the
head of a unit downloads their own unit's quarterly report.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from lelang.audit import audit_record
from opd.models import Opd, Theme

from . import dashboards, exports
from .dashboard_views import VIEW, FilterForm
from .models import Report


def _filters(request) -> dashboards.Filters:
    """The city view's GET filters, read exactly as the city view reads them."""
    years = dashboards.available_years()
    default_year, default_quarter = dashboards.default_period(years)
    opds = list(Opd.objects.only("pk", "code", "name"))
    themes = list(Theme.objects.only("pk", "code", "name"))
    form = FilterForm(request.GET or None, years=years or [default_year], opds=opds, themes=themes)
    return form.filters(default_year, default_quarter)


def _filters_after(filters: dashboards.Filters) -> dict:
    return {
        "year": filters.year,
        "quarter": filters.quarter,
        "unit": filters.opd.code if filters.opd else None,
        "theme": filters.theme.code if filters.theme else None,
        "band": filters.band,
    }


def _slug(filters: dashboards.Filters) -> str:
    parts = [str(filters.year), f"tw{filters.quarter}"]
    parts += [
        x
        for x in (
            filters.opd and filters.opd.code,
            filters.theme and filters.theme.code,
            filters.band,
        )
        if x
    ]
    return "-".join(parts)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _require_dashboards(request) -> None:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied


@require_GET
@login_required
def city_xlsx(request):
    _require_dashboards(request)
    filters = _filters(request)
    content = exports.city_workbook(filters)
    audit_record(
        action="monitoring.export.city_xlsx",
        request=request,
        object_repr=f"dasbor kota {dashboards.quarter_label(filters.year, filters.quarter)}",
        after=_filters_after(filters),
    )
    return _download(content, exports.XLSX_CONTENT_TYPE, f"dasbor-kota-{_slug(filters)}.xlsx")


@require_GET
@login_required
def city_pdf(request):
    _require_dashboards(request)
    filters = _filters(request)
    content = exports.city_pdf(filters)
    audit_record(
        action="monitoring.export.city_pdf",
        request=request,
        object_repr=f"laporan kota {dashboards.quarter_label(filters.year, filters.quarter)}",
        after=_filters_after(filters),
    )
    return _download(content, "application/pdf", f"laporan-kota-{_slug(filters)}.pdf")


def may_export_unit(user, opd: Opd) -> bool:
    """Who reads the unit's reports may take them as a PDF: the readers of every
    report and the unit's own head and staff."""
    return user.has_perm(VIEW) or user.has_perm("monitoring.view_report", Report(opd=opd))


@require_GET
@login_required
def opd_pdf(request, code):
    unit = dashboards.opd_for_dashboard(code)
    if not may_export_unit(request.user, unit):
        raise PermissionDenied
    filters = _filters(request)
    content = exports.unit_pdf(unit, filters.year, filters.quarter)
    if content is None:
        raise Http404
    audit_record(
        action="monitoring.export.opd_pdf",
        request=request,
        obj=unit,
        after={"year": filters.year, "quarter": filters.quarter},
    )
    return _download(
        content, "application/pdf", f"laporan-{unit.code}-{filters.year}-tw{filters.quarter}.pdf"
    )
