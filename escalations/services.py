"""Changes to escalations: each one atomic, validated, audited through the child.

Every change after raising locks the escalation row and checks the version the user saw,
so two people acting at once produce one change and the other is told, not overwritten.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from children.models import Child
from core.conflicts import EditConflictError, lock
from core.dates import long_date, not_in_future
from escalations import rules
from escalations.models import (
    AreaOfConcern,
    AreaOutcome,
    Escalation,
    EscalationEvent,
    EventKind,
    Stage,
    Status,
)
from iro_service.models import User
from reviews.models import Review


@dataclass(frozen=True)
class AreaData:
    area: str
    description: str
    action_required: str


def _locked(
    escalation: Escalation, *, version: int, doing: str, stage: str | None = None
) -> Escalation:
    """The escalation's row, locked; EditConflictError, saying where it now stands, if saved since."""
    locked = lock(escalation)
    if locked.version != version or (stage is not None and locked.stage != stage):
        # Unlike the standard conflict message, this one says where the escalation now is,
        # which is what the second person needs to decide whether to act again.
        raise EditConflictError(
            f"Someone else moved or changed this escalation while you were {doing}. It is now "
            f"{locked.get_status_display().lower()} at {locked.stage_label.lower()}. "
            "Nothing has been saved: check the escalation and try again."
        )
    return locked


def _addressee(name: str, role: str) -> tuple[str, str]:
    """Who a stage is addressed to, both parts required (IRO Handbook 2010, para 6.2)."""
    name, role = name.strip(), role.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["addressed_to_name"] = "Enter the name of the person the escalation is to"
    if not role:
        errors["addressed_to_role"] = "Enter the role of the person the escalation is to"
    if errors:
        raise ValidationError(errors)
    return name, role


def _event(
    escalation: Escalation, *, by: User, kind: str, on: date, **fields: str
) -> EscalationEvent:
    event = EscalationEvent(
        escalation=escalation, kind=kind, stage=escalation.stage, on=on, by=by, **fields
    )
    event.save_by(by)
    return event


@transaction.atomic
def escalation_raise(
    *,
    by: User,
    child: Child,
    raised_on: date,
    formal: bool,
    summary: str,
    areas: Sequence[AreaData],
    addressed_to_name: str,
    addressed_to_role: str,
    review: Review | None = None,
    request: HttpRequest | None = None,
) -> Escalation:
    """Raise an escalation about a child's plan, to a named person (IRO Handbook 2010, 6.2)."""
    name, role = _addressee(addressed_to_name, addressed_to_role)
    if not areas:
        raise ValidationError("Add at least one area of concern")
    if review is not None and review.child_id != child.pk:
        raise ValidationError("The review that prompted the escalation must be this child's")
    not_in_future(raised_on, field="raised_on", what="The date raised")
    stage = Stage.STAGE_1 if formal else Stage.INFORMAL
    escalation = Escalation(
        child=child,
        raised_by=by,
        raised_on=raised_on,
        formal=formal,
        formal_on=rules.formal_from(None, to_stage=stage, on=raised_on),
        summary=summary,
        stage=stage,
        stage_started_on=raised_on,
        addressed_to_name=name,
        addressed_to_role=role,
        review=review,
    )
    escalation.save_by(by)
    for data in areas:
        area = AreaOfConcern(escalation=escalation, **data.__dict__)
        area.save_by(by)
    _event(
        escalation,
        by=by,
        kind=EventKind.RAISED,
        on=raised_on,
        text=summary,
        addressed_to_name=name,
        addressed_to_role=role,
    )
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_RAISE,
        child=child,
        obj=escalation,
        request=request,
        detail={"stage": stage, "areas": [a.area for a in areas]},
    )
    return escalation


@transaction.atomic
def escalation_record_response(
    *,
    by: User,
    escalation: Escalation,
    version: int,
    on: date,
    responder_name: str,
    responder_role: str,
    text: str,
    request: HttpRequest | None = None,
) -> EscalationEvent:
    """Record who responded at the current stage and when; the first response ends the wait."""
    locked = _locked(escalation, version=version, doing="recording a response")
    if not locked.is_open:
        raise ValidationError("This escalation is closed: reopen it to record a response")
    if on < locked.raised_on:
        raise ValidationError(
            {
                "on": "The date of the response must be on or after the date the escalation "
                f"was raised, {long_date(locked.raised_on)}"
            }
        )
    if on < locked.stage_started_on:
        # An earlier stage's response would otherwise answer the stage asked now.
        raise ValidationError(
            {
                "on": "The date of the response must be on or after the current stage started, "
                f"{long_date(locked.stage_started_on)}"
            }
        )
    not_in_future(on, field="on", what="The date of the response")
    before = snapshot(locked)
    if locked.responded_on is None or on < locked.responded_on:
        locked.responded_on = on
    # A new version even when no field changes, so a form opened before it is stale.
    locked.save_by(by)
    event = _event(
        locked,
        by=by,
        kind=EventKind.RESPONSE,
        on=on,
        responder_name=responder_name,
        responder_role=responder_role,
        text=text,
    )
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_RESPOND,
        child=locked.child,
        obj=locked,
        request=request,
        changes=changes_between(before, locked),
        detail={"stage": locked.stage},
    )
    return event


