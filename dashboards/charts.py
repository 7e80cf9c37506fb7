"""The dashboards' charts, drawn by the annual report's chart module (reporting.charts) so both
read alike; an SVG is cached by its figures, since drawing one takes a tenth of a second."""

import hashlib

from django.core.cache import cache

from reporting import charts
from reporting.document import COUNT, PCT, Chart

CACHE_SECONDS = 60 * 60


def svg(chart: Chart, units: list[str] | None = None) -> str:
    """The chart as inline SVG, drawn once for the same figures."""
    key = "dashboards:chart:" + hashlib.sha256(repr((chart, units)).encode()).hexdigest()
    drawn = cache.get(key)
    if drawn is None:
        drawn = charts.svg(chart, units)
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn


__all__ = ["COUNT", "PCT", "Chart", "svg"]
