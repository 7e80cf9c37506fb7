"""The report's charts drawn server side as SVG that can be inlined under a strict Content
Security Policy: no style attributes or elements, no scripts, ids unique to the chart, and the
same markup every time the same figures are drawn.
"""

import io
import re
import textwrap
import xml.etree.ElementTree as ET
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from reporting.document import COUNT, PCT, Chart, Document

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
HREF = f"{{{XLINK_NS}}}href"

# GOV.UK blue and dark grey, then purple; each series after the first also has its own hatch so
# that series differ without colour (WCAG 1.4.1).
SERIES_STYLES = [("#1d70b8", ""), ("#505a5f", "///"), ("#912b88", "..")]
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
FONTS = ["Liberation Sans", "Arial", "DejaVu Sans"]
LABEL_WIDTH = 44  # characters on a line of a horizontal chart's category label
WIDTH = 7.0  # inches: about the width of an A4 page's text block

RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, read by screen readers
    "font.family": "sans-serif",
    "font.sans-serif": FONTS,
    "font.size": 10,
    "text.color": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "hatch.color": "#ffffff",
    "hatch.linewidth": 1.2,
}

# Presentation attributes SVG accepts in place of CSS properties of the same name.
PRESENTATION = {
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "clip-path",
    "clip-rule",
}
URL_REF = re.compile(r"url\(#([^)]+)\)")


def svg(chart: Chart, units: list[str] | None = None) -> str:
    """The chart as inline SVG markup; `units` (its table's, per label) format the bar labels."""
    figure = _draw(chart, units or [])
    with matplotlib.rc_context({**RC, "svg.hashsalt": chart.key}):
        out = io.StringIO()
        # No date, creator or title in the metadata: an edition renders the same twice.
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _clean(out.getvalue(), chart)


def svgs(doc: Document) -> dict[str, str]:
    """Every chart of the document as inline SVG markup, by chart key."""
    units = {table.key: table.units for table in doc.tables}
    return {chart.key: svg(chart, units.get(chart.key)) for chart in doc.charts}


def _draw(chart: Chart, units: list[str]) -> Figure:
    """Bars grouped by label, one per series (or stacked), each value printed at its bar."""
    stacked = chart.stacked  # parts of a whole rather than years side by side
    count = max(len(chart.series), 1)
    per_label = 1 if stacked else count
    with matplotlib.rc_context(RC):
        height = _height(chart, per_label) if chart.horizontal else 3.6
        figure = Figure(figsize=(WIDTH, height), layout="constrained")
        ax = figure.add_subplot()
        if stacked:
            _stacked_bars(ax, chart)
        else:
            _grouped_bars(ax, chart, units)
        _axes(ax, chart, count)
    return figure


def _wrap(label: str) -> str:
    """A horizontal chart's category label over as many lines as it needs."""
    return textwrap.fill(label, LABEL_WIDTH)


def _height(chart: Chart, per_label: int) -> float:
    """A horizontal chart's height in inches: labels are evenly spaced, each given room for its
    bars or for the longest label's wrapped lines if that needs more."""
    lines = max((_wrap(label).count("\n") + 1 for label in chart.labels), default=1)
    return 0.9 + len(chart.labels) * max(0.14 * per_label + 0.1, 0.15 * lines)


def _bars(
    ax: Axes,
    chart: Chart,
    index: int,
    offsets: list[float],
    values: list[float],
    size: float,
    base: list[float] | None = None,
) -> BarContainer:
    """One series' bars in its colour and hatch, starting at `base` when stacked."""
    colour, hatch = SERIES_STYLES[index % len(SERIES_STYLES)]
    style: dict[str, Any] = {
        "color": colour,
        "hatch": hatch or None,
        "edgecolor": "#ffffff",
        "linewidth": 0.5,
        "label": chart.series[index][0],
    }
    if chart.horizontal:
        return ax.barh(offsets, values, size, left=base, **style)
    return ax.bar(offsets, values, size, bottom=base, **style)


def _grouped_bars(ax: Axes, chart: Chart, units: list[str]) -> None:
    """One bar per series side by side in each label's slot, its value at its end."""
    slot = 0.8 / len(chart.series)
    for index, (_, values) in enumerate(chart.series):
        offsets = [p - 0.4 + slot * (index + 0.5) for p in range(len(chart.labels))]
        bars = _bars(ax, chart, index, offsets, values, slot)
        labels = [
            _value_label(v, units[i] if i < len(units) else COUNT) for i, v in enumerate(values)
        ]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=8)


