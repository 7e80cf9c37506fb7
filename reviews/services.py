"""Writes for reviews and oversight: each atomic, validated and audited with the child."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Min, OuterRef, Q, Subquery, When
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Action, AuditEvent, Kind
from audit.writer import changes_between, record, snapshot
from children.models import Allocation, Child, Episode, PeriodOfCare
from core import bulk
from core.conflicts import lock
from core.dates import long_date, not_in_future
from iro_service.models import User
from reviews import rules
from reviews.models import (
    ConsultationBand,
    Decision,
    DecisionStatus,
    OversightNote,
    Participation,
    RagRating,
    Review,
    ReviewStatus,
)
from reviews.models.review import MONITORING_QUESTIONS

CEASED_TO_BE_LOOKED_AFTER = "Ceased to be looked after"

RECORD_FIELDS = (
    "held_on",
    "format",
    "chair",
    "participation",
    "parents_view",
    "parents_one_to_one",
    "sw_report_available",
    "carer_attended",
    "iv_attended",
    "advocate_attended",
    "other_attendees",
    "consultation_papers",
    "monitoring",
    "summary",
    "late_reason",
    "late_reason_detail",
)


def history_starts_on(child_id: int) -> date | None:
    """The earliest data held on a child: the start of their earliest episode (ADR 0010)."""
    return Episode.objects.filter(child_id=child_id).aggregate(first=Min("start_date"))["first"]


def review_due(
    period: PeriodOfCare, *, before: Review | None = None, on: date | None = None
) -> rules.ReviewDue:
    """When the next review of a period is due, from its episodes and the reviews held in it
    (CPPCR 2010, reg. 33, or reg. 48 for short breaks); `on` counts as things stood that day."""
    episodes = Episode.objects.filter(period=period)
    held = Review.objects.held().filter(period=period)
    if before is not None:
        held = held.exclude(pk=before.pk)
    if on is not None:
        episodes = episodes.filter(start_date__lte=on)
        held = held.filter(held_on__lt=on)
    return rules.review_due_in_period(
        period_start=period.start_date,
        spells=[
            rules.Spell(*spell) for spell in episodes.values_list("start_date", "legal_status")
        ],
        held=[(day, regime) for day, regime in held.values_list("held_on", "regime") if day],
        history_from=history_starts_on(period.child_id),
    )


def _recount(review: Review) -> None:
    """Count the review's timetable, kind and due date again, as things stood when it was held."""
    due = review_due(review.period, before=review, on=review.held_on)
    review.regime, review.kind = due.regime.value, due.kind.value
    review.due_date, review.counted_from = due.due, due.counted_from


def _check_late_booking(*, scheduled_for: datetime, due: date | None, reason: str) -> str:
    """The reason to store for a booking after the due date or in the past; refused without."""
    warning = rules.schedule_warning(
        day=timezone.localdate(scheduled_for), due=due, today=timezone.localdate()
    )
    if warning and not reason.strip():
        raise ValidationError(
            {"late_schedule_reason": f"Enter why the review is booked for this date. {warning}"}
        )
    return reason.strip() if warning else ""


def _check_not_too_far_ahead(scheduled_for: datetime) -> None:
    """Refuse a review booked beyond the furthest day a schedule can run to (reg. 33)."""
    furthest = rules.furthest_schedulable(timezone.localdate())
    if timezone.localdate(scheduled_for) > furthest:
        raise ValidationError(
            {
                "scheduled_for": "The date of the review must be the same as or before "
                f"{long_date(furthest)}"
            }
        )


