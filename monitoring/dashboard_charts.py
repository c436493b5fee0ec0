"""SVG charts of the dashboards: bands, trend, ranking and one indicator's quarters.

Pure functions like ``opd.charts`` (whose element helpers and colours they reuse): plain
values in, a standalone ``SafeString`` of SVG out, readable without JavaScript and the
same in a PDF. Every band colour comes with its text colour or an outline
(``achievement.BANDS``), so no figure is told by colour alone, and every chart has a
``<title>``/``<desc>`` with its figures in words.
"""

from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from opd.charts import BRAND, GRID, INK, LINK, MUTED, PAD, _el, _small, _text, _ticks, format_number

from . import achievement

HUNDRED = Decimal(100)


def _svg(title: str, desc: str, width: float, height: float, parts, ident: str) -> SafeString:
    return _el(
        "svg",
        _el("title", title, id=f"{ident}-t"),
        _el("desc", desc, id=f"{ident}-d"),
        _el("rect", width=width, height=height, fill="#fff"),
        *parts,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width:g} {height:g}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=f"{ident}-t {ident}-d",
        font_family="system-ui, sans-serif",
        style="max-width: 100%; height: auto",
    )


def _pct(value) -> str:
    return f"{format_number(value, 1)}\u00a0%"


def band_bars_svg(counts: list[tuple[achievement.Band, int]], *, width: int = 640) -> SafeString:
    """One horizontal bar per band with the number of indicators in it."""
    row_h, label_w = 40, 150
    height = PAD * 2 + row_h * len(counts)
    most = max([n for _b, n in counts] + [1])
    x0, x1 = PAD + label_w, width - PAD - 60
    parts, sentences = [], []
    for i, (band, n) in enumerate(counts):
        y = PAD + i * row_h
        w = max((x1 - x0) * n / most, 2)
        parts.append(_text(PAD, y + row_h / 2 + 5, str(band.label), size=15))
        parts.append(_el("rect", x=x0, y=y + 6, width=w, height=row_h - 12, fill=band.colour,
                         stroke=INK, stroke_width=1))  # fmt: skip
        parts.append(_text(x0 + w + 8, y + row_h / 2 + 6, str(n), size=17, bold=True))
        sentences.append(f"{band.label}: {n}.")
    return _svg(_("Indicators per achievement band"), " ".join(sentences), width, height, parts,
                "chart-bands")  # fmt: skip


def trend_svg(points: list[tuple[str, Decimal | None]], *, width: int = 640) -> SafeString:
    """The average achievement per quarter as a line, with the 100 % target line."""
    height, top, bottom = 240, PAD + 10, 240 - 34
    known = [v for _l, v in points if v is not None]
    ticks = _ticks(Decimal(0), max([*known, HUNDRED]) * Decimal("1.05"), 5)
    lo, hi = ticks[0], ticks[-1]
    x0, x1 = PAD + 40, width - PAD - 20

    def y(value: Decimal) -> float:
        return bottom - float((value - lo) / (hi - lo)) * (bottom - top)

    def x(i: int) -> float:
        return x0 + (x1 - x0) * (i + 0.5) / len(points)

    parts = []
    for tick in ticks:
        parts.append(_el("line", x1=x0, y1=y(tick), x2=x1, y2=y(tick), stroke=GRID))
        parts.append(_small(x0 - 6, y(tick) + 4, format_number(tick, 0), anchor="end"))
    parts.append(_el("line", x1=x0, y1=y(HUNDRED), x2=x1, y2=y(HUNDRED), stroke=LINK,
                     stroke_width=2, stroke_dasharray="6 4"))  # fmt: skip
    parts.append(_small(x1, y(HUNDRED) - 6, _("Target 100 %"), anchor="end", fill=LINK))
    coords = [(x(i), y(v)) for i, (_l, v) in enumerate(points) if v is not None]
    if len(coords) > 1:
        line = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
        parts.append(_el("polyline", points=line, fill="none", stroke=BRAND, stroke_width=3))
    sentences = []
    for i, (label, value) in enumerate(points):
        parts.append(_small(x(i), height - 12, label, fill=INK))
        if value is None:
            sentences.append(f"{label}: —.")
            continue
        band = achievement.band_info(achievement.band(value))
        parts.append(_el("circle", cx=x(i), cy=y(value), r=7, fill=band.colour, stroke=INK))
        parts.append(_text(x(i), y(value) - 12, _pct(value), size=14, anchor="middle", bold=True))
        sentences.append(f"{label}: {_pct(value)}.")
    return _svg(_("Average achievement per quarter"), " ".join(sentences), width, height, parts,
                "chart-trend")  # fmt: skip


