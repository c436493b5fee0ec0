"""SVG charts of an indicator: the baseline held against comparators and the target.

Pure functions, no database access: callers pass plain values and get back a
``SafeString`` of standalone SVG (``xmlns``, ``viewBox``), so one chart serves the
HTML pages, WeasyPrint PDFs and the projector screen alike. The markup has no
scripts, event handlers or external fonts; every caller-supplied text is escaped.
``role="img"`` with ``<title>`` and ``<desc>`` gives screen readers the figures as
sentences. Numbers are written in the separators of the active language (1.234,5 in
Indonesian, 1,234.5 in English), as everywhere else (``lelang.numbers``).

Charts are memoised (``CACHE_SIZE`` most recent, per language): the live projector
draws the same few charts on every change of the session, and a chart is a pure
function of its arguments.

Layout: one row per reference value (baseline, comparators, proposed target) as
horizontal bars on a shared value axis that starts at 0 (or below, for negative
values). ``height`` is a guide: rows take 30–48 px each, so the SVG comes out
shorter with few rows and taller with many. With a ``trajectory`` a small line
chart of the yearly targets follows below the bars.

Size: ``scale`` draws the same chart for a screen read from afar (the projector): the
layout is that of a chart ``width / scale`` px wide, and every length and text size is
multiplied by ``scale``, so labels are ``13 × scale`` px when the chart is shown
``width`` px wide. The default (1) is the data room's chart.
"""

import hashlib
import math
import threading
from collections import OrderedDict
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lelang import numbers

INK = "#1b1f24"  # text, 16:1 on white
MUTED = "#4a5563"  # axis text, 7.4:1 on white
GRID = "#c9d1db"
BRAND = "#0b3a60"  # baseline
GREY = "#6b7785"  # comparators, 4.6:1 on white
LINK = "#0b5cad"  # proposed target and trajectory
TARGET_FILL = "#dce9f7"

PAD = 12
FONT = 13
SMALL = 12
MAX_LABEL = 38
SHORT_UNIT = 12  # longer units label the axis instead of every value
NBSP = "\u00a0"

CACHE_SIZE = 256

Number = Decimal | int | float

_cache: OrderedDict[str, SafeString] = OrderedDict()
_cache_lock = threading.Lock()  # the live screens render in worker threads


