"""The dashboards' charts, drawn by the annual report's chart module (reporting.charts) so both
read alike; an SVG is cached by its figures, since drawing one takes a tenth of a second."""

import hashlib
from typing import TYPE_CHECKING

from django.core.cache import cache

from reporting import charts
from reporting.document import Chart

if TYPE_CHECKING:
    from dashboards.selectors import ServiceDashboard
    from dashboards.trends import Month

CACHE_SECONDS = 60 * 60


def svg(chart: Chart, units: list[str] | None = None) -> str:
    """The chart as inline SVG, drawn once for the same figures."""
    key = "dashboards:chart:" + hashlib.sha256(repr((chart, units)).encode()).hexdigest()
    drawn = cache.get(key)
    if drawn is None:
        drawn = charts.svg(chart, units)
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn


def service_charts(dashboard: "ServiceDashboard", months: "list[Month]") -> dict[str, str]:
    """The service dashboard's charts as inline SVG, each beside a table of its figures."""
    labels = [month.label for month in months]
    drawn = {
        "reviews": Chart(
            "reviews",
            "Reviews held each month, and how many in time",
            "Bar chart of reg. 33 reviews held in each of the last 24 months beside those held "
            "in time; the figures are in the table below it.",
            labels,
            [
                ("Held", [float(m.held) for m in months]),
                ("In time", [float(m.in_time) for m in months]),
            ],
            horizontal=True,
        ),
        "looked_after": Chart(
            "looked_after",
            "Children looked after at each month's end",
            "Bar chart of the children looked after at the end of each of the last 24 months; "
            "the figures are in the table below it.",
            labels,
            [("Looked after", [float(m.looked_after_at_end) for m in months])],
            horizontal=True,
        ),
        "movement": Chart(
            "movement",
            "Children starting and ceasing care each month",
            "Bar chart of periods of care starting and ending in each of the last 24 months; "
            "the figures are in the table below it.",
            labels,
            [
                ("Started", [float(m.started) for m in months]),
                ("Ceased", [float(m.ceased) for m in months]),
            ],
            horizontal=True,
        ),
        "rag": Chart(
            "rag",
            "Latest RAG rating of each child looked after",
            "Bar chart of children looked after by their latest RAG rating, each bar named "
            "by its rating; the figures are in the table beside it.",
            [figure.label for figure in dashboard.rag],
            [("Children", [float(figure.count) for figure in dashboard.rag])],
            horizontal=True,
        ),
    }
    return {key: svg(chart) for key, chart in drawn.items()}
