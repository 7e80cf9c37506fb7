"""Writes for reviews and oversight: each atomic, validated and audited with the child."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from children.models import Allocation, Child, Episode, PeriodOfCare
from core.conflicts import lock
from core.dates import long_date, not_in_future
from iro_service.models import User
from reviews import rules
from reviews.models import (
    Decision,
    DecisionStatus,
    OversightNote,
    Participation,
    RagRating,
    Review,
    ReviewStatus,
)

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


def review_due(period: PeriodOfCare, *, before: Review | None = None) -> rules.ReviewDue:
    """When the next review of a period is due, from the reviews held in it (reg. 33)."""
    held = Review.objects.held().filter(period=period)
    if before is not None:
        held = held.exclude(pk=before.pk)
    return rules.next_review_due(period_start=period.start_date, held_reviews=_held_dates(held))


def _held_dates(reviews: "models.QuerySet[Review]") -> list[date]:
    return [day for day in reviews.values_list("held_on", flat=True) if day is not None]


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
    request: HttpRequest | None = None,
) -> Review:
    """Schedule the child's next review, its reg. 33 due date counted from the reviews held."""
    lock(child)
    period = PeriodOfCare.objects.open().filter(child=child).first()
    if period is None:
        raise ValidationError({"scheduled_for": "The child is not looked after, so has no reviews"})
    episode = Episode.objects.open().filter(child=child).first()
    if episode and not rules.reviews_required(episode.legal_status):
        raise ValidationError(
            {
                "scheduled_for": f"Children on legal status {episode.legal_status} (short breaks) have no LAC reviews"
            }
        )
    if timezone.localdate(scheduled_for) < period.start_date:
        raise ValidationError(
            {"scheduled_for": "The review must be after the child became looked after"}
        )
    _check_not_too_far_ahead(scheduled_for)
    due = review_due(period)
    allocation = Allocation.objects.open().filter(child=child).first()
    review = Review(
        child=child,
        period=period,
        iro=allocation.iro if allocation else None,
        kind=due.kind.value,
        due_date=due.due,
        counted_from=due.counted_from,
        scheduled_for=scheduled_for,
        format=format,
        venue=venue,
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
    request: HttpRequest | None = None,
) -> Review:
    """Move a scheduled review to a new date and time, recording why."""
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
    """The record's rules: held within the period and not in the future; PN0 only under 4."""
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
        if review.participation:
            age = review.child.age_on(held)
            if review.participation == Participation.PN0 and age >= 4:
                errors["participation"] = (
                    f"PN0 is only for children under 4: the child was {age} at the review"
                )
            elif review.participation != Participation.PN0 and age < 4:
                errors["participation"] = "The child was under 4 at the review: choose PN0"
    if errors:
        raise ValidationError(errors)


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
    """Finalise a held review and set the child's RAG rating with the follow-up it demands."""
    review = lock(review, version=version, what="review")
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError({"rating": "Only a held review with a draft record can be finalised"})
    before = snapshot(review)
    if review.held_on is not None:
        # The due date is recounted from the reviews actually held before this one.
        due = review_due(review.period, before=review)
        review.kind, review.due_date, review.counted_from = (
            due.kind.value,
            due.due,
            due.counted_from,
        )
    missing = {f: m for f, m in REQUIRED_TO_FINALISE.items() if getattr(review, f) in ("", None)}
    if review.sw_report_available is None:
        missing["sw_report_available"] = "Record whether the social worker's report was available"
    if review.is_late and not review.late_reason:
        missing["late_reason"] = (
            f"The review was held after its due date of {long_date(review.due_date)}: "
            "record why it was late before finalising"
        )
    if missing:
        raise ValidationError(missing)
    validate_record(review)
    today = timezone.localdate()
    review.status = ReviewStatus.FINAL
    review.finalised_on = today
    review.finalised_by = by
    review.save_by(by)
    next_due = rules.next_review_due(
        period_start=review.period.start_date,
        held_reviews=_held_dates(Review.objects.held().filter(period=review.period)),
    )
    try:
        start, end = rules.rag_follow_up_window(
            rating=rating, finalised_on=today, next_review_due=next_due.due
        )
    except ValueError as exc:
        raise ValidationError({"rating": "Choose a rating: red, amber or green"}) from exc
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
    rag.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_FINALISE,
        child=review.child,
        obj=review,
        changes=changes_between(before, review),
        request=request,
        detail={"rating": rating, "late": review.is_late},
    )
    return review


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
    if follow_up_of is not None:
        follow_up_of = RagRating.objects.select_for_update().get(pk=follow_up_of.pk, child=child)
        if not (follow_up_of.follow_up_from <= noted_on <= follow_up_of.follow_up_due):
            raise ValidationError(
                {
                    "noted_on": (
                        f"A follow-up of the {follow_up_of.get_rating_display().lower()} rating "
                        f"must be dated between {long_date(follow_up_of.follow_up_from)} "
                        f"and {long_date(follow_up_of.follow_up_due)}"
                    )
                }
            )
    note = OversightNote(
        child=child, author=by, noted_on=noted_on, kind=kind, text=text, follow_up_of=follow_up_of
    )
    note.save_by(by)
    detail = {}
    if follow_up_of is not None and follow_up_of.followed_up_on is None:
        follow_up_of.followed_up_on = noted_on
        follow_up_of.save_by(by)
        detail = {"followed_up": str(follow_up_of.public_id)}
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
