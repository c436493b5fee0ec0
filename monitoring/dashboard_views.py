"""The mayor's dashboards: the city, a unit's scorecard, a theme across units.

Read-only pages for whoever holds ``monitoring.view_dashboards``; the numbers come
from ``monitoring.dashboards`` (a fixed number of queries), the charts from
``monitoring.dashboard_charts``. The city view's filters are a GET form: with htmx
only the results are swapped (and the URL pushed), without it the page reloads.
"""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from opd.models import Opd, Theme

from . import achievement, dashboard_charts, dashboards
from .models import Sanction

VIEW = "monitoring.view_dashboards"


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        choices=[(n, f"TW {r}") for n, r in dashboards.ROMAN.items()],
    )
    unit = forms.ChoiceField(label=_("Unit (OPD)"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    band = forms.ChoiceField(label=_("Band"), required=False)

    def __init__(self, data, *, years, opds, themes):
        super().__init__(data)
        self.opds = {o.code: o for o in opds}
        self.themes = {t.code: t for t in themes}
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["unit"].choices = [("", _("All units"))] + [(o.code, o.name) for o in opds]
        self.fields["theme"].choices = [("", _("All themes"))] + [(t.code, t.name) for t in themes]
        self.fields["band"].choices = [("", _("All bands"))] + [
            (b.code, b.label) for b in achievement.BANDS
        ]

    def filters(self, default_year: int, default_quarter: int) -> dashboards.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return dashboards.Filters(
            year=data.get("year") or default_year,
            quarter=data.get("quarter") or default_quarter,
            opd=self.opds.get(data.get("unit") or ""),
            theme=self.themes.get(data.get("theme") or ""),
            band=data.get("band") or None,
        )


def _without(query, name: str) -> str:
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


def _year(request, years: list[int]) -> int:
    default, _quarter = dashboards.default_period(years)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default
    return year if year in years else default


@require_GET
@login_required
@permission_required(VIEW, raise_exception=True)
def city(request):
    years = dashboards.available_years()
    default_year, default_quarter = dashboards.default_period(years)
    opds = list(Opd.objects.only("pk", "code", "name"))
    themes = list(Theme.objects.only("pk", "code", "name"))
    form = FilterForm(request.GET or None, years=years or [default_year], opds=opds, themes=themes)
    filters = form.filters(default_year, default_quarter)
    data = dashboards.city_dashboard(filters)
    charts = {
        "bands": dashboard_charts.band_bars_svg(data.band_counts),
        "trend": dashboard_charts.trend_svg(data.trend),
        "ranking": dashboard_charts.ranking_svg([(u.opd.name, u.average) for u in data.units]),
    }
    context = {
        "form": form,
        "data": data,
        "charts": charts,
        "quarter_label": dashboards.quarter_label(filters.year, filters.quarter),
        "querystring": _without(request.GET, "band"),
    }
    template = "monitoring/dashboard_city.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


def _with_charts(cards):
    for n, card in enumerate(cards):
        card.chart = dashboard_charts.indicator_svg(
            ident=f"chart-ind-{card.indicator.pk}-{n}",
            name=card.indicator.name,
            unit=card.indicator.unit,
            baseline=card.indicator.baseline_value,
            quarters=[(q.label, q.target, q.realization) for q in card.quarters],
        )
    return cards


@require_GET
@login_required
@permission_required(VIEW, raise_exception=True)
def opd(request, code):
    unit = dashboards.opd_for_dashboard(code)
    years = dashboards.available_years()
    data = dashboards.opd_scorecard(unit, _year(request, years))
    _with_charts(data.cards)
    # Its reward and punishment history: what the panel decided (one query).
    decisions = list(
        Sanction.objects.filter(opd=unit)
        .exclude(status=Sanction.Status.PROPOSED)
        .select_related("official")
        .order_by("-year", "-quarter", "-pk")
    )
    context = {
        "data": data,
        "years": years,
        "bands": achievement.BANDS,
        "decisions": decisions,
    }
    return render(request, "monitoring/dashboard_opd.html", context)


@require_GET
@login_required
@permission_required(VIEW, raise_exception=True)
def theme(request, code):
    found = dashboards.theme_for_dashboard(code)
    years = dashboards.available_years()
    data = dashboards.theme_dashboard(found, _year(request, years))
    for unit in data.units:
        _with_charts(unit.cards)
    ranking = dashboard_charts.ranking_svg([(u.opd.name, u.average) for u in data.units])
    context = {"data": data, "years": years, "ranking": ranking}
    return render(request, "monitoring/dashboard_theme.html", context)
