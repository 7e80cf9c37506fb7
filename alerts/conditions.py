"""What each kind of alert looks for: one set-based read per kind, whatever the caseload.

Each function takes the scan's `Scope` and returns the conditions that hold now, as
`Found` rows; the scan raises the new ones and clears the ones no longer found. Dates are
compared in SQL against cut-offs worked out once (`rules.Horizon`); the few rows found get
their exact due date from the same rule functions the rest of the app uses.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from alerts import rules
from alerts.kinds import AlertKind
from audit.models import Action, AuditEvent
from children import codes
from children.models import Allocation, Child, Episode, PeriodOfCare
from core.dates import long_date
from escalations.models import Escalation, Stage
from iro_service.models import User
from iro_service.working_days import add_working_days
from reviews import rules as review_rules
from reviews.models import Decision, DecisionStatus, OversightNote, RagRating, Review, ReviewStatus
from reviews.selectors import next_reviews_due
from support.models import ContactLog, InContactPlan, IvMatch, IvReferral


@dataclass(frozen=True)
class Found:
    """A condition that holds now: what it is about, by when, why, and where its link goes."""

    subject_id: int
    link_ref: uuid.UUID
    due_on: date | None  # None: "since" kinds keep the date they were first raised
    reason: str
    child_id: int | None = None
    staff_id: int | None = None


@dataclass
class Scope:
    """The day a scan runs for, and the children it looks at (None: every child)."""

    today: date
    child_ids: list[int] | None = None
    horizon: rules.Horizon = field(init=False)

    def __post_init__(self) -> None:
        self.horizon = rules.Horizon(self.today)

    def of_children(self, records: QuerySet, path: str = "child") -> QuerySet:
        """`records` of children not archived, narrowed to the scope's children."""
        records = records.filter(**{f"{path}__archived_at__isnull": True})
        if self.child_ids is not None:
            records = records.filter(**{f"{path}_id__in": self.child_ids})
        return records

    def looked_after(self, records: QuerySet, path: str = "child") -> QuerySet:
        """`records` of children in scope who are looked after now."""
        open_period = PeriodOfCare.objects.filter(child=OuterRef(path), end_date=None)
        return self.of_children(records, path).filter(Exists(open_period))

    @cached_property
    def children(self) -> QuerySet:
        children = Child.objects.not_archived().looked_after_now()
        if self.child_ids is not None:
            children = children.filter(pk__in=self.child_ids)
        return children

    @cached_property
    def next_due(self) -> dict[int, review_rules.ReviewDue]:
        """Each looked-after child's next review due: the rule the pages use (two queries)."""
        return next_reviews_due(self.children)

    @cached_property
    def booked(self) -> set[int]:
        """Children whose open period has a review booked for a day."""
        reviews = Review.objects.filter(
            period__end_date=None, status=ReviewStatus.SCHEDULED, scheduled_for__isnull=False
        )
        return set(self.of_children(reviews).values_list("child_id", flat=True))

    @cached_property
    def open_follow_ups(self) -> list[tuple[int, int, str, date]]:
        """Each looked-after child's latest RAG rating whose follow-up is still to do: id,
        child, rating, due date (one read for both RAG kinds)."""
        latest = RagRating.objects.filter(child=OuterRef("child")).order_by(
            "-set_on", "-created_at"
        )
        ratings = self.looked_after(
            RagRating.objects.filter(followed_up_on__isnull=True, follow_up_ended_on__isnull=True)
        ).filter(pk=Subquery(latest.values("pk")[:1]))
        return list(ratings.values_list("pk", "child_id", "rating", "follow_up_due"))

    @cached_property
    def child_refs(self) -> dict[int, uuid.UUID]:
        """The public ids of the looked-after children in scope, for links."""
        return dict(self.children.values_list("pk", "public_id"))


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


# For the child's IRO -------------------------------------------------------------------------


def review_due_unscheduled(scope: Scope) -> Iterable[Found]:
    """A review due within 10 working days with no day booked (CPPCR 2010, reg. 33)."""
    last_day = scope.horizon.working_days_ahead("REVIEW_DUE_SOON_WORKING_DAYS")
    for child_id, due in scope.next_due.items():
        if due.due is None or not scope.today <= due.due <= last_day:
            continue
        if child_id in scope.booked:
            continue
        yield Found(
            subject_id=child_id,
            link_ref=scope.child_refs[child_id],
            due_on=due.due,
            reason=f"{due.kind.label} due by {long_date(due.due)} and not yet booked",
            child_id=child_id,
        )


