"""Writes for the child's independent support: in-contact plans, contacts, advocacy referrals
and Independent Visitors. Each is atomic, validated and audited in the same transaction."""

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from children.models import Child
from core.conflicts import CONFLICT_MESSAGE, EditConflictError, lock
from core.dates import long_date, not_in_future
from iro_service.models import User
from reviews.models import Review
from support.models import (
    AdvocacyOutcome,
    AdvocacyReferral,
    ContactLog,
    ContactMethod,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
    VisitorStatus,
)

MATCHED = "Matched"
PLAN = "in-contact plan"


# In-contact plans and contacts -----------------------------------------------------------


@transaction.atomic
def contact_plan_set(
    *,
    by: User,
    child: Child,
    replaces: uuid.UUID | None,
    version: int,
    start_date: date,
    methods: list[str],
    every_weeks: int,
    childs_words: str = "",
) -> InContactPlan:
    """Agree the child's in-contact plan; the current one, the one the user saw, ends that day.

    EditConflictError if the current plan is not the one `replaces` names at `version`.
    """
    lock(child)
    not_in_future(start_date, field="start_date", what="The date agreed")
    if not methods:
        raise ValidationError({"methods": "Select how you and the child will keep in touch"})
    if set(methods) - set(ContactMethod.values):
        raise ValidationError({"methods": "Select how you will keep in touch from the list"})
    current = InContactPlan.objects.open().filter(child=child).first()
    if (current.public_id if current else None) != replaces:
        raise EditConflictError(CONFLICT_MESSAGE.format(what=PLAN))
    if current is not None:
        current = lock(current, version=version, what=PLAN)
        if start_date < current.start_date:
            raise ValidationError(
                {
                    "start_date": "The new plan must be agreed on or after the current plan was "
                    f"agreed on {long_date(current.start_date)}"
                }
            )
        current.end_date = start_date
        current.save_by(by)
    plan = InContactPlan(
        child=child,
        start_date=start_date,
        methods=list(methods),
        every_weeks=every_weeks,
        childs_words=childs_words,
    )
    plan.save_by(by)
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
    lock(child)
    not_in_future(contacted_on, field="contacted_on", what="The date of contact")
    plans = InContactPlan.objects.filter(child=child)
    plan = plans.in_force_on(contacted_on).order_by("-start_date", "-created_at").first()
    if plan is None:
        first = plans.order_by("start_date").first()
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
                f"was agreed on {long_date(first.start_date)}"
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
    lock(child)
    not_in_future(referred_on, field="referred_on", what="The date referred")
    if review is not None:
        if review.child_id != child.pk:
            raise ValidationError({"referred_on": "That review is not one of this child's"})
        if review.held_on and referred_on < review.held_on:
            raise ValidationError(
                {
                    "referred_on": "The referral must be on or after the review that prompted it, "
                    f"held on {long_date(review.held_on)}"
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
    *,
    by: User,
    referral: AdvocacyReferral,
    version: int,
    outcome: str,
    outcome_on: date | None,
) -> AdvocacyReferral:
    """Record what came of an advocacy referral, refused if someone saved since `version`."""
    referral = lock(referral, version=version, what="advocacy referral")
    before = snapshot(referral)
    if outcome == AdvocacyOutcome.PENDING:
        outcome_on = None
    elif outcome_on is None:
        raise ValidationError({"outcome_on": "Enter the date of the outcome"})
    else:
        not_in_future(outcome_on, field="outcome_on", what="The date of the outcome")
        if outcome_on < referral.referred_on:
            raise ValidationError(
                {
                    "outcome_on": "The date of the outcome must be on or after the referral on "
                    f"{long_date(referral.referred_on)}"
                }
            )
    referral.outcome = outcome
    referral.outcome_on = outcome_on
    referral.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ADVOCACY_UPDATE,
        child=referral.child,
        obj=referral,
        changes=changes_between(before, referral),
    )
    return referral


# Independent Visitors --------------------------------------------------------------------


