"""Reads of reviews and oversight that span relations, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from children.models import Child, ChildQuerySet, PeriodOfCare
from reviews import rules
from reviews.models import (
    OversightNote,
    RagRating,
    Review,
    ReviewStatus,
)


def with_review_status(children: ChildQuerySet) -> ChildQuerySet:
    """Annotate what the next-review rule needs, the latest RAG and the last oversight date."""
    period = PeriodOfCare.objects.open().filter(child=OuterRef("pk"))
    held_in_period = (
        Review.objects.held().filter(child=OuterRef("pk"), period__end_date=None).values("child")
    )
    open_review = Review.objects.filter(
        child=OuterRef("pk"), status__in=[ReviewStatus.SCHEDULED, ReviewStatus.DRAFT]
    )
    latest_rag = RagRating.objects.filter(child=OuterRef("pk")).order_by("-set_on", "-created_at")
    last_note = OversightNote.objects.filter(child=OuterRef("pk")).order_by("-noted_on")
    return children.annotate(
        open_period_start=Subquery(period.values("start_date")[:1]),
        held_count=Coalesce(Subquery(held_in_period.annotate(n=Count("pk")).values("n")[:1]), 0),
        last_held_on=Subquery(held_in_period.annotate(d=Max("held_on")).values("d")[:1]),
        open_review_id=Subquery(open_review.values("public_id")[:1]),
        open_review_scheduled_for=Subquery(open_review.values("scheduled_for")[:1]),
        latest_rating=Subquery(latest_rag.values("rating")[:1]),
        last_oversight_on=Subquery(last_note.values("noted_on")[:1]),
    )


def next_due_from_annotations(child: Child) -> rules.ReviewDue | None:
    """The reg. 33 due date of the child's next review, from `with_review_status` annotations."""
    start = getattr(child, "open_period_start", None)
    if start is None:
        return None
    if not rules.reviews_required(getattr(child, "current_legal_status", "") or ""):
        return None
    held: int = getattr(child, "held_count", 0)
    if held == 0:
        return rules.next_review_due(period_start=start, held_reviews=[])
    # Only the count and the latest date matter to reg. 33: pad with the period start.
    latest: date = getattr(child, "last_held_on")  # noqa: B009
    return rules.next_review_due(period_start=start, held_reviews=[start] * (held - 1) + [latest])


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    next_due: rules.ReviewDue | None
    days_to_due: int | None
    oversight_this_quarter: bool

    @property
    def overdue(self) -> bool:
        return self.days_to_due is not None and self.days_to_due < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_to_due if self.days_to_due is not None and self.days_to_due < 0 else 0


def _on_or_after(day: date | None, start: date) -> bool:
    return day is not None and day >= start


def caseload_rows(children: ChildQuerySet, *, today: date, sort: str = "due") -> list[CaseloadRow]:
    """A caseload with each child's next review due, RAG and oversight this quarter, sorted."""
    quarter_start, _ = rules.quarter_of(today)
    rows = []
    for child in with_review_status(children.with_current()):
        due = next_due_from_annotations(child)
        rows.append(
            CaseloadRow(
                child=child,
                next_due=due,
                days_to_due=(due.due - today).days if due else None,
                oversight_this_quarter=_on_or_after(
                    child.last_oversight_on,  # type: ignore[attr-defined]
                    quarter_start,
                ),
            )
        )
    far = date.max
    keys = {
        "due": lambda r: (r.next_due.due if r.next_due else far, r.child.last_name),
        "name": lambda r: (r.child.last_name, r.child.first_name),
        "rag": lambda r: (
            {"red": 0, "amber": 1, "green": 2}.get(r.child.latest_rating or "", 3),
            r.child.last_name,
        ),
        "oversight": lambda r: (r.child.last_oversight_on or date.min, r.child.last_name),
    }
    return sorted(rows, key=keys.get(sort, keys["due"]))


def next_review_for(child: Child) -> rules.ReviewDue | None:
    """The child's next review due date under reg. 33, from their current period of care."""
    annotated = with_review_status(Child.objects.filter(pk=child.pk).with_current()).get()
    return next_due_from_annotations(annotated)


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
    open_follow_up = next((r for r in ratings[:1] if r.followed_up_on is None), None)
    return OversightSummary(
        ratings, notes, open_follow_up, bool(last and last >= quarter_start), last
    )


def reviews_for(child: Child) -> list[Review]:
    return list(
        child.reviews.select_related("iro", "rag")
        .annotate(open_decisions=Count("decisions", filter=Q(decisions__status="open")))
        .order_by(F("held_on").desc(nulls_first=True), "-scheduled_for", "-created_at")
    )
