"""The indicator chart is valid, accessible, escaped SVG, its numbers in the page's language."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.safestring import SafeString
from hypothesis import given
from hypothesis import strategies as st

from lelang.templatetags.numbers import format_angka
from opd.charts import baseline_chart_svg, format_number

SVG = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def english():
    # Row labels are translatable; English keeps the expectations independent of the
    # catalogue. Numbers follow the language too: 1,234.5 here, 1.234,5 in Indonesian.
    with translation.override("en"):
        yield


def chart(**overrides) -> str:
    arguments = {
        "unit": "%",
        "baseline": (2023, Decimal("12.5000")),
        "target": (2029, Decimal("25.0000")),
        "comparators": [
            ("Kota Batu", 2023, Decimal("14.2000")),
            ("Jawa Timur", 2022, Decimal("1234.5000")),
        ],
    }
    return baseline_chart_svg(**(arguments | overrides))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    """The visible text of every <text>, without its tooltip <title>."""
    return [
        (element.text or "") + "".join(child.tail or "" for child in element)
        for element in root.iter(f"{SVG}text")
    ]


def rects(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("fill") != "#fff"]


def test_is_a_standalone_accessible_svg():
    svg = chart()
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.get("font-family") == "system-ui, sans-serif"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert list(root)[:2] == [title, desc]


def test_labels_and_values_in_the_pages_number_format():
    root = parse(chart())
    shown = texts(root)
    for label in ("Baseline 2023", "Kota Batu (2023)", "Jawa Timur (2022)", "Proposed target 2029"):
        assert label in shown
    for value in (f"12.5{NBSP}%", f"14.2{NBSP}%", f"1,234.5{NBSP}%", f"25{NBSP}%"):
        assert value in shown
    assert len(rects(root)) == 4  # one bar per row


def test_description_gives_every_value_in_words():
    desc = parse(chart(title="Cakupan imunisasi")).find(f"{SVG}desc").text
    assert "Baseline 2023: 12.5\u00a0%." in desc
    assert "Kota Batu (2023): 14.2\u00a0%." in desc
    assert "Jawa Timur (2022): 1,234.5\u00a0%." in desc
    assert "Proposed target 2029: 25\u00a0%." in desc


def test_title_is_shown_and_read_out():
    root = parse(chart(title="Angka <kematian> ibu & bayi"))
    assert root.find(f"{SVG}title").text == "Angka <kematian> ibu & bayi"
    assert "Angka <kematian> ibu & bayi" in texts(root)
    assert parse(chart()).find(f"{SVG}title").text  # a default title when none is given


def test_axis_starts_at_zero_with_tick_labels_in_the_pages_format():
    shown = texts(parse(chart()))
    ticks = [t for t in shown if NBSP not in t and "(" not in t and not t.startswith(("B", "P"))]
    assert ticks[0] == "0"
    assert "1,000" in ticks
    assert 4 <= len(ticks) <= 6


def test_negative_values_put_the_axis_below_zero():
    root = parse(chart(baseline=(2023, Decimal("-3.5")), comparators=[], target=(2029, 2)))
    shown = texts(root)
    assert f"-3.5{NBSP}%" in shown
    assert "0" in shown and any(t.startswith("-") and NBSP not in t for t in shown)


def test_colours_mark_baseline_comparators_and_target():
    bars = rects(parse(chart()))
    assert [bar.get("fill") for bar in bars[:3]] == ["#0b3a60", "#6b7785", "#6b7785"]
    assert bars[3].get("stroke") == "#0b5cad" and bars[3].get("stroke-dasharray")


def test_user_text_is_escaped():
    evil = '<script>alert("x")</script> & <b onload="x()">'
    svg = chart(
        unit="<img src=x onerror=alert(1)>",
        comparators=[(evil, 2023, Decimal("1"))],
        title="<script>alert(2)</script>",
    )
    assert "<script" not in svg and "<img" not in svg and "<b " not in svg
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag.endswith(("script", "img", "b", "foreignObject"))]
    assert f"{evil} (2023)" in root.find(f"{SVG}desc").text  # read back as plain text


def test_no_scripts_event_handlers_or_external_resources():
    svg = chart(trajectory=[(2025, Decimal("15")), (2029, Decimal("25"))], title="T")
    root = parse(svg)
    for element in root.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        assert not [name for name in element.attrib if name.endswith("href")]
    assert (
        "url(" not in svg
        and "@import" not in svg
        and "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )


def test_font_sizes_are_at_least_12px():
    root = parse(chart(trajectory=[(2025, Decimal("15"))], title="T"))
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 12


@pytest.mark.parametrize(
    "values",
    [
        (0, 0, 0),
        (Decimal("0.0000"), Decimal("0"), Decimal("0")),
        (Decimal("7.5"), Decimal("7.5"), Decimal("7.5")),
        (Decimal("-2"), Decimal("-2"), Decimal("-2")),
        (Decimal("0.0001"), Decimal("0.0002"), Decimal("0")),
        (Decimal("99999999999999.9999"), Decimal("1"), Decimal("0")),
    ],
)
def test_zero_and_equal_values_do_not_crash(values):
    baseline, other, target = values
    svg = chart(
        baseline=(2023, baseline),
        comparators=[("Sama", 2023, other)],
        target=(2029, target),
        trajectory=[(2025, target), (2026, target)],
    )
    root = parse(svg)
    assert len(rects(root)) == 3
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


def test_without_comparators_or_target():
    root = parse(chart(comparators=[]))
    assert len(rects(root)) == 2
    root = parse(chart(comparators=[], target=None))
    assert len(rects(root)) == 1
    assert "Baseline 2023" in texts(root)
    assert "Proposed" not in root.find(f"{SVG}desc").text


def test_many_comparators_make_the_chart_taller():
    few = parse(chart())
    many = parse(chart(comparators=[(f"Kabupaten {i}", 2023, i) for i in range(12)]))
    assert int(many.get("height")) > int(few.get("height"))
    assert len(rects(many)) == 14


def test_long_labels_are_shortened_but_kept_in_full():
    label = "Rata-rata Kabupaten/Kota se-Provinsi Jawa Timur <2022> & Bali"
    root = parse(chart(comparators=[(label, 2022, Decimal("10"))]))
    shown = [t for t in texts(root) if t.endswith("(2022)")]
    assert len(shown) == 1
    assert "…" in shown[0] and len(shown[0]) <= 38
    tooltips = [e.find(f"{SVG}title") for e in root.iter(f"{SVG}text")]
    assert f"{label} (2022)" in [t.text for t in tooltips if t is not None]
    assert f"{label} (2022)" in root.find(f"{SVG}desc").text


def test_units_too_long_for_every_value_label_the_axis():
    unit = "per 100.000 kelahiran hidup"
    root = parse(chart(unit=unit, trajectory=[(2025, Decimal("20"))]))
    shown = texts(root)
    assert "12.5" in shown and unit in shown
    assert not [t for t in shown if t.endswith(unit) and t != unit and "(" not in t]
    assert f"12.5{NBSP}{unit}" in root.find(f"{SVG}desc").text


def points(root: ET.Element) -> list[tuple[float, float]]:
    (polyline,) = root.iter(f"{SVG}polyline")
    return [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]


def test_trajectory_draws_one_point_per_year():
    trajectory = [(2024, Decimal("14")), (2025, Decimal("16.5")), (2026, 18), (2029, 25)]
    root = parse(chart(trajectory=trajectory))
    line = points(root)
    assert len(line) == 5  # the baseline year and four later years
    assert [x for x, _y in line] == sorted(x for x, _y in line)
    assert len(list(root.iter(f"{SVG}circle"))) == 5
    shown = texts(root)
    for year in ("2023", "2024", "2025", "2026", "2029"):
        assert year in shown
    assert f"16.5{NBSP}%" in shown
    assert "Targets per year: 2023: 12.5" in root.find(f"{SVG}desc").text


def test_trajectory_years_are_sorted_and_deduplicated():
    trajectory = [(2026, 18), (2023, Decimal("12.5")), (2024, 14), (2024, 15)]
    line = points(parse(chart(trajectory=trajectory)))
    assert len(line) == 3
    assert [x for x, _y in line] == sorted(x for x, _y in line)


def test_no_line_without_trajectory():
    root = parse(chart())
    assert not list(root.iter(f"{SVG}polyline")) and not list(root.iter(f"{SVG}circle"))
    assert not list(parse(chart(trajectory=[])).iter(f"{SVG}polyline"))


def test_trajectory_with_a_single_year():
    root = parse(chart(trajectory=[(2023, Decimal("12.5"))]))
    assert len(points(root)) == 1


def test_same_input_same_markup_and_ids_differ_between_charts():
    assert chart() == chart()
    first, second = parse(chart()), parse(chart(unit="orang"))
    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")


def test_numbers_follow_the_language_of_the_page():
    with translation.override("id"):
        indonesian = texts(parse(chart()))
    assert f"1.234,5{NBSP}%" in indonesian
    assert f"1,234.5{NBSP}%" in texts(parse(chart()))


@given(
    st.one_of(
        st.decimals(places=4, min_value=-(10**15), max_value=10**15),
        st.integers(-(10**18), 10**18),
        st.floats(-1e9, 1e9),
    )
)
def test_chart_numbers_match_the_angka_filter(value):
    assert format_number(value) == format_angka(value)


def test_a_chart_drawn_again_is_served_from_the_cache_per_language(monkeypatch):
    from opd import charts

    drawn = []
    real_draw = charts._draw
    monkeypatch.setattr(charts, "_draw", lambda *a: drawn.append(a) or real_draw(*a))
    monkeypatch.setattr(charts, "_cache", type(charts._cache)())
    title = "Cakupan unik " + "x" * 8

    first = chart(title=title)
    assert chart(title=title) == first
    assert len(drawn) == 1
    with translation.override("id"):
        indonesian = chart(title=title)
    assert len(drawn) == 2 and indonesian != first  # row labels are translated
    # The key never blurs two inputs: equal Decimals written differently are kept apart.
    chart(title=title, baseline=(2023, Decimal("12.50")))
    assert len(drawn) == 3


def test_the_chart_cache_stays_bounded(monkeypatch):
    from opd import charts

    monkeypatch.setattr(charts, "_cache", type(charts._cache)())
    monkeypatch.setattr(charts, "CACHE_SIZE", 3)
    for year in range(2000, 2010):
        chart(baseline=(year, Decimal(1)))
    assert len(charts._cache) == 3


# --- Sizes for the projector -------------------------------------------------------------


def test_a_scaled_chart_is_drawn_larger_at_the_same_width():
    plain, large = parse(chart(width=840)), parse(chart(width=840, scale=1.75))
    assert large.get("width") == plain.get("width") == "840"
    drawn_width = float(large.get("viewBox").split()[2])
    assert drawn_width == pytest.approx(480)  # laid out as a 480 px chart, shown 840 px wide
    shown = 840 / drawn_width
    assert min(float(t.get("font-size")) for t in large.iter(f"{SVG}text")) * shown >= 21
    assert int(large.get("height")) > int(plain.get("height"))


def test_the_data_room_chart_is_unchanged_by_default():
    assert chart() == chart(scale=1, target_label="", point_labels=True)
    assert parse(chart()).get("viewBox") == "0 0 640 " + parse(chart()).get("height")


def test_long_labels_are_shortened_to_fit_a_narrow_chart():
    label = "Target akses sanitasi universal nasional"
    root = parse(chart(comparators=[(label, 2019, 100)], width=840, scale=1.75))
    (shown,) = [t for t in texts(root) if t.startswith("Target akses")]
    assert shown.endswith("… (2019)") and len(shown) <= 28
    assert f"{label} (2019)" in ET.tostring(root, encoding="unicode")  # in full as a tooltip


def test_the_target_bar_can_name_an_offer_instead_of_the_proposal():
    root = parse(chart(target=(2023, 30), target_label="Offered target 2023"))
    shown = texts(root)
    assert "Offered target 2023" in shown
    assert not any(text.startswith("Proposed target") for text in shown)


def test_the_line_can_leave_its_values_to_a_table():
    trajectory = [(2024, Decimal("14")), (2025, Decimal("16.5"))]
    root = parse(chart(trajectory=trajectory, point_labels=False))
    assert f"16.5{NBSP}%" not in texts(root)
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert "2025: 16.5" in root.find(f"{SVG}desc").text  # still read out