def _validate_visitor(visitor: IndependentVisitor) -> None:
    errors: dict[str, str] = {}
    for field, what in (
        ("checks_on", "The date of the checks"),
        ("approved_on", "The date approved"),
    ):
        try:
            not_in_future(getattr(visitor, field), field=field, what=what)
        except ValidationError as error:
            errors[field] = error.message_dict[field][0]
    if (
        "approved_on" not in errors
        and visitor.approved_on
        and visitor.checks_on
        and visitor.approved_on < visitor.checks_on
    ):
        errors["approved_on"] = (
            "The date approved must be on or after the DBS and reference checks on "
            f"{long_date(visitor.checks_on)}"
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
    """Add a volunteer to the Independent Visitor register (they are no child's record)."""
    _validate_visitor(visitor)
    visitor.save_by(by)
    record(user=by, kind=Kind.CHANGE, action=Action.VISITOR_CREATE, child=None, obj=visitor)
    return visitor


@transaction.atomic
def visitor_update(
    *, by: User, visitor: IndependentVisitor, version: int, changes: dict[str, Any]
) -> IndependentVisitor:
    """Change a volunteer's details or status; one who is matched cannot leave or pause."""
    locked = lock(visitor, version=version, what="volunteer's details")
    before = snapshot(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    _validate_visitor(locked)
    if locked.status != VisitorStatus.ACTIVE:
        open_matches = IvMatch.objects.open().filter(visitor=locked).count()
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
        changes=changes_between(before, locked),
    )
    return locked


@transaction.atomic
def iv_refer(*, by: User, child: Child, referred_on: date) -> IvReferral:
    """Put the child on the list of children waiting for an Independent Visitor."""
    lock(child)
    not_in_future(referred_on, field="referred_on", what="The date referred")
    if not child.was_looked_after_on(referred_on):
        raise ValidationError({"referred_on": "The child was not looked after on that date"})
    waiting = IvReferral.objects.filter(child=child, closed_on=None).first()
    if waiting is not None:
        raise ValidationError(
            {
                "referred_on": f"{child.full_name} has been waiting for an Independent Visitor "
                f"since {long_date(waiting.referred_on)}"
            }
        )
    match = IvMatch.objects.open().filter(child=child).select_related("visitor").first()
    if match is not None:
        raise ValidationError(
            {
                "referred_on": f"{child.full_name} already has an Independent Visitor, "
                f"{match.visitor.full_name}"
            }
        )
    referral = IvReferral(child=child, referred_on=referred_on)
    referral.save_by(by)
    record(user=by, kind=Kind.CHANGE, action=Action.IV_REFERRAL_CREATE, child=child, obj=referral)
    return referral


def _overlapping(child: Child, start_date: date) -> IvMatch | None:
    """A match of `child` that a new open-ended match from `start_date` would overlap.

    Matches are inclusive of their start and end dates, except that a new match may start on
    the day the previous one ended (a handover), as allocations and plans do.
    """
    return (
        IvMatch.objects.filter(child=child)
        .exclude(end_date__lte=start_date)
        .select_related("visitor")
        .order_by("-start_date")
        .first()
    )


@transaction.atomic
def iv_match(*, by: User, child: Child, visitor: IndependentVisitor, start_date: date) -> IvMatch:
    """Match the child with an active Independent Visitor; their waiting referral closes."""
    lock(child)
    visitor = lock(visitor)
    not_in_future(start_date, field="start_date", what="The date the match started")
    if visitor.status != VisitorStatus.ACTIVE:
        raise ValidationError(
            {
                "visitor": f"{visitor.full_name} is not active "
                f"({visitor.get_status_display().lower()}): choose an active Independent Visitor"
            }
        )
    if visitor.approved_on and start_date < visitor.approved_on:
        raise ValidationError(
            {
                "start_date": f"The match must start on or after {visitor.full_name} was "
                f"approved on {long_date(visitor.approved_on)}"
            }
        )
    if not child.was_looked_after_on(start_date):
        raise ValidationError({"start_date": "The child was not looked after on that date"})
    other = _overlapping(child, start_date)
    if other is not None:
        if other.end_date is None:
            span = f"from {long_date(other.start_date)}, which has not ended: end it first"
        else:
            span = f"from {long_date(other.start_date)} to {long_date(other.end_date)}"
        raise ValidationError(
            {
                "start_date": f"This overlaps {child.full_name}'s match with "
                f"{other.visitor.full_name} {span}. A child has one Independent Visitor at a time"
            }
        )
    match = IvMatch(child=child, visitor=visitor, start_date=start_date)
    try:
        with transaction.atomic():
            match.save_by(by)
    except IntegrityError as exc:
        raise ValidationError(
            {
                "start_date": "The child was matched with an Independent Visitor by someone "
                "else at the same time: check and try again"
            }
        ) from exc
    for referral in IvReferral.objects.select_for_update().filter(child=child, closed_on=None):
        referral.closed_on = max(start_date, referral.referred_on)
        referral.closed_reason = MATCHED
        referral.save_by(by)
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
def iv_match_end(
    *, by: User, match: IvMatch, version: int, end_date: date, end_reason: str
) -> IvMatch:
    """End a match between a child and their Independent Visitor, recording why."""
    match = lock(match, version=version, what="Independent Visitor match")
    if match.end_date is not None:
        raise ValidationError(
            {"end_date": f"This match already ended on {long_date(match.end_date)}"}
        )
    not_in_future(end_date, field="end_date", what="The date the match ended")
    if end_date < match.start_date:
        raise ValidationError(
            {
                "end_date": "The match must end on or after it started on "
                f"{long_date(match.start_date)}"
            }
        )
    if not end_reason.strip():
        raise ValidationError({"end_reason": "Enter why the match ended"})
    before = snapshot(match)
    match.end_date = end_date
    match.end_reason = end_reason.strip()
    match.save_by(by)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.IV_MATCH_END,
        child=match.child,
        obj=match,
        changes=changes_between(before, match),
    )
    return match
