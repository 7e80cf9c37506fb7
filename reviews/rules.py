"""Review timescales, RAG follow-up windows and reporting periods.

Statutory timescales come from the Care Planning, Placement and Case Review (England)
Regulations 2010, reg. 33. Months are calendar months (Interpretation Act 1978, Sch. 1), so
31 August + 6 months is 28 or 29 February; some case systems use +91/+183 days instead, this
one does not. RAG follow-up windows are IRO Handbook 2010 / local practice, not statute.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db import models

from core.dates import long_date
from iro_service.working_days import add_working_days, subtract_working_days

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
NO_REVIEW_LEGAL_STATUSES = frozenset({"V3", "V4"})
PRE_MEETING_OVERSIGHT_WORKING_DAYS = 2
SCHEDULE_AHEAD_MONTHS = 12

RED_FOLLOW_UP_WITHIN = timedelta(weeks=4)
AMBER_FOLLOW_UP_FROM = timedelta(weeks=5)
AMBER_FOLLOW_UP_TO = timedelta(weeks=8)
GREEN_MIDWAY_MARGIN = timedelta(days=14)

_REPORTING_YEAR_LABEL = re.compile(r"(\d{4})-(\d{2})")


class ReviewKind(models.TextChoices):
    """Which review of a period of care: the interval to it differs (CPPCR 2010, reg. 33)."""

    FIRST = "first", "First review"
    SECOND = "second", "Second review"
    LATER = "later", "Later review"


@dataclass(frozen=True)
class ReviewDue:
    kind: ReviewKind
    due: date
    counted_from: date
    reason: str


def first_review_due(period_start: date) -> date:
    """First review within 20 working days of becoming looked after (CPPCR 2010, reg. 33(1))."""
    # The day the child becomes looked after is day 0 and is not counted: looked after on
    # Wednesday 1 April 2020 gives Friday 1 May 2020 (Good Friday and Easter Monday excluded).
    return add_working_days(period_start, FIRST_REVIEW_WORKING_DAYS)


def second_review_due(first_review_held: date) -> date:
    """Second review within 3 calendar months of the first (CPPCR 2010, reg. 33(2))."""
    return first_review_held + relativedelta(months=SECOND_REVIEW_MONTHS)


def later_review_due(previous_review_held: date) -> date:
    """Each later review within 6 calendar months of the previous (CPPCR 2010, reg. 33(3))."""
    return previous_review_held + relativedelta(months=LATER_REVIEW_MONTHS)


def next_review_due(*, period_start: date, held_reviews: Sequence[date]) -> ReviewDue:
    """Next review due in this period of care, from actual review dates (CPPCR 2010, reg. 33)."""
    if any(held < period_start for held in held_reviews):
        raise ValueError("A review held before the period of care began belongs to another period")
    held = sorted(held_reviews)
    if not held:
        return ReviewDue(
            kind=ReviewKind.FIRST,
            due=first_review_due(period_start),
            counted_from=period_start,
            reason=(
                f"First review: within {FIRST_REVIEW_WORKING_DAYS} working days of becoming "
                f"looked after on {long_date(period_start)}"
            ),
        )
    if len(held) == 1:
        return ReviewDue(
            kind=ReviewKind.SECOND,
            due=second_review_due(held[0]),
            counted_from=held[0],
            reason=(
                f"Second review: within {SECOND_REVIEW_MONTHS} months of the first review "
                f"on {long_date(held[0])}"
            ),
        )
    return ReviewDue(
        kind=ReviewKind.LATER,
        due=later_review_due(held[-1]),
        counted_from=held[-1],
        reason=(
            f"Later review: within {LATER_REVIEW_MONTHS} months of the previous review "
            f"on {long_date(held[-1])}"
        ),
    )


def is_in_time(*, held: date, due: date) -> bool:
    """A review is in time when held on or before its due date (CPPCR 2010, reg. 33)."""
    return held <= due


def reviews_required(legal_status: str) -> bool:
    """Short-break-only legal statuses V3 and V4 have no looked-after reviews (SSDA903 LS codes)."""
    return legal_status.strip().upper() not in NO_REVIEW_LEGAL_STATUSES


def furthest_schedulable(today: date) -> date:
    """The latest day a review can be booked for: 12 months ahead (local rule on reg. 33)."""
    # Reg. 33 allows at most 6 months between reviews, so a date further ahead than a year
    # is a typing error (31/12/9999, say), not a plan.
    return today + relativedelta(months=SCHEDULE_AHEAD_MONTHS)


def pre_meeting_oversight_due(review_date: date) -> date:
    """IRO pre-meeting oversight 2 working days before the review (local practice, not statute)."""
    return subtract_working_days(review_date, PRE_MEETING_OVERSIGHT_WORKING_DAYS)


def rag_follow_up_window(
    *, rating: str, finalised_on: date, next_review_due: date
) -> tuple[date, date]:
    """IRO oversight window after a RAG rating (IRO Handbook 2010 / local practice, not statute)."""
    # Red: follow up from immediately, within 4 weeks. Amber: interim check 5 to 8 weeks on.
    # Green: desktop mid-way review, two weeks either side of the midpoint to the next
    # review, never before finalisation nor after the next review is due.
    normalised = rating.strip().lower()
    if normalised == "red":
        return finalised_on, finalised_on + RED_FOLLOW_UP_WITHIN
    if normalised == "amber":
        return finalised_on + AMBER_FOLLOW_UP_FROM, finalised_on + AMBER_FOLLOW_UP_TO
    if normalised == "green":
        if next_review_due <= finalised_on:
            raise ValueError("A green mid-way review needs the next review due after finalisation")
        midpoint = finalised_on + timedelta(days=(next_review_due - finalised_on).days // 2)
        return (
            max(midpoint - GREEN_MIDWAY_MARGIN, finalised_on),
            min(midpoint + GREEN_MIDWAY_MARGIN, next_review_due),
        )
    raise ValueError(f"Unknown RAG rating {rating!r}; expected red, amber or green")


def rag_follow_up_due(*, rating: str, finalised_on: date, next_review_due: date) -> date:
    """Last day of the RAG oversight window (IRO Handbook 2010 / local practice, not statute)."""
    return rag_follow_up_window(
        rating=rating, finalised_on=finalised_on, next_review_due=next_review_due
    )[1]


def quarter_of(day: date) -> tuple[date, date]:
    """Reporting quarter (Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar) containing `day` (SSDA903 year)."""
    start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return start, start + relativedelta(months=3, days=-1)


def reporting_year_bounds(label: str) -> tuple[date, date]:
    """First and last day of a reporting year label such as "2020-21" (SSDA903 collection year)."""
    match = _REPORTING_YEAR_LABEL.fullmatch(label)
    if match is None:
        raise ValueError(f"Reporting year {label!r} is not of the form YYYY-YY, e.g. 2020-21")
    first = int(match[1])
    if int(match[2]) != (first + 1) % 100:
        raise ValueError(f"Reporting year {label!r} does not span consecutive years")
    return date(first, 4, 1), date(first + 1, 3, 31)