def ranking_svg(rows: list[tuple[str, Decimal | None]], *, width: int = 640) -> SafeString:
    """Units ranked by average achievement: horizontal bars, a line at 100 %."""
    row_h, label_w = 28, 210
    height = PAD * 2 + row_h * max(len(rows), 1) + 22
    most = max([v for _l, v in rows if v is not None] + [HUNDRED]) * Decimal("1.05")
    x0, x1 = PAD + label_w, width - PAD - 60

    def x(value: Decimal) -> float:
        return x0 + float(value / most) * (x1 - x0)

    parts, sentences = [], []
    for i, (label, value) in enumerate(rows):
        y = PAD + i * row_h
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(_text(PAD, y + row_h / 2 + 5, short, size=13, full=label))
        if value is None:
            parts.append(_small(x0 + 4, y + row_h / 2 + 5, "—", anchor="start"))
            continue
        band = achievement.band_info(achievement.band(value))
        parts.append(_el("rect", x=x0, y=y + 4, width=max(x(value) - x0, 2), height=row_h - 8,
                         fill=band.colour, stroke=INK, stroke_width=1))  # fmt: skip
        parts.append(_text(x(value) + 6, y + row_h / 2 + 5, _pct(value), size=13, bold=True))
        sentences.append(f"{label}: {_pct(value)}.")
    bottom = PAD + row_h * max(len(rows), 1)
    parts.append(_el("line", x1=x(HUNDRED), y1=PAD, x2=x(HUNDRED), y2=bottom, stroke=LINK,
                     stroke_width=2, stroke_dasharray="6 4"))  # fmt: skip
    parts.append(_small(x(HUNDRED), bottom + 16, _("Target 100 %"), fill=LINK))
    return _svg(_("Units ranked by average achievement"), " ".join(sentences), width, height,
                parts, "chart-ranking")  # fmt: skip


def indicator_svg(
    *,
    ident: str,
    name: str,
    unit: str,
    baseline: Decimal | None,
    quarters: list[tuple[str, Decimal | None, Decimal | None]],
    width: int = 300,
) -> SafeString:
    """A small multiple: realisation per quarter (points), the quarter's target (dashed
    step line) and the baseline (thin line). ``quarters``: (label, target, realisation)."""
    height, top, bottom = 170, PAD + 8, 170 - 28
    values = [v for _l, t, r in quarters for v in (t, r) if v is not None]
    if baseline is not None:
        values.append(baseline)
    if not values:
        values = [Decimal(0), Decimal(1)]
    ticks = _ticks(min([Decimal(0), *values]), max(values), 4)
    lo, hi = ticks[0], ticks[-1]
    x0, x1 = PAD + 44, width - PAD

    def y(value: Decimal) -> float:
        return bottom - float((value - lo) / (hi - lo)) * (bottom - top)

    def x(i: int) -> float:
        return x0 + (x1 - x0) * (i + 0.5) / len(quarters)

    parts = []
    for tick in ticks:
        parts.append(_el("line", x1=x0, y1=y(tick), x2=x1, y2=y(tick), stroke=GRID))
        parts.append(_small(x0 - 5, y(tick) + 4, format_number(tick, 2), anchor="end"))
    sentences = []
    if baseline is not None:
        parts.append(_el("line", x1=x0, y1=y(baseline), x2=x1, y2=y(baseline), stroke=MUTED,
                         stroke_width=1.5))  # fmt: skip
        parts.append(_small(x0 + 3, y(baseline) - 4, _("Baseline"), anchor="start"))
        sentences.append(_("Baseline: %(value)s %(unit)s.") % {
            "value": format_number(baseline), "unit": unit})  # fmt: skip
    step = (x1 - x0) / len(quarters)
    for i, (label, target, realization) in enumerate(quarters):
        parts.append(_small(x(i), height - 10, label, fill=INK))
        if target is not None:
            parts.append(_el("line", x1=x(i) - step / 2 + 4, y1=y(target), x2=x(i) + step / 2 - 4,
                             y2=y(target), stroke=LINK, stroke_width=2.5,
                             stroke_dasharray="5 3"))  # fmt: skip
        if realization is not None:
            parts.append(
                _el("circle", cx=x(i), cy=y(realization), r=5.5, fill=BRAND, stroke="#fff")
            )
        sentences.append(
            _("%(quarter)s: target %(target)s, realisation %(realization)s.")
            % {
                "quarter": label,
                "target": "—" if target is None else format_number(target),
                "realization": "—" if realization is None else format_number(realization),
            }
        )
    return _svg(name, " ".join(sentences), width, height, parts, ident)