@transaction.atomic
def review_schedule(
    *,
    by: User,
    child: Child,
    scheduled_for: datetime,
    format: str,
    venue: str = "",
    late_schedule_reason: str = "",
    request: HttpRequest | None = None,
) -> Review:
    """Schedule the child's next review, its due date counted from the reviews held (regs. 33,
    48); a booking after the due date or in the past needs a reason."""
    lock(child)
    period = PeriodOfCare.objects.open().filter(child=child).first()
    if period is None:
        raise ValidationError({"scheduled_for": "The child is not looked after, so has no reviews"})
    if timezone.localdate(scheduled_for) < period.start_date:
        raise ValidationError(
            {"scheduled_for": "The review must be after the child became looked after"}
        )
    _check_not_too_far_ahead(scheduled_for)
    due = review_due(period)
    reason = _check_late_booking(
        scheduled_for=scheduled_for, due=due.due, reason=late_schedule_reason
    )
    allocation = Allocation.objects.open().filter(child=child).first()
    review = Review(
        child=child,
        period=period,
        iro=allocation.iro if allocation else None,
        regime=due.regime.value,
        kind=due.kind.value,
        due_date=due.due,
        counted_from=due.counted_from,
        scheduled_for=scheduled_for,
        format=format,
        venue=venue,
        late_schedule_reason=reason,
    )
    review.stamp(by)
    # The one-open-review constraint is left to the database: a check in full_clean would
    # be a second query that two people scheduling at once could both pass.
    review.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "scheduled_for": "This child already has a review scheduled: rearrange that one instead"
            }
        ) from exc
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_SCHEDULE,
        child=child,
        obj=review,
        request=request,
        detail={"scheduled_after_due": True} if review.scheduled_after_due else {},
    )
    return review


@transaction.atomic
def review_rearrange(
    *,
    by: User,
    review: Review,
    version: int,
    scheduled_for: datetime,
    reason: str,
    late_schedule_reason: str = "",
    request: HttpRequest | None = None,
) -> Review:
    """Move a scheduled review to a new date and time, recording why; a new date after the due
    date or in the past needs a reason too."""
    review = lock(review, version=version, what="review")
    if review.status != ReviewStatus.SCHEDULED:
        raise ValidationError({"scheduled_for": "Only a review not yet held can be rearranged"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the review is being rearranged"})
    if timezone.localdate(scheduled_for) < review.period.start_date:
        raise ValidationError(
            {"scheduled_for": "The review must be after the child became looked after"}
        )
    _check_not_too_far_ahead(scheduled_for)
    before = snapshot(review)
    _recount(review)
    review.late_schedule_reason = _check_late_booking(
        scheduled_for=scheduled_for, due=review.due_date, reason=late_schedule_reason
    )
    review.scheduled_for = scheduled_for
    review.rearranged_reason = reason
    review.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_REARRANGE,
        child=review.child,
        obj=review,
        changes=changes_between(before, review),
        request=request,
    )
    return review


@transaction.atomic
def review_cancel(
    *, by: User, review: Review, version: int, reason: str, request: HttpRequest | None = None
) -> Review:
    """Cancel a review that will not take place, recording why; the record is kept."""
    review = lock(review, version=version, what="review")
    if review.status in (ReviewStatus.FINAL, ReviewStatus.CANCELLED):
        raise ValidationError(
            {"reason": f"A {review.get_status_display().lower()} review cannot be cancelled"}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the review is cancelled"})
    before = snapshot(review)
    review.status = ReviewStatus.CANCELLED
    review.cancelled_reason = reason
    review.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_CANCEL,
        child=review.child,
        obj=review,
        changes=changes_between(before, review),
        request=request,
    )
    return review


@transaction.atomic
def review_pre_meeting_done(
    *, by: User, review: Review, version: int, done_on: date, request: HttpRequest | None = None
) -> Review:
    """Record that the IRO's pre-meeting oversight of the child's file happened."""
    review = lock(review, version=version, what="review")
    not_in_future(done_on, field="done_on", what="The date of the pre-meeting oversight")
    before = snapshot(review)
    review.pre_meeting_done_on = done_on
    review.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_PRE_MEETING,
        child=review.child,
        obj=review,
        changes=changes_between(before, review),
        request=request,
    )
    return review


def validate_record(review: Review) -> None:
    """The record's rules: held within the period, after the reviews already held and not in
    the future; PN0 only under 4; consultation papers and monitoring answers fit the age."""
    not_in_future(review.held_on, field="held_on", what="The date held")
    errors: dict[str, str] = {}
    held = review.held_on
    if held:
        if held < review.period.start_date:
            errors["held_on"] = (
                "The date held must be on or after the child became looked after on "
                f"{long_date(review.period.start_date)}"
            )
        elif review.period.end_date and held > review.period.end_date:
            errors["held_on"] = "The date held must be before the child ceased to be looked after"
        elif order := _out_of_order(review):
            errors["held_on"] = order
        errors.update(age_problems(review))
    if errors:
        raise ValidationError(errors)


