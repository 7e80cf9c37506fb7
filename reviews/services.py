"""Writes for reviews and oversight: each atomic, validated and audited with the child."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import record
from children.models import Allocation, Child, Episode, PeriodOfCare
from core.conflicts import EditConflict
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


def _locked_review(review: Review, version: int | None = None) -> Review:
    locked = Review.objects.select_for_update().select_related("child", "period").get(pk=review.pk)
    if version is not None and locked.version != version:
        raise EditConflict(
            "Someone else saved this review while you were editing it. Your changes have not "
            "been saved: the form now shows their version, so check it and make your changes again."
        )
    return locked


def review_due(period: PeriodOfCare, *, before: Review | None = None) -> rules.ReviewDue:
    """When the next review of a period is due, from the reviews held in it (reg. 33)."""
    held = Review.objects.held().filter(period=period)
    if before is not None:
        held = held.exclude(pk=before.pk)
    return rules.next_review_due(period_start=period.start_date, held_reviews=_held_dates(held))


def _held_dates(reviews: "models.QuerySet[Review]") -> list[date]:
    return [day for day in reviews.values_list("held_on", flat=True) if day is not None]


@transaction.atomic
def review_schedule(
    *, by: User, child: Child, scheduled_for: datetime, format: str, venue: str = ""
) -> Review:
    """Schedule the child's next review, its reg. 33 due date counted from the reviews held."""
    Child.objects.select_for_update().get(pk=child.pk)
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
    if scheduled_for.date() < period.start_date:
        raise ValidationError(
            {"scheduled_for": "The review must be after the child became looked after"}
        )
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
    record(user=by, kind=Kind.CHANGE, action=Action.REVIEW_SCHEDULE, child=child, obj=review)
    return review


@transaction.atomic
def review_rearrange(
    *, by: User, review: Review, version: int, scheduled_for: datetime, reason: str
) -> Review:
    """Move a scheduled review to a new date and time, recording why."""
    review = _locked_review(review, version)
    if review.status != ReviewStatus.SCHEDULED:
        raise ValidationError({"scheduled_for": "Only a review not yet held can be rearranged"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the review is being rearranged"})
    previous = review.scheduled_for
    review.scheduled_for = scheduled_for
    review.rearranged_reason = reason
    review.version += 1
    review.stamp(by)
    review.save()
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_REARRANGE,
        child=review.child,
        obj=review,
        detail={
            "from": previous.isoformat() if previous else None,
            "to": scheduled_for.isoformat(),
            "reason": reason,
        },
    )
    return review


@transaction.atomic
def review_cancel(*, by: User, review: Review, version: int, reason: str) -> Review:
    """Cancel a review that will not take place, recording why; the record is kept."""
    review = _locked_review(review, version)
    if review.status == ReviewStatus.FINAL:
        raise ValidationError({"reason": "A final review cannot be cancelled"})
    review.status = ReviewStatus.CANCELLED
    review.cancelled_reason = reason
    review.version += 1
    review.stamp(by)
    review.save()
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.REVIEW_CANCEL,
        child=review.child,
        obj=review,
        detail={"reason": reason},
    )
    return review


@transaction.atomic
def review_pre_meeting_done(*, by: User, review: Review, done_on: date) -> Review:
    """Record that the IRO's pre-meeting oversight of the child's file happened."""
    review = _locked_review(review)
    review.pre_meeting_done_on = done_on
    review.version += 1
    review.stamp(by)
    review.save()
    record(
        user=by, kind=Kind.CHANGE, action=Action.REVIEW_PRE_MEETING, child=review.child, obj=review
    )
    return review


