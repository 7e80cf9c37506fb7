"""Changes to escalations: each one atomic, validated, audited through the child.

Every change after raising locks the escalation row and checks the version the user saw,
so two people acting at once produce one change and the other is told, not overwritten.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import record
from children.models import Child
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


class EscalationConflict(Exception):
    """The escalation changed since the user opened it: acting on it would act twice."""


@dataclass(frozen=True)
class AreaData:
    area: str
    description: str
    action_required: str


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _not_in_future(field: str, what: str, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past"})


def _lock(escalation: Escalation, *, expected_version: int, doing: str) -> Escalation:
    locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if locked.version != expected_version:
        raise EscalationConflict(
            f"Someone else changed this escalation while you were {doing}. It is now "
            f"{locked.get_status_display().lower()} at {locked.stage_label.lower()}. "
            "Nothing has been saved: check the escalation and try again."
        )
    return locked


def _save(escalation: Escalation, by: User) -> None:
    escalation.version += 1
    escalation.save_by(by)


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
    review: Review | None = None,
) -> Escalation:
    """Raise an escalation about a child's plan with one or more areas of concern (Handbook 6.2)."""
    if not areas:
        raise ValidationError("Add at least one area of concern")
    if review is not None and review.child_id != child.pk:
        raise ValidationError("The review that prompted the escalation must be this child's")
    _not_in_future("raised_on", "The date raised", raised_on)
    stage = Stage.STAGE_1 if formal else Stage.INFORMAL
    escalation = Escalation(
        child=child,
        raised_by=by,
        raised_on=raised_on,
        formal=formal,
        summary=summary,
        stage=stage,
        stage_started_on=raised_on,
        review=review,
    )
    escalation.save_by(by)
    for data in areas:
        area = AreaOfConcern(escalation=escalation, **data.__dict__)
        area.save_by(by)
    _event(escalation, by=by, kind=EventKind.RAISED, on=raised_on, text=summary)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_RAISE,
        child=child,
        obj=escalation,
        detail={"stage": stage, "areas": [a.area for a in areas]},
    )
    return escalation


@transaction.atomic
def escalation_record_response(
    *,
    by: User,
    escalation: Escalation,
    expected_version: int,
    on: date,
    responder_name: str,
    responder_role: str,
    text: str,
) -> EscalationEvent:
    """Record who responded at the current stage, their role, what they said and when."""
    locked = _lock(escalation, expected_version=expected_version, doing="recording a response")
    if not locked.is_open:
        raise ValidationError("This escalation is closed: reopen it to record a response")
    if on < locked.raised_on:
        raise ValidationError(
            {
                "on": "The date of the response must be on or after the date the escalation "
                f"was raised, {_long(locked.raised_on)}"
            }
        )
    _not_in_future("on", "The date of the response", on)
    _save(locked, by)
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
    expected_version: int,
    on: date,
    reason: str = "",
) -> Escalation:
    """Escalate to a later stage; skipping a stage needs a reason (IRO Handbook 2010, para 6.2)."""
    locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if not locked.is_open:
        raise ValidationError(
            {"to_stage": "This escalation is closed: reopen it before escalating it"}
        )
    if locked.version != expected_version or locked.stage != expected_stage:
        raise EscalationConflict(
            "Someone else moved or changed this escalation while you were escalating it. "
            f"It is now at {locked.stage_label.lower()}. "
            "Nothing has been saved: check the escalation and try again."
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
                f"{_long(locked.stage_started_on)}"
            }
        )
    _not_in_future("on", "The date escalated", on)
    from_stage = locked.stage
    locked.stage = to_stage
    locked.formal = True
    locked.stage_started_on = on
    _save(locked, by)
    _event(
        locked,
        by=by,
        kind=EventKind.SKIPPED if skip else EventKind.ESCALATED,
        on=on,
        reason=reason,
    )
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_MOVE,
        child=locked.child,
        obj=locked,
        detail={"from": from_stage, "to": to_stage, "skip": skip},
    )
    return locked


@transaction.atomic
def escalation_close(
    *,
    by: User,
    escalation: Escalation,
    expected_version: int,
    closed_on: date,
    outcome: str,
    area_outcomes: Mapping[str, tuple[str, str]],
) -> Escalation:
    """Close with an outcome for every area and the level reached (IRO Handbook 2010, para 6.2).

    `area_outcomes` maps each area's public id (as text) to its outcome and a note.
    """
    locked = _lock(escalation, expected_version=expected_version, doing="closing it")
    if not locked.is_open:
        raise ValidationError("This escalation is already closed")
    if closed_on < locked.raised_on:
        raise ValidationError(
            {
                "closed_on": "The date closed must be on or after the date the escalation was "
                f"raised, {_long(locked.raised_on)}"
            }
        )
    _not_in_future("closed_on", "The date closed", closed_on)
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
    locked.status = Status.CLOSED
    locked.closed_on = closed_on
    locked.resolved_at_stage = locked.stage
    locked.outcome = outcome
    _save(locked, by)
    _event(locked, by=by, kind=EventKind.CLOSED, on=closed_on, text=outcome)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_CLOSE,
        child=locked.child,
        obj=locked,
        detail={"resolved_at": locked.stage, "areas": {a.area: a.outcome for a in areas}},
    )
    return locked


@transaction.atomic
def escalation_reopen(
    *, by: User, escalation: Escalation, expected_version: int, on: date, reason: str
) -> Escalation:
    """Reopen a closed escalation at the stage it reached, giving the reason."""
    locked = _lock(escalation, expected_version=expected_version, doing="reopening it")
    if locked.is_open:
        raise ValidationError("This escalation is already open")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for reopening the escalation"})
    if locked.closed_on and on < locked.closed_on:
        raise ValidationError(
            {
                "on": "The date reopened must be on or after the date it was closed, "
                f"{_long(locked.closed_on)}"
            }
        )
    _not_in_future("on", "The date reopened", on)
    locked.status = Status.OPEN
    locked.closed_on = None
    locked.resolved_at_stage = ""
    locked.stage_started_on = on
    _save(locked, by)
    _event(locked, by=by, kind=EventKind.REOPENED, on=on, reason=reason.strip())
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.ESCALATION_REOPEN,
        child=locked.child,
        obj=locked,
        detail={"stage": locked.stage},
    )
    return locked
