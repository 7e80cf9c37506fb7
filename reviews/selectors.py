"""Reads of reviews and oversight that span relations, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from children.models import Child, ChildQuerySet, PeriodOfCare
from iro_service.working_days import add_working_days
from reviews import rules
from reviews.models import (
    OversightNote,
    RagRating,
    Review,
    ReviewStatus,
)
from reviews.models.review import ReviewQuerySet

OPEN_STATUSES = [ReviewStatus.SCHEDULED, ReviewStatus.DRAFT]
HELD_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.FINAL)


def with_review_status(children: ChildQuerySet) -> ChildQuerySet:
    """Annotate the open period's start and booked review, the latest RAG and last oversight."""
    period = PeriodOfCare.objects.open().filter(child=OuterRef("pk"))
    open_review = Review.objects.filter(
        child=OuterRef("pk"), period__end_date=None, status__in=OPEN_STATUSES
    )
    latest_rag = RagRating.objects.filter(child=OuterRef("pk")).order_by("-set_on", "-created_at")
    last_note = OversightNote.objects.filter(child=OuterRef("pk")).order_by("-noted_on")
    return children.annotate(
        open_period_start=Subquery(period.values("start_date")[:1]),
        open_review_status=Subquery(open_review.values("status")[:1]),
        open_review_scheduled_for=Subquery(open_review.values("scheduled_for")[:1]),
        latest_rating=Subquery(latest_rag.values("rating")[:1]),
        last_oversight_on=Subquery(last_note.values("noted_on")[:1]),
    )


def next_reviews_due(
    children: "QuerySet[Child]", *, reviews: Iterable[Review] | None = None
) -> dict[int, rules.ReviewDue]:
    """Each looked-after child's next review due (CPPCR 2010, regs. 33 and 48), in two queries,
    or one when the children's reviews (with their periods) are already in hand.

    The rule is the one the services use (`rules.review_due_in_period`), fed with the episodes
    and reviews held of each child's open period, so a page and a service never disagree.
    """
    ids = children.order_by().values("pk")
    periods: dict[int, date] = {}
    spells: dict[int, list[rules.Spell]] = defaultdict(list)
    history: dict[int, date] = {}
    # From the periods, so a period with no episode held still has its reviews counted.
    # Unordered and streamed: the rule sorts what it needs, and the alerts scan reads every
    # looked-after child's (a million held reviews at 100,000 children; bench/RESULTS.md).
    rows = (
        PeriodOfCare.objects.filter(child__in=ids)
        .order_by()
        .values_list(
            "child_id", "start_date", "end_date", "episodes__start_date", "episodes__legal_status"
        )
        .iterator(chunk_size=10_000)
    )
    for child_id, period_start, period_end, start, status in rows:
        if start is not None:
            history[child_id] = min(start, history.get(child_id, start))
        if period_end is None:
            periods[child_id] = period_start
            if start is not None:
                spells[child_id].append(rules.Spell(start, status))
    if reviews is None:
        held_rows: Iterable[tuple[int, date | None, str]] = (
            Review.objects.held()
            .filter(child__in=ids, period__end_date=None)
            .order_by()
            .values_list("child_id", "held_on", "regime")
            .iterator(chunk_size=10_000)
        )
    else:
        held_rows = [
            (r.child_id, r.held_on, r.regime)
            for r in reviews
            if r.held_on and r.status in HELD_STATUSES and r.period.end_date is None
        ]
    held: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for child_id, held_on, regime in held_rows:
        if held_on is not None:
            held[child_id].append((held_on, regime))
    return {
        child_id: rules.review_due_in_period(
            period_start=start,
            spells=spells[child_id],
            held=held[child_id],
            history_from=history.get(child_id),
        )
        for child_id, start in periods.items()
    }


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    next_due: rules.ReviewDue | None
    days_to_due: int | None
    oversight_this_quarter: bool
    scheduled_after_due: bool = False

    @property
    def overdue(self) -> bool:
        return self.days_to_due is not None and self.days_to_due < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_to_due if self.days_to_due is not None and self.days_to_due < 0 else 0

    @property
    def timeliness_unknown(self) -> bool:
        return self.next_due is not None and not self.next_due.known


DUE_SOON_WORKING_DAYS = 20
CASELOAD_TIMINGS = {
    "overdue": "Overdue",
    "due_soon": f"Due in the next {DUE_SOON_WORKING_DAYS} working days",
    "draft": "Record in draft",
}


@dataclass(frozen=True)
class CaseloadFilters:
    """What the IRO narrowed their caseload to; empty values filter nothing."""

    text: str = ""
    rag: str = ""  # red, amber, green, or "none" for not rated yet
    due_within_days: int | None = None
    scheduled_after_due: bool = False
    timing: str = ""  # a key of CASELOAD_TIMINGS

    @property
    def active(self) -> bool:
        return bool(
            self.text
            or self.rag
            or self.due_within_days is not None
            or self.scheduled_after_due
            or self.timing
        )


def timing_of(row: "CaseloadRow", *, due_soon_until: date) -> set[str]:
    """Which of CASELOAD_TIMINGS a caseload row is in: the dashboard counts them, the
    caseload filters by them, so a figure and its list always agree."""
    found = set()
    if row.overdue:
        found.add("overdue")
    elif row.next_due is not None and row.next_due.due and row.next_due.due <= due_soon_until:
        found.add("due_soon")
    if row.child.open_review_status == ReviewStatus.DRAFT:  # type: ignore[attr-defined]
        found.add("draft")
    return found