def validate_record(review: Review, *, today: date) -> None:
    """The record's rules: held within the period and not in the future; PN0 only under 4."""
    errors: dict[str, str] = {}
    held = review.held_on
    if held:
        if held > today:
            errors["held_on"] = "The date held must be today or in the past"
        elif held < review.period.start_date:
            errors["held_on"] = (
                "The date held must be on or after the child became looked after on "
                f"{review.period.start_date:%-d %B %Y}"
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
def review_record(*, by: User, review: Review, version: int, data: dict) -> Review:
    """Save the review's record as a draft; the IRO finalises it separately."""
    review = _locked_review(review, version)
    if review.status in (ReviewStatus.FINAL, ReviewStatus.CANCELLED):
        raise ValidationError(
            {
                "held_on": f"This review is {review.get_status_display().lower()} and cannot be changed"
            }
        )
    for field in RECORD_FIELDS:
        if field in data:
            setattr(review, field, data[field])
    validate_record(review, today=timezone.localdate())
    review.status = ReviewStatus.DRAFT if review.held_on else ReviewStatus.SCHEDULED
    review.version += 1
    review.stamp(by)
    review.full_clean(validate_constraints=False)
    review.save()
    record(user=by, kind=Kind.CHANGE, action=Action.REVIEW_RECORD, child=review.child, obj=review)
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
    *, by: User, review: Review, version: int, rating: str, rating_reason: str = ""
) -> Review:
    """Finalise a held review and set the child's RAG rating with the follow-up it demands."""
    review = _locked_review(review, version)
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError({"rating": "Only a held review with a draft record can be finalised"})
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
            f"The review was held after its due date of {review.due_date:%-d %B %Y}: "
            "record why it was late before finalising"
        )
    if missing:
        raise ValidationError(missing)
    validate_record(review, today=timezone.localdate())
    today = timezone.localdate()
    review.status = ReviewStatus.FINAL
    review.finalised_on = today
    review.finalised_by = by
    review.version += 1
    review.stamp(by)
    review.save()
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
        detail={"rating": rating, "late": review.is_late},
    )
    return review


@transaction.atomic
def decision_add(*, by: User, review: Review, text: str, owner: str, due_date: date) -> Decision:
    """Add a decision or recommendation to a review."""
    review = _locked_review(review)
    if review.status == ReviewStatus.CANCELLED:
        raise ValidationError({"text": "A cancelled review has no decisions"})
    decision = Decision(review=review, text=text, owner=owner, due_date=due_date)
    decision.save_by(by)
    record(user=by, kind=Kind.CHANGE, action=Action.DECISION_ADD, child=review.child, obj=decision)
    return decision


@transaction.atomic
def decision_set_status(
    *, by: User, decision: Decision, status: str, completed_on: date | None
) -> Decision:
    """Track a decision to completion (done, or no longer needed)."""
    decision = (
        Decision.objects.select_for_update().select_related("review__child").get(pk=decision.pk)
    )
    if status != DecisionStatus.OPEN and completed_on is None:
        raise ValidationError({"completed_on": "Enter the date it was done"})
    decision.status = status
    decision.completed_on = completed_on if status != DecisionStatus.OPEN else None
    decision.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.DECISION_UPDATE,
        child=decision.review.child,
        obj=decision,
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
) -> OversightNote:
    """Record the IRO's oversight of the child's plan; it may complete a RAG follow-up."""
    if noted_on > timezone.localdate():
        raise ValidationError({"noted_on": "The date must be today or in the past"})
    if not child.was_looked_after_on(noted_on):
        raise ValidationError({"noted_on": "The child was not looked after on that date"})
    if follow_up_of is not None:
        follow_up_of = RagRating.objects.select_for_update().get(pk=follow_up_of.pk, child=child)
        if not (follow_up_of.follow_up_from <= noted_on <= follow_up_of.follow_up_due):
            raise ValidationError(
                {
                    "noted_on": (
                        f"A follow-up of the {follow_up_of.get_rating_display().lower()} rating must be dated "
                        f"between {follow_up_of.follow_up_from:%-d %B %Y} and {follow_up_of.follow_up_due:%-d %B %Y}"
                    )
                }
            )
    note = OversightNote(
        child=child, author=by, noted_on=noted_on, kind=kind, text=text, follow_up_of=follow_up_of
    )
    note.save_by(by)
    if follow_up_of is not None and follow_up_of.followed_up_on is None:
        follow_up_of.followed_up_on = noted_on
        follow_up_of.stamp(by)
        follow_up_of.save(update_fields=["followed_up_on", "modified_by", "modified_at"])
    record(user=by, kind=Kind.CHANGE, action=Action.OVERSIGHT_ADD, child=child, obj=note)
    return note
