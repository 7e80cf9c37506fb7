"""Service-wide statistics that link to no list are read from the cache for a few minutes:
each scans a year of reviews (0.7 s at 100,000 children), and none changes from one minute
to the next. Figures that link to a list are never cached, so each stays its list's length.
"""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
CACHE_SECONDS = 10 * 60


def for_the_day(name: str, today: date, compute: Callable[[], T]) -> T:
    """`compute()` for `today`, from this process's cache when computed in the last minutes."""
    key = f"dashboards:{name}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