def review_overdue(scope: Scope) -> Iterable[Found]:
    """A review not held by its due date (CPPCR 2010, reg. 33, or reg. 48 for short breaks)."""
    for child_id, due in scope.next_due.items():
        if due.due is None or due.due >= scope.today:
            continue
        late = (scope.today - due.due).days
        yield Found(
            subject_id=child_id,
            link_ref=scope.child_refs[child_id],
            due_on=due.due,
            reason=f"{due.kind.label} was due by {long_date(due.due)}: {_days(late)} overdue",
            child_id=child_id,
        )


def review_scheduled_late(scope: Scope) -> Iterable[Found]:
    """A review booked for a day after it is due (CPPCR 2010, reg. 33)."""
    reviews = (
        scope.of_children(Review.objects.filter(period__end_date=None))
        .filter(status=ReviewStatus.SCHEDULED, scheduled_for__isnull=False, due_date__isnull=False)
        .annotate(booked_on=TruncDate("scheduled_for", tzinfo=timezone.get_current_timezone()))
        .filter(booked_on__gt=F("due_date"))
        .values_list("pk", "public_id", "child_id", "due_date", "scheduled_for")
    )
    for pk, public_id, child_id, due, booked in reviews:
        day = _local_day(booked)
        yield Found(
            subject_id=pk,
            link_ref=public_id,
            due_on=due,
            reason=(
                f"Booked for {long_date(day)}, {_days((day - due).days)} after it is due "
                f"on {long_date(due)}"
            ),
            child_id=child_id,
        )


def record_not_finalised(scope: Scope) -> Iterable[Found]:
    """A review's record still draft 5 working days after the meeting (local practice)."""
    cutoff = scope.horizon.working_days_ago("RECORD_FINALISE_WORKING_DAYS")
    reviews = scope.of_children(
        Review.objects.filter(status=ReviewStatus.DRAFT, held_on__lt=cutoff)
    ).values_list("pk", "public_id", "child_id", "held_on")
    for pk, public_id, child_id, held_on in reviews:
        due = rules.record_finalise_due(held_on)
        yield Found(
            subject_id=pk,
            link_ref=public_id,
            due_on=due,
            reason=(f"Held on {long_date(held_on)}; the record was due final by {long_date(due)}"),
            child_id=child_id,
        )


def pre_meeting_due(scope: Scope) -> Iterable[Found]:
    """Pre-meeting oversight 2 working days before a booked review, not yet done (local)."""
    notice = scope.horizon.working_days_ahead("PRE_MEETING_NOTICE_WORKING_DAYS")
    # The meeting is at most the oversight's lead time after the notice horizon.
    latest_meeting = add_working_days(notice, review_rules.PRE_MEETING_OVERSIGHT_WORKING_DAYS)
    start = timezone.make_aware(datetime.combine(scope.today, time.min))
    end = timezone.make_aware(datetime.combine(latest_meeting + relativedelta(days=1), time.min))
    reviews = scope.of_children(
        Review.objects.filter(period__end_date=None, status=ReviewStatus.SCHEDULED)
    ).filter(pre_meeting_done_on__isnull=True, scheduled_for__gte=start, scheduled_for__lt=end)
    for pk, public_id, child_id, booked in reviews.values_list(
        "pk", "public_id", "child_id", "scheduled_for"
    ):
        meeting = _local_day(booked)
        due = review_rules.pre_meeting_oversight_due(meeting)
        if due > notice:
            continue
        yield Found(
            subject_id=pk,
            link_ref=public_id,
            due_on=due,
            reason=f"Review on {long_date(meeting)}: oversight due by {long_date(due)}",
            child_id=child_id,
        )


def _rag_found(row: tuple, scope: Scope, reason: str) -> Found:
    pk, child_id, rating, due = row
    return Found(
        subject_id=pk,
        link_ref=scope.child_refs[child_id],
        due_on=due,
        reason=reason.format(rating=rating.capitalize(), due=long_date(due)),
        child_id=child_id,
    )


def rag_follow_up_due(scope: Scope) -> Iterable[Found]:
    """A RAG follow-up due within 5 working days (IRO Handbook 2010 / local practice)."""
    last_day = scope.horizon.working_days_ahead("RAG_FOLLOW_UP_SOON_WORKING_DAYS")
    for row in scope.open_follow_ups:
        if scope.today <= row[3] <= last_day:
            yield _rag_found(row, scope, "{rating} rating: follow up by {due}")


