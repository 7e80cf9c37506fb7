"""Writes for the child's independent support: in-contact plans, contacts, advocacy referrals
and Independent Visitors. Each is atomic, validated and audited in the same transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import record
from children.models import Child
from iro_service.models import User
from reviews.models import (
    AdvocacyOutcome,
    AdvocacyReferral,
    ContactLog,
    ContactMethod,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
    Review,
    VisitorStatus,
)

MATCHED = "Matched"


def _lock_child(child: Child) -> Child:
    return Child.objects.select_for_update().get(pk=child.pk)


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _not_future(field: str, day: date | None, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past"})


# In-contact plans and contacts -----------------------------------------------------------


@transaction.atomic
def contact_plan_set(
    *,
    by: User,
    child: Child,
    agreed_on: date,
    methods: list[str],
    every_weeks: int,
    childs_words: str = "",
) -> InContactPlan:
    """Agree the child's in-contact plan; a current plan ends the day the new one is agreed."""
    _lock_child(child)
    _not_future("agreed_on", agreed_on, "The date agreed")
    if not methods:
        raise ValidationError({"methods": "Select how you and the child will keep in touch"})
    if set(methods) - set(ContactMethod.values):
        raise ValidationError({"methods": "Select how you will keep in touch from the list"})
    current = InContactPlan.objects.select_for_update().filter(child=child, ended_on=None).first()
    if current is not None:
        if agreed_on < current.agreed_on:
            raise ValidationError(
                {
                    "agreed_on": "The new plan must be agreed on or after the current plan was "
                    f"agreed on {_long(current.agreed_on)}"
                }
            )
        current.ended_on = agreed_on
        current.stamp(by)
        current.full_clean(validate_constraints=False)
        current.save()
    plan = InContactPlan(
        child=child,
        agreed_on=agreed_on,
        methods=list(methods),
        every_weeks=every_weeks,
        childs_words=childs_words,
    )
    plan.stamp(by)
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"agreed_on": "Someone else changed the plan at the same time: check it and try again"}
        ) from exc
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.CONTACT_PLAN_CREATE,
        child=child,
        obj=plan,
        detail={"replaces": str(current.public_id) if current else None},
    )
    return plan


@transaction.atomic
def contact_log_add(
    *, by: User, child: Child, contacted_on: date, method: str, note: str = ""
) -> ContactLog:
    """Log a contact with the child against the in-contact plan in force on that day."""
    _lock_child(child)
    _not_future("contacted_on", contacted_on, "The date of contact")
    plans = InContactPlan.objects.filter(child=child)
    plan = (
        plans.filter(agreed_on__lte=contacted_on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=contacted_on))
        .order_by("-agreed_on", "-created_at")
        .first()
    )
    if plan is None:
        first = plans.order_by("agreed_on").first()
        if first is None:
            raise ValidationError(
                {
                    "contacted_on": "There is no in-contact plan: agree one with the child "
                    "before logging contacts"
                }
            )
        raise ValidationError(
            {
                "contacted_on": "The date of contact must be on or after the in-contact plan "
                f"was agreed on {_long(first.agreed_on)}"
            }
        )
    contact = ContactLog(
        child=child, plan=plan, contacted_on=contacted_on, method=method, note=note
    )
    contact.save_by(by)
    record(user=by, kind=Kind.CHANGE, action=Action.CONTACT_CREATE, child=child, obj=contact)
    return contact


# Advocacy --------------------------------------------------------------------------------


@transaction.atomic
def advocacy_refer(
    *,
    by: User,
    child: Child,
    referred_on: date,
    reason: str,
    organisation: str,
    review: Review | None = None,
) -> AdvocacyReferral:
    """Refer the child to an independent advocate, optionally prompted by one of their reviews."""
    _lock_child(child)
    _not_future("referred_on", referred_on, "The date referred")
    if review is not None:
        if review.child_id != child.pk:
            raise ValidationError({"referred_on": "That review is not one of this child's"})
        if review.held_on and referred_on < review.held_on:
            raise ValidationError(
                {
                    "referred_on": "The referral must be on or after the review that prompted it, "
                    f"held on {_long(review.held_on)}"
                }
            )
    if not child.was_looked_after_on(referred_on):
        raise ValidationError({"referred_on": "The child was not looked after on that date"})
    referral = AdvocacyReferral(
        child=child,
        referred_on=referred_on,
        reason=reason,
        organisation=organisation,
        review=review,
    )
    referral.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ADVOCACY_CREATE,
        child=child,
        obj=referral,
        detail={"review": str(review.public_id) if review else None},
    )
    return referral


