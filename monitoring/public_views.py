"""The public page (no login, cache-friendly) and Bappeda's page marking indicators public."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lelang.roles import is_bappeda

from . import dashboard_charts, dashboards, public

#: Seconds a browser or a proxy may keep the public page.
PUBLIC_MAX_AGE = 300


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
def index(request):
    """City-level achievement of the public indicators: the same page for everyone."""
    years = public.public_years()
    year, quarter = public.public_period(
        years, _int(request.GET.get("year")), _int(request.GET.get("quarter"))
    )
    data = public.public_data(year, quarter)
    charts = {
        "bands": dashboard_charts.band_bars_svg(data.band_counts),
        "trend": dashboard_charts.trend_svg(data.trend),
        "units": dashboard_charts.ranking_svg([(g.name, g.average) for g in data.units]),
    }
    context = {
        "data": data,
        "charts": charts,
        "years": years or [year],
        "quarters": [(n, f"TW {r}") for n, r in dashboards.ROMAN.items()],
    }
    response = render(request, "monitoring/public.html", context)
    if not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_http_methods(["GET", "POST"])
@login_required
def manage(request):
    """Bappeda ticks the indicators (with a signed target) the public page shows."""
    if not is_bappeda(request.user):
        raise PermissionDenied
    if request.method == "POST":
        ids = [pk for pk in request.POST.getlist("public") if pk.isdigit()]
        changed = public.indicators_set_public(user=request.user, public_ids=ids, request=request)
        messages.success(request, _("Saved: %(count)s indicators changed.") % {"count": changed})
        return redirect("public:manage")
    indicators = public.markable_indicators()
    return render(request, "monitoring/public_manage.html", {"indicators": indicators})
