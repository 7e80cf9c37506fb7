"""Charts drawn as SVG that is safe to inline under a strict CSP, accessible and deterministic."""

import re
import xml.etree.ElementTree as ET

import pytest

from reporting import charts
from reporting.document import Chart, Document
from tests.reporting.sample import sample_document


@pytest.fixture(scope="module")
def doc() -> Document:
    return sample_document()


@pytest.fixture(scope="module")
def drawn(doc: Document) -> dict[str, str]:
    return charts.svgs(doc)


def test_every_chart_of_the_document_is_drawn_by_key(doc: Document, drawn: dict) -> None:
    assert set(drawn) == {chart.key for chart in doc.charts}
    assert {"rag", "placements", "age"} <= set(drawn)


def test_chart_markup_has_no_style_attribute_style_element_or_script(drawn: dict) -> None:
    for markup in drawn.values():
        assert "style=" not in markup
        assert "<style" not in markup
        assert "<script" not in markup.lower()
        assert "<metadata" not in markup


def test_chart_is_an_image_named_by_its_title_and_described_by_its_alt(
    doc: Document, drawn: dict
) -> None:
    for chart in doc.charts:
        root = ET.fromstring(drawn[chart.key])  # noqa: S314
        assert root.get("role") == "img"
        ns = {"svg": "http://www.w3.org/2000/svg"}
        title = root.find("svg:title", ns)
        desc = root.find("svg:desc", ns)
        assert title is not None
        assert title.text == chart.title
        assert root.get("aria-labelledby") == title.get("id")
        assert desc is not None
        assert desc.text == chart.alt
        assert root.get("aria-describedby") == desc.get("id")


def test_chart_markup_is_plain_svg_an_html_page_draws(drawn: dict) -> None:
    # A namespace prefix (ns0:svg) would leave the browser and WeasyPrint drawing nothing.
    assert drawn["rag"].startswith("<svg ")
    assert 'xmlns="http://www.w3.org/2000/svg"' in drawn["rag"]
    assert "ns0:" not in drawn["rag"]


def test_ids_are_prefixed_with_the_chart_key_and_unique_across_charts(drawn: dict) -> None:
    ids: list[str] = []
    for key, markup in drawn.items():
        own = re.findall(r' id="([^"]+)"', markup)
        assert all(ident.startswith(f"chart-{key}-") for ident in own)
        ids += own
        for ref in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', markup):
            assert f'id="{ref[0] or ref[1]}"' in markup  # every reference still resolves
    assert len(ids) == len(set(ids))


def test_the_same_figures_draw_the_same_markup(doc: Document, drawn: dict) -> None:
    assert charts.svgs(sample_document()) == drawn


def test_each_bar_has_its_value_printed_and_the_legend_names_the_series(drawn: dict) -> None:
    rag = drawn["rag"]
    for value in ("1,126", "243", "19", "1,093", "253", "30"):
        assert f">{value}</text>" in rag
    assert ">2020-21</text>" in rag
    assert ">2019-20</text>" in rag


def test_second_series_differs_by_pattern_not_colour_alone(drawn: dict) -> None:
    rag = drawn["rag"]
    assert 'fill="#1d70b8"' in rag
    assert "<pattern" in rag
    assert re.search(r'fill="url\(#chart-rag-[^)]+\)"', rag)


def test_text_stays_text_in_the_report_fonts(drawn: dict) -> None:
    assert "Liberation Sans" in drawn["age"]
    assert ">Under 1</text>" in drawn["age"]


def test_horizontal_chart_puts_labels_on_the_vertical_axis() -> None:
    chart = Chart("h", "Title", "Alt", ["First", "Second"], [("2020-21", [3.0, 4.0])], True)
    markup = charts.svg(chart)
    assert 'text-anchor="end"' in markup  # the category labels, right-aligned to the axis
    assert ">First</text>" in markup


def test_percentages_are_labelled_as_percentages() -> None:
    chart = Chart("p", "Title", "Alt", ["Share"], [("2020-21", [99.0])])
    assert ">99.0%</text>" in charts.svg(chart, ["pct"])


def test_a_stacked_chart_prints_each_bar_total() -> None:
    chart = Chart("s", "T", "A", ["One"], [("Own", [30.0]), ("Private", [12.0])], True)
    chart.stacked = True  # type: ignore[attr-defined]  # a field document.Chart may gain
    markup = charts.svg(chart)
    assert ">42</text>" in markup
    assert ">30</text>" in markup
