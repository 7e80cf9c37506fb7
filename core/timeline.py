"""The child's timeline: every app contributes dated entries, shown newest first."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from children.models import Child


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event in a child's record, from any app."""

    day: date
    kind: str  # a key of KINDS
    title: str
    detail: str = ""
    url: str = ""
    tag: str = ""  # a short status word shown as a GOV.UK tag, e.g. "Late", "Red"
    tag_colour: str = ""  # a govuk-tag modifier: "red", "orange", "green", "grey", "blue"
    sort_key: tuple = field(default=(), compare=False)


KINDS = {
    "care": "Care episodes",
    "allocation": "IRO allocations",
    "review": "Reviews",
    "rag": "RAG ratings",
    "oversight": "Oversight notes",
    "contact": "In-contact",
    "advocacy": "Advocacy",
    "iv": "Independent Visitors",
    "escalation": "Escalations",
}

TimelineSource = Callable[["Child"], Iterable[TimelineEntry]]
_sources: list[TimelineSource] = []


def timeline_source(func: TimelineSource) -> TimelineSource:
    """Register a function that yields a child's timeline entries from one app."""
    _sources.append(func)
    return func


def child_timeline(child: "Child", *, kinds: set[str] | None = None) -> list[TimelineEntry]:
    """Every registered app's entries for `child`, newest first, optionally of some kinds only."""
    entries = [entry for source in _sources for entry in source(child)]
    if kinds:
        entries = [entry for entry in entries if entry.kind in kinds]
    return sorted(entries, key=lambda e: (e.day, e.sort_key), reverse=True)