def _out_of_order(review: Review) -> str:
    """Why the day held clashes with the reviews already held, or "" (reviews run in order)."""
    assert review.held_on is not None
    others = (
        Review.objects.held()
        .filter(child=review.child)
        .exclude(pk=review.pk)
        .filter(Q(period=review.period) | Q(held_on=review.held_on))
        .values_list("held_on", flat=True)
    )
    days = [day for day in others if day is not None]
    if review.held_on in days:
        return (
            f"A review was already held on {long_date(review.held_on)}: two reviews cannot be "
            "held on one day"
        )
    latest = max(days, default=None)
    if latest is not None and review.held_on < latest:
        return f"The date held must be after {long_date(latest)}, when the last review was held"
    return ""


def age_problems(review: Review) -> dict[str, str]:
    """What in a held review's record does not fit the child's age at the review: PN0 only
    under 4, consultation papers of the age band, questions for the age answered."""
    assert review.held_on is not None
    age = review.child.age_on(review.held_on)
    errors: dict[str, str] = {}
    if review.participation == Participation.PN0 and age >= 4:
        errors["participation"] = (
            f"PN0 is only for children under 4: the child was {age} at the review"
        )
    elif review.participation and review.participation != Participation.PN0 and age < 4:
        errors["participation"] = "The child was under 4 at the review: choose PN0"
    band = rules.consultation_band_for(age)
    papers = review.consultation_papers
    if papers and papers not in (ConsultationBand.NONE, band):
        errors["consultation_papers"] = (
            f"The child was {age} at the review: choose the papers for "
            f"{ConsultationBand(band).label.lower()}, or none used"
            if band != ConsultationBand.NONE
            else f"The child was {age} at the review: consultation papers start at age 4, "
            "so choose none used"
        )
    for key, answer in review.monitoring.items():
        if answer == "na" and rules.monitoring_applies(key, age):
            errors[key] = (
                f"{MONITORING_QUESTIONS.get(key, key)} applies to a child of {age}: "
                "answer yes or no"
            )
    return errors


@transaction.atomic
def review_record(
    *,
    by: User,
    review: Review,
    version: int,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Review:
    """Save the review's record as a draft; the IRO finalises it separately."""
    review = lock(review, version=version, what="review")
    if review.status in (ReviewStatus.FINAL, ReviewStatus.CANCELLED):
        raise ValidationError(
            {
                "held_on": f"This review is {review.get_status_display().lower()} and cannot be changed"
            }
        )
    before = snapshot(review)
    for field in RECORD_FIELDS:
        if field in data:
            setattr(review, field, data[field])
    validate_record(review)
    if review.held_on:
        _recount(review)
    review.status = ReviewStatus.DRAFT if review.held_on else ReviewStatus.SCHEDULED
    review.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_RECORD,
        child=review.child,
        obj=review,
        changes=changes_between(before, review),
        request=request,
    )
    return review


REQUIRED_TO_FINALISE = {
    "held_on": "Enter the date the review was held",
    "chair": "Record who chaired the review",
    "participation": "Record how the child took part (PN0 to PN7)",
    "parents_view": "Record whether a parent gave a meaningful view",
    "parents_one_to_one": "Record whether a parent had a one-to-one with the IRO",
    "format": "Record whether the review was in person, virtual or hybrid",
}