def rag_follow_up_overdue(scope: Scope) -> Iterable[Found]:
    """A RAG follow-up past its window (IRO Handbook 2010 / local practice)."""
    for row in scope.open_follow_ups:
        if row[3] < scope.today:
            yield _rag_found(row, scope, "{rating} rating: the follow-up was due by {due}")


def oversight_quarter(scope: Scope) -> Iterable[Found]:
    """No oversight note yet this quarter with 3 weeks of it left (local minimum standard)."""
    quarter_start, quarter_end = review_rules.quarter_of(scope.today)
    warn_from = rules.quarter_warning_from(quarter_end)
    if scope.today < warn_from:
        return
    noted = OversightNote.objects.filter(child=OuterRef("pk"), noted_on__gte=quarter_start)
    # A child who came into care after the warning began has had no fair chance of a note.
    since = PeriodOfCare.objects.filter(
        child=OuterRef("pk"), end_date=None, start_date__lt=warn_from
    )
    rows = scope.children.filter(Exists(since)).exclude(Exists(noted))
    for child_id, public_id in rows.values_list("pk", "public_id"):
        yield Found(
            subject_id=child_id,
            link_ref=public_id,
            due_on=quarter_end,
            reason=f"No oversight recorded since {long_date(quarter_start)}; quarter ends "
            f"{long_date(quarter_end)}",
            child_id=child_id,
        )


def contact_overdue(scope: Scope) -> Iterable[Found]:
    """The contact agreed in the child's in-contact plan is overdue (local practice)."""
    last = ContactLog.objects.filter(
        child=OuterRef("child"), contacted_on__gte=OuterRef("start_date")
    ).order_by("-contacted_on")
    plans = scope.looked_after(InContactPlan.objects.open()).annotate(
        last_contact=Subquery(last.values("contacted_on")[:1])
    )
    for pk, child_id, start, every, last_contact in plans.values_list(
        "pk", "child_id", "start_date", "every_weeks", "last_contact"
    ):
        since = last_contact or start
        due = rules.contact_due(since, every)
        if due >= scope.today:
            continue
        what = "last contact" if last_contact else "plan agreed"
        yield Found(
            subject_id=pk,
            link_ref=scope.child_refs[child_id],
            due_on=due,
            reason=f"Contact every {every} weeks agreed; {what} {long_date(since)}",
            child_id=child_id,
        )


def decision_overdue(scope: Scope) -> Iterable[Found]:
    """A review's decision still open after the date it was to be done by."""
    decisions = scope.looked_after(
        Decision.objects.filter(status=DecisionStatus.OPEN, due_date__lt=scope.today),
        "review__child",
    )
    for pk, public_id, child_id, due, owner in decisions.values_list(
        "pk", "public_id", "review__child_id", "due_date", "owner"
    ):
        yield Found(
            subject_id=pk,
            link_ref=public_id,
            due_on=due,
            reason=f"For {owner} to do by {long_date(due)}",
            child_id=child_id,
        )


def escalation_response_overdue(scope: Scope) -> Iterable[Found]:
    """No response at an escalation's stage in the time allowed (IRO Handbook 2010, 6.2)."""
    escalations = scope.of_children(Escalation.objects.overdue_on(scope.today))
    for escalation in escalations.only("pk", "public_id", "child_id", "stage", "stage_started_on"):
        yield Found(
            subject_id=escalation.pk,
            link_ref=escalation.public_id,
            due_on=escalation.response_due,
            reason=f"{escalation.stage_label}: a response was due by "
            f"{long_date(escalation.response_due)}",
            child_id=escalation.child_id,
        )


# For the service managers --------------------------------------------------------------------


def unallocated(scope: Scope) -> Iterable[Found]:
    """A child looked after with no IRO for over 5 working days (IRO Handbook 2010, 2.11)."""
    period = PeriodOfCare.objects.filter(child=OuterRef("pk"), end_date=None)
    ended = Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=False)
    children = Child.objects.not_archived().unallocated(scope.today)
    if scope.child_ids is not None:
        children = children.filter(pk__in=scope.child_ids)
    rows = children.annotate(
        period_start=Subquery(period.values("start_date")[:1]),
        last_ended=Subquery(ended.order_by("-end_date").values("end_date")[:1]),
    ).values_list("pk", "public_id", "period_start", "last_ended")
    for child_id, public_id, period_start, last_ended in rows:
        since = max(filter(None, (period_start, last_ended)))
        due = rules.allocation_due(since)
        if due >= scope.today:
            continue
        yield Found(
            subject_id=child_id,
            link_ref=public_id,
            due_on=due,
            reason=f"Waiting for an IRO since {long_date(since)}; due by {long_date(due)}",
            child_id=child_id,
        )


