"""Filters that print the annual report's document in HTML (the app's page and the PDF)."""

from django import template

from reporting import document
from reporting.document import Chart, Section, Table
from reporting.exports import printed_rows

register = template.Library()


@register.filter
def rows(table: Table) -> list[list[str]]:
    """The table's rows with every figure printed by document.cell_text."""
    return printed_rows(table)


@register.filter
def plain(text: str) -> str:
    """Narrative text without control characters (escaped by autoescape as ever)."""
    return document.plain(text)


@register.filter
def chart_for(section: Section, key: str) -> Chart | None:
    """The section's chart drawn from the table with this key, if it has one."""
    return next((chart for chart in section.charts if chart.key == key), None)


@register.filter
def svg_for(chart_svgs: dict[str, str] | None, key: str) -> str:
    """A chart's SVG markup by key; empty when it was not drawn."""
    return (chart_svgs or {}).get(key, "")
