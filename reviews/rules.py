"""Review timescales, RAG follow-up windows, the review record's rules and reporting periods.

Statutory timescales come from the Care Planning, Placement and Case Review (England)
Regulations 2010 (CPPCR 2010): reg. 33 for children looked after, as modified by reg. 48 for
children on short breaks (V3/V4). Months are calendar months (Interpretation Act 1978,
Sch. 1), so 31 August + 6 months is 28 or 29 February; some case systems use +91/+183 days
instead, this one does not. RAG follow-up windows are IRO Handbook 2010 / local practice,
not statute. See docs/decisions/0004 and 0010.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from django.db import models

from core.dates import long_date
from iro_service.working_days import add_working_days, subtract_working_days

FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})
SHORT_BREAK_FIRST_REVIEW_MONTHS = 3
SHORT_BREAK_LATER_REVIEW_MONTHS = 6
HELD_REVIEWS_TO_KNOW_THE_TIMETABLE = 2
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
    UNKNOWN = "unknown", "Review (which one is not known)"


class ReviewRegime(models.TextChoices):
    """The timetable a review is held to: reg. 33, or reg. 48 for short breaks (CPPCR 2010)."""

    REG33 = "reg33", "Looked-after review (reg. 33)"
    SHORT_BREAKS = "short_breaks", "Short-break review (reg. 48)"


class Spell(NamedTuple):
    """An episode as the review timetable sees it: when it started and the legal status."""

    start: date
    legal_status: str


@dataclass(frozen=True)
class ReviewDue:
    kind: ReviewKind
    due: date | None
    counted_from: date | None
    reason: str
    regime: ReviewRegime = ReviewRegime.REG33

    @property
    def known(self) -> bool:
        """Whether the history held establishes the due date (docs/decisions/0010)."""
        return self.due is not None


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


def short_break_first_review_due(first_short_break: date) -> date:
    """First short-break review within 3 months of the first short break (CPPCR 2010, reg. 48(3))."""
    return first_short_break + relativedelta(months=SHORT_BREAK_FIRST_REVIEW_MONTHS)


def short_break_later_review_due(previous_review_held: date) -> date:
    """Each later short-break review within 6 months of the previous (CPPCR 2010, reg. 48(3))."""
    return previous_review_held + relativedelta(months=SHORT_BREAK_LATER_REVIEW_MONTHS)


def is_short_breaks(legal_status: str) -> bool:
    """V3/V4: an agreed series of short breaks, reviewed under CPPCR 2010, reg. 48 (SSDA903 LS)."""
    return legal_status.strip().upper() in SHORT_BREAK_LEGAL_STATUSES


def regime_of(legal_status: str) -> ReviewRegime:
    """The review timetable of a legal status: reg. 48 for short breaks, else reg. 33 (CPPCR 2010)."""
    return ReviewRegime.SHORT_BREAKS if is_short_breaks(legal_status) else ReviewRegime.REG33


_KIND_BY_COUNT = {0: ReviewKind.FIRST, 1: ReviewKind.SECOND}


def next_review_due(
    *,
    period_start: date,
    held_reviews: Sequence[date],
    history_from: date | None = None,
    regime: ReviewRegime = ReviewRegime.REG33,
    after_short_breaks: bool = False,
) -> ReviewDue:
    """Next review due from actual review dates since `period_start` (CPPCR 2010, regs. 33, 48).

    `period_start` is where the timetable starts: the day the child became looked after, the
    first short break, or the change from short breaks to full-time care. `history_from` is
    the earliest data held on the child; when the timetable started before it and fewer than
    two reviews since are held, the due date cannot be established and is unknown.
    """
    if any(held < period_start for held in held_reviews):
        raise ValueError("A review held before the period of care began belongs to another period")
    held = sorted(held_reviews)
    if (
        history_from is not None
        and period_start < history_from
        and len(held) < HELD_REVIEWS_TO_KNOW_THE_TIMETABLE
    ):
        return ReviewDue(
            kind=ReviewKind.UNKNOWN,
            due=None,
            counted_from=None,
            reason=f"Timeliness unknown: the history held starts on {long_date(history_from)}",
            regime=regime,
        )
    kind = _KIND_BY_COUNT.get(len(held), ReviewKind.LATER)
    if regime == ReviewRegime.SHORT_BREAKS:
        return _short_break_review_due(period_start, held, kind)
    if not held:
        since = (
            "moving from short breaks to full-time care"
            if after_short_breaks
            else "becoming looked after"
        )
        return ReviewDue(
            kind=kind,
            due=first_review_due(period_start),
            counted_from=period_start,
            reason=(
                f"First review: within {FIRST_REVIEW_WORKING_DAYS} working days of {since} "
                f"on {long_date(period_start)}"
            ),
        )
    if len(held) == 1:
        return ReviewDue(
            kind=kind,
            due=second_review_due(held[0]),
            counted_from=held[0],
            reason=(
                f"Second review: within {SECOND_REVIEW_MONTHS} months of the first review "
                f"on {long_date(held[0])}"
            ),
        )
    return ReviewDue(
        kind=kind,
        due=later_review_due(held[-1]),
        counted_from=held[-1],
        reason=(
            f"Later review: within {LATER_REVIEW_MONTHS} months of the previous review "
            f"on {long_date(held[-1])}"
        ),
    )


def _short_break_review_due(first_break: date, held: list[date], kind: ReviewKind) -> ReviewDue:
    if not held:
        return ReviewDue(
            kind=kind,
            due=short_break_first_review_due(first_break),
            counted_from=first_break,
            reason=(
                f"First short-break review: within {SHORT_BREAK_FIRST_REVIEW_MONTHS} months of "
                f"the first short break on {long_date(first_break)}"
            ),
            regime=ReviewRegime.SHORT_BREAKS,
        )
    return ReviewDue(
        kind=kind,
        due=short_break_later_review_due(held[-1]),
        counted_from=held[-1],
        reason=(
            f"Short-break review: within {SHORT_BREAK_LATER_REVIEW_MONTHS} months of the "
            f"previous review on {long_date(held[-1])}"
        ),
        regime=ReviewRegime.SHORT_BREAKS,
    )


def timetable_start(*, period_start: date, spells: Sequence[Spell]) -> tuple[ReviewRegime, date]:
    """The current timetable and the day it started: the period's start, or the last change
    between short breaks and full-time care (CPPCR 2010, regs. 33 and 48)."""
    ordered = sorted(spells)
    if not ordered:
        return ReviewRegime.REG33, period_start
    regime = regime_of(ordered[-1].legal_status)
    start = period_start
    for earlier, later in pairwise(ordered):
        if regime_of(earlier.legal_status) != regime_of(later.legal_status):
            start = later.start
    return regime, start


def review_due_in_period(
    *,
    period_start: date,
    spells: Sequence[Spell],
    held: Sequence[tuple[date, str]],
    history_from: date | None,
) -> ReviewDue:
    """The next review due in a period of care from its episodes and the reviews held in it,
    on the timetable in force (CPPCR 2010, reg. 33, or reg. 48 for short breaks)."""
    regime, start = timetable_start(period_start=period_start, spells=spells)
    counted = [day for day, of in held if of == regime and day >= start]
    return next_review_due(
        period_start=start,
        held_reviews=counted,
        history_from=history_from,
        regime=regime,
        after_short_breaks=start != period_start and regime == ReviewRegime.REG33,
    )


def is_in_time(*, held: date, due: date) -> bool:
    """A review is in time when held on or before its due date (CPPCR 2010, reg. 33)."""
    return held <= due


def furthest_schedulable(today: date) -> date:
    """The latest day a review can be booked for: 12 months ahead (local rule on reg. 33)."""
    # Reg. 33 allows at most 6 months between reviews, so a date further ahead than a year
    # is a typing error (31/12/9999, say), not a plan.
    return today + relativedelta(months=SCHEDULE_AHEAD_MONTHS)


def pre_meeting_oversight_due(review_date: date) -> date:
    """IRO pre-meeting oversight 2 working days before the review (local practice, not statute)."""
    return subtract_working_days(review_date, PRE_MEETING_OVERSIGHT_WORKING_DAYS)


def schedule_warning(*, day: date, due: date | None, today: date) -> str:
    """Why booking a review for `day` needs a reason: it is after the review is due (CPPCR 2010,
    regs. 33 and 48), or in the past (local practice)."""
    if day < today:
        return f"{long_date(day)} is in the past"
    if due is not None and day > due:
        late = (day - due).days
        return (
            f"This review is due by {long_date(due)}: {long_date(day)} is {late} "
            f"day{'s' if late != 1 else ''} after it is due"
        )
    return ""


RAG_RATINGS = ("red", "amber", "green")


def rag_follow_up_window(
    *, rating: str, held_on: date, next_review_due: date | None
) -> tuple[date, date]:
    """IRO oversight window after a RAG rating, counted from the review meeting (IRO Handbook
    2010 / local practice, not statute)."""
    # Red: follow up from the meeting, within 4 weeks. Amber: interim check 5 to 8 weeks after
    # the meeting. Green: desktop mid-way review, two weeks either side of the midpoint to the
    # next review, never before the meeting nor after the next review is due. When the next
    # due date is unknown (docs/decisions/0010) the soonest it can be is assumed: 3 months.
    normalised = rating.strip().lower()
    if normalised == "red":
        return held_on, held_on + RED_FOLLOW_UP_WITHIN
    if normalised == "amber":
        return held_on + AMBER_FOLLOW_UP_FROM, held_on + AMBER_FOLLOW_UP_TO
    if normalised == "green":
        next_due = next_review_due or held_on + relativedelta(months=SECOND_REVIEW_MONTHS)
        if next_due <= held_on:
            raise ValueError("A green mid-way review needs the next review due after the meeting")
        midpoint = held_on + timedelta(days=(next_due - held_on).days // 2)
        return (
            max(midpoint - GREEN_MIDWAY_MARGIN, held_on),
            min(midpoint + GREEN_MIDWAY_MARGIN, next_due),
        )
    raise ValueError(f"Unknown RAG rating {rating!r}; expected red, amber or green")


def rag_follow_up_due(*, rating: str, held_on: date, next_review_due: date | None) -> date:
    """Last day of the RAG oversight window (IRO Handbook 2010 / local practice, not statute)."""
    return rag_follow_up_window(rating=rating, held_on=held_on, next_review_due=next_review_due)[1]


def days_outside_window(day: date, *, start: date, end: date) -> int:
    """Days `day` falls before (negative) or after (positive) a follow-up window; 0 inside it."""
    if day < start:
        return (day - start).days
    if day > end:
        return (day - end).days
    return 0


# The review record ---------------------------------------------------------------------------

CONSULTATION_BANDS = ((13, "13_plus"), (8, "8_12"), (4, "4_7"))


def consultation_band_for(age: int) -> str:
    """The consultation papers for a child's age at the review: 4-7, 8-12, 13+ (local practice)."""
    return next((band for youngest, band in CONSULTATION_BANDS if age >= youngest), "none")