def escalation_long_open(scope: Scope) -> Iterable[Found]:
    """An escalation still open after 20 working days (IRO Handbook 2010, para 6.2)."""
    cutoff = scope.horizon.working_days_ago("ESCALATION_OPEN_WORKING_DAYS")
    escalations = scope.of_children(Escalation.objects.open().filter(raised_on__lt=cutoff))
    for pk, public_id, child_id, raised_on, stage in escalations.values_list(
        "pk", "public_id", "child_id", "raised_on", "stage"
    ):
        due = rules.escalation_overall_due(raised_on)
        yield Found(
            subject_id=pk,
            link_ref=public_id,
            due_on=due,
            reason=f"Raised {long_date(raised_on)}, now at {Stage(stage).label}",
            child_id=child_id,
        )


def unplanned_move(scope: Scope) -> Iterable[Found]:
    """An unplanned placement move with no review held or booked within 20 working days of it
    (CPPCR 2010, reg. 32(2): a significant change calls for a review; 20 working days is local)."""
    held_since = Review.objects.held().filter(
        child=OuterRef("child"), held_on__gte=OuterRef("end_date")
    )
    booked = Review.objects.filter(
        child=OuterRef("child"), status=ReviewStatus.SCHEDULED, period__end_date=None
    ).exclude(scheduled_for=None)
    moves = (
        scope.looked_after(
            Episode.objects.filter(
                reason_place_change__in=rules.UNPLANNED_MOVE_REASONS,
                end_date__gte=scope.horizon.days_ago("UNPLANNED_MOVE_LOOKBACK_DAYS"),
                end_date__lte=scope.today,
            )
        )
        .exclude(Exists(held_since))
        .annotate(booked_for=Subquery(booked.values("scheduled_for")[:1]))
    )
    for pk, child_id, moved_on, why, booked_for in moves.values_list(
        "pk", "child_id", "end_date", "reason_place_change", "booked_for"
    ):
        due = rules.review_after_move_due(moved_on)
        if booked_for is not None and _local_day(booked_for) <= due:
            continue
        yield Found(
            subject_id=pk,
            link_ref=scope.child_refs[child_id],
            due_on=due,
            reason=f"Placement ended {long_date(moved_on)}: {codes.label('REASON_PLACE_CHANGE', why)} "
            f"({why}); review due by {long_date(due)}",
            child_id=child_id,
        )


def staff_access(scope: Scope) -> Iterable[Found]:
    """A new account or a change of role in the last 10 working days, for a manager to check."""
    since = scope.horizon.working_days_ago("STAFF_ACCESS_WORKING_DAYS")
    start = timezone.make_aware(datetime.combine(since, time.min))
    events = list(
        AuditEvent.objects.filter(
            action__in=[Action.STAFF_CREATE, Action.STAFF_ROLE_CHANGE], at__gte=start
        ).values_list("pk", "action", "object_id", "at", "changes", "user__full_name")
    )
    staff = {
        str(public_id): (pk, public_id)
        for pk, public_id in User.objects.filter(
            public_id__in=[event[2] for event in events]
        ).values_list("pk", "public_id")
    }
    for pk, action, object_id, at, changes, by in events:
        if object_id not in staff:
            continue
        day = timezone.localdate(at)
        role = (changes.get("role") or {}).get("after") or "no role"
        before = (changes.get("role") or {}).get("before")
        what = (
            f"New account as {role}"
            if action == Action.STAFF_CREATE
            else f"Role changed from {before or 'none'} to {role}"
        )
        yield Found(
            subject_id=pk,
            link_ref=staff[object_id][1],
            due_on=rules.staff_access_check_by(day),
            reason=f"{what} by {by or 'the system'} on {long_date(day)}",
            staff_id=staff[object_id][0],
        )