@transaction.atomic
def advocacy_update(
    *, by: User, referral: AdvocacyReferral, outcome: str, outcome_on: date | None
) -> AdvocacyReferral:
    """Record what came of an advocacy referral."""
    referral = (
        AdvocacyReferral.objects.select_for_update().select_related("child").get(pk=referral.pk)
    )
    if outcome == AdvocacyOutcome.PENDING:
        outcome_on = None
    elif outcome_on is None:
        raise ValidationError({"outcome_on": "Enter the date of the outcome"})
    else:
        _not_future("outcome_on", outcome_on, "The date of the outcome")
        if outcome_on < referral.referred_on:
            raise ValidationError(
                {
                    "outcome_on": "The date of the outcome must be on or after the referral on "
                    f"{_long(referral.referred_on)}"
                }
            )
    previous = referral.outcome
    referral.outcome = outcome
    referral.outcome_on = outcome_on
    referral.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ADVOCACY_UPDATE,
        child=referral.child,
        obj=referral,
        detail={"from": previous, "to": outcome},
    )
    return referral


# Independent Visitors --------------------------------------------------------------------


def _validate_visitor(visitor: IndependentVisitor) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if visitor.checks_on and visitor.checks_on > today:
        errors["checks_on"] = "The date of the checks must be today or in the past"
    if visitor.approved_on and visitor.approved_on > today:
        errors["approved_on"] = "The date approved must be today or in the past"
    elif visitor.approved_on and visitor.checks_on and visitor.approved_on < visitor.checks_on:
        errors["approved_on"] = (
            "The date approved must be on or after the DBS and reference checks on "
            f"{_long(visitor.checks_on)}"
        )
    if visitor.status == VisitorStatus.ACTIVE:
        if not visitor.checks_on and "checks_on" not in errors:
            errors["checks_on"] = (
                "Enter the date of the DBS and reference checks to make them active"
            )
        if not visitor.approved_on and "approved_on" not in errors:
            errors["approved_on"] = "Enter the date approved to make them active"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def visitor_add(*, by: User, visitor: IndependentVisitor) -> IndependentVisitor:
    """Add a volunteer to the Independent Visitor register."""
    _validate_visitor(visitor)
    visitor.save_by(by)
    record(user=by, kind=Kind.CHANGE, action=Action.VISITOR_CREATE, child=None, obj=visitor)
    return visitor


@transaction.atomic
def visitor_update(*, by: User, visitor: IndependentVisitor, changes: dict) -> IndependentVisitor:
    """Change a volunteer's details or status; one who is matched cannot leave or pause."""
    locked = IndependentVisitor.objects.select_for_update().get(pk=visitor.pk)
    for field, value in changes.items():
        setattr(locked, field, value)
    _validate_visitor(locked)
    if locked.status != VisitorStatus.ACTIVE:
        open_matches = IvMatch.objects.filter(visitor=locked, ended_on=None).count()
        if open_matches:
            raise ValidationError(
                {
                    "status": f"{locked.full_name} is matched with {open_matches} "
                    f"child{'ren' if open_matches > 1 else ''}: end the "
                    f"match{'es' if open_matches > 1 else ''} first"
                }
            )
    locked.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.VISITOR_UPDATE,
        child=None,
        obj=locked,
        detail={"fields": sorted(changes)},
    )
    return locked