@transaction.atomic
def review_finalise(
    *,
    by: User,
    review: Review,
    version: int,
    rating: str,
    rating_reason: str = "",
    request: HttpRequest | None = None,
) -> Review:
    """Finalise a held review and set the child's RAG rating, its follow-up window counted
    from the review meeting (local practice, docs/decisions/0010)."""
    review = lock(review, version=version, what="review")
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError({"rating": "Only a held review with a draft record can be finalised"})
    if rating not in rules.RAG_RATINGS:
        raise ValidationError({"rating": "Select a RAG rating: red, amber or green"})
    before = snapshot(review)
    if review.held_on is not None:
        # The due date is recounted from the reviews actually held before this one.
        _recount(review)
    missing = {f: m for f, m in REQUIRED_TO_FINALISE.items() if getattr(review, f) in ("", None)}
    if review.sw_report_available is None:
        missing["sw_report_available"] = "Record whether the social worker's report was available"
    if review.is_late and not review.late_reason:
        assert review.due_date is not None  # a late review has a due date
        missing["late_reason"] = (
            f"The review was held after its due date of {long_date(review.due_date)}: "
            "record why it was late before finalising"
        )
    if missing:
        raise ValidationError(missing)
    validate_record(review)
    assert review.held_on is not None  # checked with the missing answers
    today = timezone.localdate()
    review.status = ReviewStatus.FINAL
    review.finalised_on = today
    review.finalised_by = by
    review.save_by(by)
    start, end = rules.rag_follow_up_window(
        rating=rating, held_on=review.held_on, next_review_due=review_due(review.period).due
    )
    rag = RagRating(
        child=review.child,
        review=review,
        rating=rating,
        set_on=today,
        set_by=by,
        follow_up_from=start,
        follow_up_due=end,
        reason=rating_reason,
    )
    if review.period.end_date is not None:
        # The child has left care since the review: there is nothing left to follow up.
        rag.follow_up_ended_on, rag.follow_up_ended_reason = today, CEASED_TO_BE_LOOKED_AFTER
    rag.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_FINALISE,
        child=review.child,
        obj=review,
        changes=changes_between(before, review),
        request=request,
        detail={"rating": rating, "timeliness": review.timeliness},
    )
    return review


@transaction.atomic
def rag_follow_up_end(
    *, by: User, rating: RagRating, on: date, reason: str, request: HttpRequest | None = None
) -> RagRating:
    """End a RAG follow-up that is no longer needed, so it never shows as due or overdue."""
    rating = lock(rating)
    if not rating.follow_up_open:
        return rating
    before = snapshot(rating)
    rating.follow_up_ended_on, rating.follow_up_ended_reason = on, reason
    rating.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.RAG_FOLLOW_UP_END,
        child=rating.child,
        obj=rating,
        changes=changes_between(before, rating),
        request=request,
    )
    return rating


@transaction.atomic
def decision_add(
    *,
    by: User,
    review: Review,
    text: str,
    owner: str,
    due_date: date,
    request: HttpRequest | None = None,
) -> Decision:
    """Add a decision or recommendation to a review."""
    review = lock(review)
    if review.status == ReviewStatus.CANCELLED:
        raise ValidationError({"text": "A cancelled review has no decisions"})
    review_day = review.held_on or (
        timezone.localdate(review.scheduled_for) if review.scheduled_for else None
    )
    if review_day is not None and due_date < review_day:
        raise ValidationError(
            {
                "due_date": "The date it must be done by must be on or after the review on "
                f"{long_date(review_day)}"
            }
        )
    decision = Decision(review=review, text=text, owner=owner, due_date=due_date)
    decision.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.DECISION_ADD,
        child=review.child,
        obj=decision,
        request=request,
    )
    return decision


@transaction.atomic
def decision_set_status(
    *,
    by: User,
    decision: Decision,
    version: int,
    status: str,
    completed_on: date | None,
    request: HttpRequest | None = None,
) -> Decision:
    """Track a decision to completion (done, or no longer needed)."""
    decision = lock(decision, version=version, what="decision")
    if status != DecisionStatus.OPEN and completed_on is None:
        raise ValidationError({"completed_on": "Enter the date it was done"})
    not_in_future(completed_on, field="completed_on", what="The date it was done")
    before = snapshot(decision)
    decision.status = status
    decision.completed_on = completed_on if status != DecisionStatus.OPEN else None
    decision.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.DECISION_UPDATE,
        child=decision.review.child,
        obj=decision,
        changes=changes_between(before, decision),
        request=request,
    )
    return decision