def iv_match_ended(scope: Scope) -> Iterable[Found]:
    """An Independent Visitor match ended and the child is neither matched nor referred again."""
    matched = IvMatch.objects.filter(child=OuterRef("child"), end_date=None)
    waiting = IvReferral.objects.filter(child=OuterRef("child"), closed_on=None)
    matches = (
        scope.looked_after(
            IvMatch.objects.filter(
                end_date__gte=scope.horizon.days_ago("IV_MATCH_ENDED_LOOKBACK_DAYS"),
                end_date__lte=scope.today,
            )
        )
        .exclude(Exists(matched))
        .exclude(Exists(waiting))
    )
    for pk, child_id, ended_on in matches.values_list("pk", "child_id", "end_date"):
        due = rules.iv_rematch_due(ended_on)
        yield Found(
            subject_id=pk,
            link_ref=scope.child_refs[child_id],
            due_on=due,
            reason=f"Match ended {long_date(ended_on)}; refer again by {long_date(due)}",
            child_id=child_id,
        )


def iv_waiting(scope: Scope) -> Iterable[Found]:
    """A child waiting over 3 months for an Independent Visitor (Children Act 1989, s.23ZB)."""
    referrals = scope.looked_after(
        IvReferral.objects.filter(
            closed_on=None, referred_on__lt=scope.horizon.months_ago("IV_WAITING_MONTHS")
        )
    )
    for pk, child_id, referred_on in referrals.values_list("pk", "child_id", "referred_on"):
        due = rules.iv_match_due(referred_on)
        yield Found(
            subject_id=pk,
            link_ref=scope.child_refs[child_id],
            due_on=due,
            reason=f"Referred {long_date(referred_on)}; a match was due by {long_date(due)}",
            child_id=child_id,
        )


def caseload_over(scope: Scope) -> Iterable[Found]:
    """An IRO holding more than 70 children per FTE (the IRO Handbook 2010 asks for 50 to 70)."""
    limit = rules.threshold("CASELOAD_PER_FTE_LIMIT")
    in_force = Q(allocations__end_date=None, allocations__start_date__lte=scope.today)
    iros = (
        User.objects.iros()
        .active()
        .filter(fte__isnull=False)
        .annotate(caseload=Count("allocations", filter=in_force))
        .values_list("pk", "public_id", "fte", "caseload")
    )
    for pk, public_id, fte, caseload in iros:
        per_fte = caseload / fte
        if per_fte <= limit:
            continue
        yield Found(
            subject_id=pk,
            link_ref=public_id,
            due_on=None,
            reason=f"{caseload} children on {fte.normalize():f} FTE: {per_fte:.0f} per FTE, "
            f"over {limit}",
            staff_id=pk,
        )


Condition = Callable[[Scope], Iterable[Found]]

# Every kind and its condition, in the order the notification centre lists them; `scoped`
# kinds are about children, so a recheck of some children looks only at theirs.
CONDITIONS: dict[str, tuple[Condition, bool]] = {
    AlertKind.REVIEW_OVERDUE: (review_overdue, True),
    AlertKind.REVIEW_DUE_UNSCHEDULED: (review_due_unscheduled, True),
    AlertKind.REVIEW_SCHEDULED_LATE: (review_scheduled_late, True),
    AlertKind.PRE_MEETING_DUE: (pre_meeting_due, True),
    AlertKind.RECORD_NOT_FINALISED: (record_not_finalised, True),
    AlertKind.RAG_FOLLOW_UP_OVERDUE: (rag_follow_up_overdue, True),
    AlertKind.RAG_FOLLOW_UP_DUE: (rag_follow_up_due, True),
    AlertKind.OVERSIGHT_QUARTER: (oversight_quarter, True),
    AlertKind.CONTACT_OVERDUE: (contact_overdue, True),
    AlertKind.DECISION_OVERDUE: (decision_overdue, True),
    AlertKind.ESCALATION_RESPONSE_OVERDUE: (escalation_response_overdue, True),
    AlertKind.UNALLOCATED: (unallocated, True),
    AlertKind.ESCALATION_LONG_OPEN: (escalation_long_open, True),
    AlertKind.UNPLANNED_MOVE: (unplanned_move, True),
    AlertKind.IV_MATCH_ENDED: (iv_match_ended, True),
    AlertKind.IV_WAITING: (iv_waiting, True),
    AlertKind.STAFF_ACCESS: (staff_access, False),
    AlertKind.CASELOAD_OVER: (caseload_over, False),
}