@transaction.atomic
def iv_refer(*, by: User, child: Child, referred_on: date) -> IvReferral:
    """Put the child on the list of children waiting for an Independent Visitor."""
    _lock_child(child)
    _not_future("referred_on", referred_on, "The date referred")
    if not child.was_looked_after_on(referred_on):
        raise ValidationError({"referred_on": "The child was not looked after on that date"})
    waiting = IvReferral.objects.filter(child=child, closed_on=None).first()
    if waiting is not None:
        raise ValidationError(
            {
                "referred_on": f"{child.full_name} has been waiting for an Independent Visitor "
                f"since {_long(waiting.referred_on)}"
            }
        )
    match = IvMatch.objects.filter(child=child, ended_on=None).select_related("visitor").first()
    if match is not None:
        raise ValidationError(
            {
                "referred_on": f"{child.full_name} already has an Independent Visitor, "
                f"{match.visitor.full_name}"
            }
        )
    referral = IvReferral(child=child, referred_on=referred_on)
    referral.stamp(by)
    referral.full_clean(validate_constraints=False)
    referral.save()
    record(user=by, kind=Kind.CHANGE, action=Action.IV_REFERRAL_CREATE, child=child, obj=referral)
    return referral


def _overlapping(child: Child, started_on: date) -> IvMatch | None:
    """A match of `child` that a new open-ended match from `started_on` would overlap.

    Matches are inclusive of their start and end dates, except that a new match may start on
    the day the previous one ended (a handover), as allocations and plans do.
    """
    return (
        IvMatch.objects.filter(child=child)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=started_on))
        .select_related("visitor")
        .order_by("-started_on")
        .first()
    )


@transaction.atomic
def iv_match(*, by: User, child: Child, visitor: IndependentVisitor, started_on: date) -> IvMatch:
    """Match the child with an active Independent Visitor; their waiting referral closes."""
    _lock_child(child)
    visitor = IndependentVisitor.objects.select_for_update().get(pk=visitor.pk)
    _not_future("started_on", started_on, "The date the match started")
    if visitor.status != VisitorStatus.ACTIVE:
        raise ValidationError(
            {
                "visitor": f"{visitor.full_name} is not active "
                f"({visitor.get_status_display().lower()}): choose an active Independent Visitor"
            }
        )
    if visitor.approved_on and started_on < visitor.approved_on:
        raise ValidationError(
            {
                "started_on": f"The match must start on or after {visitor.full_name} was "
                f"approved on {_long(visitor.approved_on)}"
            }
        )
    if not child.was_looked_after_on(started_on):
        raise ValidationError({"started_on": "The child was not looked after on that date"})
    other = _overlapping(child, started_on)
    if other is not None:
        if other.ended_on is None:
            span = f"from {_long(other.started_on)}, which has not ended: end it first"
        else:
            span = f"from {_long(other.started_on)} to {_long(other.ended_on)}"
        raise ValidationError(
            {
                "started_on": f"This overlaps {child.full_name}'s match with "
                f"{other.visitor.full_name} {span}. A child has one Independent Visitor at a time"
            }
        )
    match = IvMatch(child=child, visitor=visitor, started_on=started_on)
    match.stamp(by)
    match.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            match.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "started_on": "The child was matched with an Independent Visitor by someone "
                "else at the same time: check and try again"
            }
        ) from exc
    for referral in IvReferral.objects.select_for_update().filter(child=child, closed_on=None):
        referral.closed_on = max(started_on, referral.referred_on)
        referral.closed_reason = MATCHED
        referral.stamp(by)
        referral.save()
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.IV_MATCH_CREATE,
        child=child,
        obj=match,
        detail={"visitor": str(visitor.public_id)},
    )
    return match


@transaction.atomic
def iv_match_end(*, by: User, match: IvMatch, ended_on: date, end_reason: str) -> IvMatch:
    """End a match between a child and their Independent Visitor, recording why."""
    match = IvMatch.objects.select_for_update().select_related("child", "visitor").get(pk=match.pk)
    if match.ended_on is not None:
        raise ValidationError({"ended_on": f"This match already ended on {_long(match.ended_on)}"})
    _not_future("ended_on", ended_on, "The date the match ended")
    if ended_on < match.started_on:
        raise ValidationError(
            {"ended_on": f"The match must end on or after it started on {_long(match.started_on)}"}
        )
    if not end_reason.strip():
        raise ValidationError({"end_reason": "Enter why the match ended"})
    match.ended_on = ended_on
    match.end_reason = end_reason.strip()
    match.stamp(by)
    match.full_clean(validate_constraints=False)
    match.save()
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.IV_MATCH_END,
        child=match.child,
        obj=match,
        detail={"reason": match.end_reason},
    )
    return match