@transaction.atomic
def escalation_move(
    *,
    by: User,
    escalation: Escalation,
    to_stage: str,
    expected_stage: str,
    version: int,
    on: date,
    addressed_to_name: str,
    addressed_to_role: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Escalation:
    """Escalate to a later stage and the person it is now to; a skip needs a reason (Handbook 6.2)."""
    locked = _locked(escalation, version=version, doing="escalating it", stage=expected_stage)
    if not locked.is_open:
        raise ValidationError(
            {"to_stage": "This escalation is closed: reopen it before escalating it"}
        )
    if to_stage not in rules.STAGE_ORDER:
        raise ValidationError({"to_stage": "Select the stage to escalate to"})
    if not rules.can_move(locked.stage, to_stage):
        raise ValidationError(
            {
                "to_stage": f"An escalation at {locked.stage_label.lower()} can only move to a "
                "later stage"
            }
        )
    skip = rules.is_skip(locked.stage, to_stage)
    reason = reason.strip()
    if skip and not reason:
        raise ValidationError({"reason": "Enter the reason for skipping a stage"})
    if on < locked.stage_started_on:
        raise ValidationError(
            {
                "on": "The date escalated must be on or after the current stage started, "
                f"{long_date(locked.stage_started_on)}"
            }
        )
    not_in_future(on, field="on", what="The date escalated")
    name, role = _addressee(addressed_to_name, addressed_to_role)
    before = snapshot(locked)
    from_stage = locked.stage
    locked.stage = to_stage
    locked.formal = True
    locked.formal_on = rules.formal_from(locked.formal_on, to_stage=to_stage, on=on)
    locked.stage_started_on = on
    locked.responded_on = None
    locked.addressed_to_name, locked.addressed_to_role = name, role
    locked.save_by(by)
    _event(
        locked,
        by=by,
        kind=EventKind.SKIPPED if skip else EventKind.ESCALATED,
        on=on,
        reason=reason,
        addressed_to_name=name,
        addressed_to_role=role,
    )
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_MOVE,
        child=locked.child,
        obj=locked,
        request=request,
        changes=changes_between(before, locked),
        detail={"from": from_stage, "to": to_stage, "skip": skip},
    )
    return locked


@transaction.atomic
def escalation_close(
    *,
    by: User,
    escalation: Escalation,
    version: int,
    closed_on: date,
    outcome: str,
    area_outcomes: Mapping[str, tuple[str, str]],
    request: HttpRequest | None = None,
) -> Escalation:
    """Close with an outcome for every area and the level reached (IRO Handbook 2010, para 6.2).

    `area_outcomes` maps each area's public id (as text) to its outcome and a note.
    """
    locked = _locked(escalation, version=version, doing="closing it")
    if not locked.is_open:
        raise ValidationError("This escalation is already closed")
    if closed_on < locked.raised_on:
        raise ValidationError(
            {
                "closed_on": "The date closed must be on or after the date the escalation was "
                f"raised, {long_date(locked.raised_on)}"
            }
        )
    not_in_future(closed_on, field="closed_on", what="The date closed")
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter the overall outcome"})
    areas = list(locked.areas.all())
    missing = []
    for area in areas:
        chosen, note = area_outcomes.get(str(area.public_id), ("", ""))
        if chosen not in AreaOutcome.values:
            missing.append(area.area_label)
            continue
        area.outcome, area.outcome_note = chosen, note
    if missing:
        raise ValidationError(
            "Select an outcome for every area of concern before closing: "
            + ", ".join(missing)
            + (" has" if len(missing) == 1 else " have")
            + " none"
        )
    for area in areas:
        area.save_by(by)
    before = snapshot(locked)
    locked.status = Status.CLOSED
    locked.closed_on = closed_on
    locked.resolved_at_stage = locked.stage
    locked.outcome = outcome
    locked.save_by(by)
    _event(locked, by=by, kind=EventKind.CLOSED, on=closed_on, text=outcome)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_CLOSE,
        child=locked.child,
        obj=locked,
        request=request,
        changes=changes_between(before, locked),
        detail={"resolved_at": locked.stage, "areas": {a.area: a.outcome for a in areas}},
    )
    return locked


@transaction.atomic
def escalation_reopen(
    *,
    by: User,
    escalation: Escalation,
    version: int,
    on: date,
    reason: str,
    request: HttpRequest | None = None,
) -> Escalation:
    """Reopen a closed escalation at the stage it reached, giving the reason."""
    locked = _locked(escalation, version=version, doing="reopening it")
    if locked.is_open:
        raise ValidationError("This escalation is already open")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for reopening the escalation"})
    if locked.closed_on and on < locked.closed_on:
        raise ValidationError(
            {
                "on": "The date reopened must be on or after the date it was closed, "
                f"{long_date(locked.closed_on)}"
            }
        )
    not_in_future(on, field="on", what="The date reopened")
    before = snapshot(locked)
    locked.status = Status.OPEN
    locked.closed_on = None
    locked.resolved_at_stage = ""
    locked.stage_started_on = on
    # The stage asks again from the day it reopened: an answer before closing is not one.
    locked.responded_on = None
    locked.save_by(by)
    _event(locked, by=by, kind=EventKind.REOPENED, on=on, reason=reason.strip())
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_REOPEN,
        child=locked.child,
        obj=locked,
        request=request,
        changes=changes_between(before, locked),
        detail={"stage": locked.stage},
    )
    return locked