@transaction.atomic
def oversight_note_add(
    *,
    by: User,
    child: Child,
    noted_on: date,
    kind: str,
    text: str,
    follow_up_of: RagRating | None = None,
    request: HttpRequest | None = None,
) -> OversightNote:
    """Record the IRO's oversight of the child's plan; it may complete a RAG follow-up."""
    not_in_future(noted_on, field="noted_on", what="The date")
    if not child.was_looked_after_on(noted_on):
        raise ValidationError({"noted_on": "The child was not looked after on that date"})
    detail: dict[str, Any] = {}
    if follow_up_of is not None:
        follow_up_of = RagRating.objects.select_for_update().get(pk=follow_up_of.pk, child=child)
        _check_follow_up_date(follow_up_of, noted_on)
        outside = rules.days_outside_window(
            noted_on, start=follow_up_of.follow_up_from, end=follow_up_of.follow_up_due
        )
        if outside:
            detail["days_outside_window"] = outside
    note = OversightNote(
        child=child, author=by, noted_on=noted_on, kind=kind, text=text, follow_up_of=follow_up_of
    )
    note.save_by(by)
    if follow_up_of is not None and follow_up_of.follow_up_open:
        follow_up_of.followed_up_on = noted_on
        follow_up_of.save_by(by)
        detail["followed_up"] = str(follow_up_of.public_id)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.OVERSIGHT_ADD,
        child=child,
        obj=note,
        request=request,
        detail=detail,
    )
    return note


def _check_follow_up_date(rating: RagRating, noted_on: date) -> None:
    """A follow-up of a rating comes after the review it rated and while it is still open; a
    little outside the window is allowed and noted (local practice, docs/decisions/0010)."""
    if rating.follow_up_ended_on is not None:
        raise ValidationError(
            {
                "follow_up_of": f"That follow-up ended on {long_date(rating.follow_up_ended_on)}: "
                f"{rating.follow_up_ended_reason.lower()}"
            }
        )
    meeting = rating.review.held_on if rating.review and rating.review.held_on else rating.set_on
    if noted_on < meeting:
        raise ValidationError(
            {
                "noted_on": (
                    f"A follow-up of the {rating.get_rating_display().lower()} rating must be "
                    f"dated on or after the review on {long_date(meeting)}"
                )
            }
        )


# What is stored on each open period: its next review due, the latest RAG rating, the IRO ---


def period_summary_refresh(*, child_ids: list[int] | None = None) -> int:
    """Store each open period's next review due (CPPCR 2010, regs. 33 and 48), its child's
    latest RAG rating and the IRO allocated today where they have changed, for `child_ids` or
    every child; return how many periods changed (ADR 0017, 0018)."""
    from reviews.selectors import next_reviews_due

    children = Child.objects.all() if child_ids is None else Child.objects.filter(pk__in=child_ids)
    due = {child: found.due for child, found in next_reviews_due(children).items()}
    return period_summary_store(due, child_ids=child_ids)


def period_summary_store(
    due: dict[int, date | None], *, child_ids: list[int] | None = None, today: date | None = None
) -> int:
    """Store `due` (the next review due by child, as reviews.selectors computes it), each
    child's latest RAG rating and the IRO allocated on `today` (an allocation yet to start is
    none) on the children's open periods, blank on every other period; return how many
    periods changed (one read, then the changed rows in batches)."""
    today = today or timezone.localdate()
    periods = PeriodOfCare.objects.order_by()
    if child_ids is not None:
        periods = periods.filter(child_id__in=child_ids)
    latest = RagRating.objects.filter(child=OuterRef("child")).order_by("-set_on", "-created_at")
    allocated = Allocation.objects.open().filter(child=OuterRef("child"), start_date__lte=today)
    rows = periods.annotate(
        rating=Case(When(end_date=None, then=Subquery(latest.values("rating")[:1])), default=None),
        iro=Case(When(end_date=None, then=Subquery(allocated.values("iro")[:1])), default=None),
    ).values_list(
        "pk",
        "child_id",
        "end_date",
        "next_review_due",
        "latest_rating",
        "allocated_iro_id",
        "rating",
        "iro",
    )
    changed = []
    for pk, child_id, end_date, *stored, rating, iro in rows.iterator(10_000):
        wanted = (due.get(child_id) if end_date is None else None, rating or "", iro)
        if tuple(stored) != wanted:
            changed.append(
                PeriodOfCare(
                    pk=pk, next_review_due=wanted[0], latest_rating=wanted[1], allocated_iro_id=iro
                )
            )
    bulk.update(PeriodOfCare, changed, ["next_review_due", "latest_rating", "allocated_iro"])
    return len(changed)


def on_change(event: AuditEvent) -> None:
    """After a change to a child's record commits, store the child's next review due and latest
    rating again: whichever record changed (a review, a rating, the end of care), both are
    recomputed."""
    if event.child_id is not None:
        child_id = event.child_id
        transaction.on_commit(lambda: period_summary_refresh(child_ids=[child_id]))