def _on_or_after(day: date | None, start: date) -> bool:
    return day is not None and day >= start


def _matching(children: ChildQuerySet, filters: CaseloadFilters) -> ChildQuerySet:
    if filters.text:
        term = filters.text
        children = children.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(child_ref__icontains=term)
        )
    # latest_rating is the with_review_status annotation.
    if filters.rag == "none":
        children = children.filter(Q(latest_rating__isnull=True))
    elif filters.rag:
        children = children.filter(Q(latest_rating=filters.rag))
    return children


def _keeps(row: CaseloadRow, filters: CaseloadFilters, *, due_soon_until: date) -> bool:
    if filters.scheduled_after_due and not row.scheduled_after_due:
        return False
    if filters.timing and filters.timing not in timing_of(row, due_soon_until=due_soon_until):
        return False
    if filters.due_within_days is not None:
        return row.days_to_due is not None and row.days_to_due <= filters.due_within_days
    return True


def caseload_rows(
    children: ChildQuerySet,
    *,
    today: date,
    sort: str = "due",
    filters: CaseloadFilters | None = None,
) -> list[CaseloadRow]:
    """A caseload with each child's next review due, RAG and oversight this quarter, filtered
    and sorted, in a fixed number of queries."""
    filters = filters or CaseloadFilters()
    quarter_start, _ = rules.quarter_of(today)
    due_soon_until = add_working_days(today, DUE_SOON_WORKING_DAYS)
    annotated = _matching(with_review_status(children.with_current()), filters)
    listed = list(annotated)
    due_by_child = next_reviews_due(Child.objects.filter(pk__in=[c.pk for c in listed]))
    rows = []
    for child in listed:
        due = due_by_child.get(child.pk)
        booked = child.open_review_scheduled_for  # type: ignore[attr-defined]
        row = CaseloadRow(
            child=child,
            next_due=due,
            days_to_due=(due.due - today).days if due and due.due else None,
            oversight_this_quarter=_on_or_after(
                child.last_oversight_on,  # type: ignore[attr-defined]
                quarter_start,
            ),
            scheduled_after_due=bool(
                booked
                and child.open_review_status == ReviewStatus.SCHEDULED  # type: ignore[attr-defined]
                and due
                and due.due
                and timezone.localdate(booked) > due.due
            ),
        )
        if _keeps(row, filters, due_soon_until=due_soon_until):
            rows.append(row)
    far = date.max
    keys = {
        "due": lambda r: (
            r.next_due.due if r.next_due and r.next_due.due else far,
            r.child.last_name,
        ),
        "name": lambda r: (r.child.last_name, r.child.first_name),
        "rag": lambda r: (
            {"red": 0, "amber": 1, "green": 2}.get(r.child.latest_rating or "", 3),
            r.child.last_name,
        ),
        "oversight": lambda r: (r.child.last_oversight_on or date.min, r.child.last_name),
    }
    return sorted(rows, key=keys.get(sort, keys["due"]))


def next_review_for(
    child: Child, *, reviews: Iterable[Review] | None = None
) -> rules.ReviewDue | None:
    """The child's next review due (CPPCR 2010, regs. 33 and 48), from their open period;
    `reviews`, all the child's reviews with their periods, saves a query when already read."""
    return next_reviews_due(Child.objects.filter(pk=child.pk), reviews=reviews).get(child.pk)


@dataclass(frozen=True)
class ReviewTimeliness:
    in_time: int
    late: int
    unknown: int

    @property
    def percent_in_time(self) -> int | None:
        """Held in time, of the reviews whose due date is known; unknown ones are left out."""
        known = self.in_time + self.late
        return round(100 * self.in_time / known) if known else None


def review_timeliness(reviews: ReviewQuerySet) -> ReviewTimeliness:
    """How many reg. 33 reviews held were in time, late, or of unknown timeliness (ADR 0010)."""
    counts = (
        reviews.held()
        .reg33()
        .aggregate(
            in_time=Count("pk", filter=Q(due_date__isnull=False, held_on__lte=F("due_date"))),
            late=Count("pk", filter=Q(due_date__isnull=False, held_on__gt=F("due_date"))),
            unknown=Count("pk", filter=Q(due_date__isnull=True)),
        )
    )
    return ReviewTimeliness(**counts)


@dataclass(frozen=True)
class OversightSummary:
    ratings: list[RagRating]
    notes: list[OversightNote]
    open_follow_up: RagRating | None
    quarter_met: bool
    last_oversight_on: date | None


def oversight_summary(child: Child, *, today: date) -> OversightSummary:
    """The child's RAG history, recent oversight notes and this quarter's minimum standard."""
    ratings = list(
        child.rag_ratings.select_related("review", "set_by").order_by("-set_on", "-created_at")[:20]
    )
    notes = list(
        child.oversight_notes.select_related("author").order_by("-noted_on", "-created_at")[:10]
    )
    quarter_start, _ = rules.quarter_of(today)
    last = notes[0].noted_on if notes else None
    open_follow_up = next((r for r in ratings[:1] if r.follow_up_open), None)
    return OversightSummary(
        ratings, notes, open_follow_up, bool(last and last >= quarter_start), last
    )


def reviews_for(child: Child) -> list[Review]:
    return list(
        child.reviews.select_related("iro", "rag", "period")
        .annotate(open_decisions=Count("decisions", filter=Q(decisions__status="open")))
        .order_by(F("held_on").desc(nulls_first=True), "-scheduled_for", "-created_at")
    )