# The ages each monitoring question applies to, youngest and oldest (None: no upper age).
MONITORING_AGES: dict[str, tuple[int, int | None]] = {
    "health_assessment": (0, None),  # CPPCR 2010, reg. 7: every child looked after
    "dental_check": (0, None),
    "sdq": (4, 16),  # SSDA903 OC2: the SDQ is collected for ages 4 to 16
    "pep": (5, 15),  # compulsory school age (Education Act 1996, s. 8)
    "post16_pep": (16, 17),
    "eet": (16, None),
    "suitable_accommodation": (16, 18),
    "leisure": (0, None),
    "cultural_needs": (0, None),
}


def monitoring_applies(question: str, age: int) -> bool:
    """Whether a monitoring question applies to a child of `age` at the review (local practice)."""
    youngest, oldest = MONITORING_AGES.get(question, (0, None))
    return age >= youngest and (oldest is None or age <= oldest)


def monitoring_ages_hint(question: str) -> str:
    """The ages a monitoring question applies to, in words, or "" for every age."""
    youngest, oldest = MONITORING_AGES.get(question, (0, None))
    if youngest == 0 and oldest is None:
        return ""
    if oldest is None:
        return f"Applies to children aged {youngest} and over"
    return f"Applies to children aged {youngest} to {oldest}"


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