def _stacked_bars(ax: Axes, chart: Chart) -> None:
    """The series end to end in one bar per label: the total at its end, each part inside it
    where there is room (a part that is the whole is said by the total)."""
    totals = [sum(values[i] for _, values in chart.series) for i in range(len(chart.labels))]
    top = max(totals, default=0)
    base = [0.0] * len(chart.labels)
    bars = None
    for index, (_, values) in enumerate(chart.series):
        bars = _bars(ax, chart, index, list(range(len(values))), values, 0.7, base)
        labels = [
            _value_label(v, COUNT) if top / 12 <= v < total else ""
            for v, total in zip(values, totals, strict=True)
        ]
        # Each number on a patch of its own series' colour stays readable over the hatch.
        colour = SERIES_STYLES[index % len(SERIES_STYLES)][0]
        box = {"boxstyle": "square,pad=0.15", "facecolor": colour, "linewidth": 0}
        for text in ax.bar_label(bars, labels=labels, label_type="center", fontsize=8):
            text.set(color="#ffffff", bbox=box if text.get_text() else None)
        base = [b + v for b, v in zip(base, values, strict=True)]
    if bars is not None:
        ax.bar_label(bars, labels=[_value_label(t, COUNT) for t in totals], padding=2, fontsize=8)


def _axes(ax: Axes, chart: Chart, count: int) -> None:
    """Category labels wrapped to fit, a light grid on the value axis and the legend above."""
    n = max(len(chart.labels), 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)
    thousands = StrMethodFormatter("{x:,.0f}")
    if chart.horizontal:
        ax.set_yticks(range(len(chart.labels)), [_wrap(t) for t in chart.labels])
        ax.invert_yaxis()  # the table's first row at the top, as it is read
        ax.xaxis.set_major_formatter(thousands)
        ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.5)
        ax.margins(x=0.1, y=0.01)
    else:
        width = max(10, int(96 / n))
        ax.set_xticks(range(len(chart.labels)), [textwrap.fill(t, width) for t in chart.labels])
        ax.tick_params(axis="x", length=0)
        ax.yaxis.set_major_formatter(thousands)
        ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.5)
        ax.margins(y=0.12)
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.01),
        ncols=count,
        frameon=False,
        handlelength=2.5,
        handleheight=1.2,
    )


def _value_label(value: float, unit: str) -> str:
    """A bar's value as the table prints it, less the unit words."""
    if unit == PCT:
        return f"{value:.1f}%"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.1f}"


def _clean(markup: str, chart: Chart) -> str:
    """matplotlib's SVG made CSP safe and accessible: styles become presentation attributes,
    metadata goes, ids are prefixed with the chart key, and the root names the chart."""
    root = ET.fromstring(markup)  # noqa: S314 (our own matplotlib output, not user input)
    prefix = f"chart-{chart.key}-"
    referenced = set(URL_REF.findall(markup)) | set(re.findall(r'href="#([^"]+)"', markup))
    _drop(root, {"metadata", "style", "script"})
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            _apply_style(element, style)
        ident = element.attrib.pop("id", None)
        if ident is not None and ident in referenced:
            element.set("id", prefix + ident)
        for name, value in list(element.attrib.items()):
            if name == HREF and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
            elif "url(#" in value:
                element.set(name, URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))
    _accessible_root(root, chart, prefix)
    _local_names(root)
    return ET.tostring(root, encoding="unicode")


def _local_names(root: ET.Element) -> None:
    """Plain svg/xlink names declared on the root: ElementTree's prefix registry is global and
    other libraries reset it, which would print ns0:svg (not drawn by HTML parsers)."""
    for element in root.iter():
        element.tag = element.tag.rsplit("}", 1)[-1]
        if HREF in element.attrib:
            element.set("xlink:href", element.attrib.pop(HREF))
    root.set("xmlns", SVG_NS)
    root.set("xmlns:xlink", XLINK_NS)


def _drop(root: ET.Element, names: set[str]) -> None:
    """Remove elements by local name (and emptied <defs>) wherever they are."""
    for parent in list(root.iter()):
        for child in list(parent):
            local = child.tag.rsplit("}", 1)[-1]
            if local in names or (local == "defs" and _only(child, names)):
                parent.remove(child)


def _only(element: ET.Element, names: set[str]) -> bool:
    return all(child.tag.rsplit("}", 1)[-1] in names for child in element)


def _apply_style(element: ET.Element, style: str) -> None:
    """CSS declarations as SVG presentation attributes; the `font` shorthand split in two."""
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font":
            size, _, family = value.partition(" ")
            element.set("font-size", size)
            element.set("font-family", family)
        elif name in PRESENTATION:
            element.set(name, value)


def _accessible_root(root: ET.Element, chart: Chart, prefix: str) -> None:
    """role="img" named by a <title> and described by a <desc>, both first children."""
    # The stylesheet matplotlib writes sets these for every element; presentation attributes
    # on the root are inherited the same way.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    for name in ("width", "height"):
        # Sized by the page's CSS to its container, keeping the viewBox's proportions.
        root.attrib.pop(name, None)
    root.set("class", "app-chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}title")
    root.set("aria-describedby", f"{prefix}desc")
    root.set("focusable", "false")
    title = ET.Element("title", id=f"{prefix}title")
    title.text = chart.title
    desc = ET.Element("desc", id=f"{prefix}desc")
    desc.text = chart.alt
    root.insert(0, desc)
    root.insert(0, title)
