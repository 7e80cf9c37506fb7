"""The dashboards' figures: each one counted from the same rows as the list it links to."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from alerts.kinds import AlertKind
from alerts.selectors import alerts_for, counts_by_kind, unread_count
from children.access import children_visible_to
from escalations.selectors import open_escalations_of
from iro_service.models import User
from iro_service.working_days import add_working_days
from reporting.rules import caseload_band
from reviews import selectors as reviews
from reviews.selectors import CASELOAD_TIMINGS, CaseloadRow


@dataclass(frozen=True)
class Figure:
    """One number on a dashboard, what it counts, and the list it is the length of."""

    label: str
    count: int
    url: str
    hint: str = ""
    warn: bool = False  # worth the reader's attention now (shown in words, not only colour)


def _caseload(**query: str) -> str:
    return reverse("reviews:caseload") + ("?" + urlencode(query) if query else "")


def _alerts(kind: str) -> str:
    return reverse("alerts:list") + "?" + urlencode({"kind": kind})


def per_fte_hint(caseload: int, iro: User) -> str:
    """The caseload per FTE against the IRO Handbook's 50 to 70, in words."""
    if iro.fte is None:
        return "FTE not recorded"
    per_fte = caseload / float(iro.fte)
    return f"{per_fte:.0f} per FTE: {caseload_band(per_fte)} (50 to 70)"


@dataclass(frozen=True)
class IroDashboard:
    rows: list[CaseloadRow]
    week: list[Figure]
    rag: list[Figure]
    oversight: list[Figure]


RAG_LABELS = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("none", "Not rated yet"))


def iro_dashboard(user: User, *, today: date) -> IroDashboard:
    """An IRO's week: their caseload's reviews, RAG, what their alerts ask, in 7 queries."""
    children = children_visible_to(user).looked_after_now()
    rows = reviews.caseload_rows(children, today=today)
    due_soon_until = add_working_days(today, reviews.DUE_SOON_WORKING_DAYS)
    timings = [reviews.timing_of(row, due_soon_until=due_soon_until) for row in rows]

    def timed(key: str) -> int:
        return sum(1 for found in timings if key in found)

    late = sum(1 for row in rows if row.scheduled_after_due)
    alerts = counts_by_kind(alerts_for(user))
    week = [
        Figure("Children on your caseload", len(rows), _caseload(), per_fte_hint(len(rows), user)),
        Figure(
            CASELOAD_TIMINGS["overdue"],
            timed("overdue"),
            _caseload(timing="overdue"),
            "Reviews not held by their due date",
            warn=timed("overdue") > 0,
        ),
        Figure(
            CASELOAD_TIMINGS["due_soon"],
            timed("due_soon"),
            _caseload(timing="due_soon"),
            f"Due by {due_soon_until:%-d %B}",
        ),
        Figure(
            "Booked after the due date",
            late,
            _caseload(scheduled_after_due="on"),
            "Reviews to bring forward",
            warn=late > 0,
        ),
        Figure(
            CASELOAD_TIMINGS["draft"],
            timed("draft"),
            _caseload(timing="draft"),
            "Held, record not yet final",
        ),
    ]
    kinds = (
        (AlertKind.PRE_MEETING_DUE, "Pre-meeting oversight due"),
        (AlertKind.RAG_FOLLOW_UP_DUE, "RAG follow-ups due soon"),
        (AlertKind.RAG_FOLLOW_UP_OVERDUE, "RAG follow-ups overdue"),
        (AlertKind.DECISION_OVERDUE, "Decisions overdue"),
        (AlertKind.CONTACT_OVERDUE, "In-contact plan contacts due"),
    )
    escalations = open_escalations_of(user).count()
    new = unread_count(user)
    oversight = [
        *(Figure(label, alerts.get(kind, 0), _alerts(kind)) for kind, label in kinds),
        Figure("Open escalations", escalations, reverse("escalations:mine")),
        Figure("New alerts", new, reverse("alerts:list"), warn=new > 0),
    ]
    ratings = [row.child.latest_rating or "none" for row in rows]  # type: ignore[attr-defined]
    rag = [Figure(label, ratings.count(key), _caseload(rag=key)) for key, label in RAG_LABELS]
    return IroDashboard(rows=rows, week=week, rag=rag, oversight=oversight)