def _dec(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def format_number(value: Number, places: int = 4) -> str:
    """The number in the active language's separators ("1.234,5" or "1,234.5"), at most
    ``places`` decimals, no trailing zeros: ``lelang.numbers.format_number``."""
    return numbers.format_number(_dec(value), places)


def _with_unit(value: Number, unit: str) -> str:
    return f"{format_number(value)}{NBSP}{unit}" if unit else format_number(value)


def _attr(value) -> str:
    return f"{value:.1f}".removesuffix(".0") if isinstance(value, float) else str(value)


def _el(tag: str, *children, **attrs) -> SafeString:
    """An SVG element: ``font_size=12`` becomes ``font-size="12"``, None drops the
    attribute; attribute values are always escaped, children unless already safe."""
    attributes = "".join(
        f' {name.replace("_", "-")}="{escape(_attr(value))}"'
        for name, value in attrs.items()
        if value is not None
    )
    inner = "".join(format_html("{}", child) for child in children)
    markup = f"<{tag}{attributes}>{inner}</{tag}>" if children else f"<{tag}{attributes}/>"
    return mark_safe(markup)  # noqa: S308 (everything escaped above)


def _text(x, y, content, *, size=FONT, anchor=None, fill=INK, bold=False, full=""):
    """A text element; ``full`` adds a tooltip <title> with the untruncated text."""
    tooltip = _el("title", full) if full and full != content else ""
    weight = "600" if bold else None
    return _el("text", tooltip, content, x=x, y=y, font_size=size, text_anchor=anchor, fill=fill,
               font_weight=weight)  # fmt: skip


def _tick(value: Decimal) -> str:
    return format_number(value, places=12)  # ticks are round; tiny ranges need the places


def _small(x, y, content, anchor="middle", fill=MUTED):
    return _text(x, y, content, size=SMALL, anchor=anchor, fill=fill)


def _truncate(label: str, limit: int = MAX_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _ticks(lo: Decimal, hi: Decimal, most: int = 5) -> list[Decimal]:
    """At most ``most`` equal steps of 1, 2, 2,5 or 5 × 10ⁿ covering ``lo``…``hi``."""
    if lo == hi:
        spread = abs(lo) / 10 or Decimal(1)
        lo, hi = (lo, lo + spread) if lo == 0 else (lo - spread, hi + spread)
    scale = Decimal(1).scaleb(((hi - lo) / most).adjusted())
    for factor in ("1", "2", "2.5", "5", "10", "20", "25", "50"):
        step = Decimal(factor) * scale
        first = (lo / step).to_integral_value(ROUND_FLOOR)
        last = (hi / step).to_integral_value(ROUND_CEILING)
        if last - first <= most:
            break
    return [step * i for i in range(int(first), int(last) + 1)]


STYLES = {
    "baseline": {"fill": BRAND},
    "comparator": {"fill": GREY},
    "target": {"fill": TARGET_FILL, "stroke": LINK, "stroke_width": 2, "stroke_dasharray": "5 3"},
}


def _bars(rows, unit, caption, top, width, height):
    """One bar per (label, shown label, value, kind) row; returns (parts, bottom y)."""
    shown = [short for _label, short, _value, _kind in rows]
    texts = [_with_unit(value, unit) for _label, _short, value, _kind in rows]
    label_w = min(max(max(map(len, shown)) * 7.2 + 12, 80), width * 0.45)
    value_w = min(max(max(map(len, texts)) * 7.6 + 12, 48), width * 0.3)
    x0, x1 = PAD + label_w, max(width - PAD - value_w, PAD + label_w + 40)
    row_h = min(max(30.0, (height - top - 24 - PAD) / len(rows)), 48.0)
    bottom, bar_h = top + row_h * len(rows), min(row_h * 0.6, 26)
    values = [_dec(value) for _label, _short, value, _kind in rows]
    for most in (5, 4, 3, 2):  # fewer gridlines when the tick labels would collide
        ticks = _ticks(min([Decimal(0), *values]), max([Decimal(0), *values]), most)
        if (x1 - x0) / (len(ticks) - 1) >= max(len(_tick(t)) for t in ticks) * 7 + 12:
            break
    lo, span = ticks[0], ticks[-1] - ticks[0]

    def x(value: Decimal) -> float:
        return x0 + float((value - lo) / span) * (x1 - x0)

    parts = []
    for tick in ticks:
        colour, stroke = (MUTED, 1.5) if tick == 0 else (GRID, 1)
        parts.append(_el("line", x1=x(tick), y1=top, x2=x(tick), y2=bottom, stroke=colour,
                         stroke_width=stroke))  # fmt: skip
        parts.append(_small(x(tick), bottom + 17, _tick(tick)))
    for i, ((label, _short, _value, kind), value) in enumerate(zip(rows, values, strict=True)):
        centre = top + row_h * (i + 0.5)
        left, right = sorted((x(value), x(Decimal(0))))
        bar = _el("rect", x=left, y=centre - bar_h / 2, width=max(right - left, 1.5),
                  height=bar_h, **STYLES[kind])  # fmt: skip
        label_text = _text(PAD, centre + 4.5, shown[i], full=label)
        parts.append(_el("g", label_text, bar, _text(right + 6, centre + 4.5, texts[i], bold=True)))
    if caption:  # a unit too long to repeat after every value names the axis instead
        parts.append(_small(x1, bottom + 36, caption, anchor="end"))
        bottom += 18
    return parts, bottom + 24 + PAD


def _line(points, base_year, unit, caption, top, width, point_labels=True):
    """A line through the (year, value) points; returns (parts, bottom y)."""
    heading = _("Targets per year") + (f" ({caption})" if caption else "")
    parts = [_text(PAD, top + 14, heading, bold=True)]
    plot_top, plot_h = top + 46, 90
    ticks = _ticks(min(v for _y, v in points), max(v for _y, v in points))
    texts = [_with_unit(value, unit) for _year, value in points]
    x0 = PAD + max(len(_tick(t)) for t in ticks) * 7 + 8
    x1 = width - PAD
    inset = max(max(map(len, texts)) * 3.6 + 4, 20)  # half a value label at either end
    lo, span = ticks[0], ticks[-1] - ticks[0]
    first, last = points[0][0], points[-1][0]

    def y(value: Decimal) -> float:
        return plot_top + plot_h - float((value - lo) / span) * plot_h

    def x(year: int) -> float:
        if first == last:
            return (x0 + x1) / 2
        return x0 + inset + (year - first) / (last - first) * (x1 - x0 - 2 * inset)

    for tick in ticks:
        parts.append(_el("line", x1=float(x0), y1=y(tick), x2=float(x1), y2=y(tick), stroke=GRID))
        parts.append(_small(x0 - 6, y(tick) + 4, _tick(tick), anchor="end"))
    coords = " ".join(f"{_attr(x(year))},{_attr(y(value))}" for year, value in points)
    parts.append(_el("polyline", points=coords, fill="none", stroke=LINK, stroke_width=2.5,
                     stroke_linejoin="round"))  # fmt: skip
    for (year, value), text in zip(points, texts, strict=True):
        colour = BRAND if year == base_year else LINK
        parts.append(_el("circle", cx=x(year), cy=y(value), r=4.5, fill=colour, stroke="#fff"))
        if point_labels:
            parts.append(_small(x(year), y(value) - 10, text, fill=INK))
        parts.append(_small(x(year), plot_top + plot_h + 18, str(year)))
    return parts, plot_top + plot_h + 24 + PAD


def baseline_chart_svg(
    *,
    unit: str,
    baseline: tuple[int, Number],
    target: tuple[int, Number] | None,
    comparators: list[tuple[str, int, Number]],
    trajectory: list[tuple[int, Number]] | None = None,
    title: str = "",
    width: int = 640,
    height: int = 280,
    scale: float = 1,
    target_label: str = "",
    point_labels: bool = True,
) -> SafeString:
    """The baseline, each comparator and the proposed target as bars; see the module doc.

    ``baseline`` and ``target`` are (year, value); ``comparators`` are (label, year,
    value); ``trajectory`` is (year, value) for the years after the baseline. ``width``
    and ``height`` are the size in px; the SVG shrinks to fit a narrower container.
    ``scale`` enlarges text and lines (see the module doc); ``target_label`` names the
    target bar when it is not the unit's proposal (e.g. "Offered target 2023");
    ``point_labels=False`` leaves the values off the line's points, for a screen that
    shows them in a table of its own (on a narrow chart they would overlap).
    """
    arguments = (
        unit,
        baseline,
        target,
        comparators,
        trajectory,
        str(title),
        width,
        height,
        scale,
        str(target_label),
        point_labels,
    )
    # repr keeps what equality would blur (Decimal("1.0") == Decimal("1.00")).
    key = repr((get_language(), arguments))
    with _cache_lock:
        svg = _cache.get(key)
        if svg is not None:
            _cache.move_to_end(key)
            return svg
    svg = _draw(*arguments)
    with _cache_lock:
        _cache[key] = svg
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return svg


def _draw(
    unit,
    baseline,
    target,
    comparators,
    trajectory,
    title,
    width,
    height,
    scale,
    target_label,
    point_labels,
) -> SafeString:
    unit = unit.strip()
    # Drawn at the default sizes on a narrower canvas, then shown ``scale`` times larger.
    shown_width = width
    if scale != 1:
        width, height = width / scale, height / scale
    base = _("Baseline %(year)s") % {"year": baseline[0]}
    # A label longer than its column would run under the bars: shorten it (38 at 640 px).
    most = min(MAX_LABEL, int((width * 0.45 - 12) / 7.2))
    rows = [(base, _truncate(base, most), baseline[1], "baseline")]
    for label, year, value in comparators:
        # Shorten the label, not the year: "Provinsi Jawa Timur (rata-rata kabupa… (2023)".
        short = f"{_truncate(label, most - len(f' ({year})'))} ({year})"
        rows.append((f"{label} ({year})", short, value, "comparator"))
    if target is not None:
        end = target_label or _("Proposed target %(year)s") % {"year": target[0]}
        rows.append((end, _truncate(end, most), target[1], "target"))
    tag, caption = (unit, "") if len(unit) <= SHORT_UNIT else ("", unit)
    parts, bottom = _bars(rows, tag, caption, PAD + (26 if title else 4), width, height)
    sentences = [f"{label}: {_with_unit(value, unit)}." for label, _short, value, _kind in rows]
    if trajectory:
        by_year = {baseline[0]: _dec(baseline[1])} | {year: _dec(v) for year, v in trajectory}
        points = sorted(by_year.items())
        line_parts, bottom = _line(
            points, baseline[0], tag, caption, bottom, width, point_labels=point_labels
        )
        parts += line_parts
        steps = "; ".join(f"{year}: {_with_unit(value, unit)}" for year, value in points)
        sentences.append(_("Targets per year: %(steps)s.") % {"steps": steps})
    if title:
        parts.insert(0, _text(PAD, PAD + 16, title, size=16, bold=True))
    # Stable ids, so aria-labelledby still points to the right chart on a page with several.
    drawn = (unit, rows, trajectory, title)
    if scale != 1 or not point_labels:
        drawn += (scale, point_labels)
    key = hashlib.blake2s(repr(drawn).encode(), digest_size=5)
    ident, height = f"chart-{key.hexdigest()}", math.ceil(bottom)
    return _el(
        "svg",
        _el("title", title or _("Baseline, comparators and proposed target"), id=f"{ident}-t"),
        _el("desc", " ".join(sentences), id=f"{ident}-d"),
        _el("rect", width=width, height=height, fill="#fff"),
        *parts,
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {_attr(width)} {height}",
        width=shown_width,
        height=height if scale == 1 else math.ceil(height * scale),
        role="img",
        aria_labelledby=f"{ident}-t {ident}-d",
        font_family="system-ui, sans-serif",
        style="max-width: 100%; height: auto",
    )
