"""Dispute resolution ladder and timescales (IRO Handbook 2010, para 6.2).

Stages are the plain strings stored by the escalation model's stage choices. The Handbook
asks for a formal process with rising seniority and a timescale at each stage, lets the IRO
skip stages, and expects the whole process to take no more than 20 working days. The
5 working days per stage is this service's default, not statute.

Informal comes first, formal later: an escalation is formal from the day it enters stage 1
or a later stage (raised there, or moved there), and its 20 working days run from that day
(docs/decisions/0009-when-an-escalation-is-formal.md).
"""

from datetime import date

from iro_service.working_days import add_working_days, working_days_between

STAGE_ORDER: tuple[str, ...] = (
    "informal",
    "stage_1",
    "stage_2",
    "stage_3",
    "stage_4",
    "cafcass",
)
TOTAL_WORKING_DAYS = 20
DEFAULT_STAGE_WORKING_DAYS = 5


def _position(stage: str) -> int:
    try:
        return STAGE_ORDER.index(stage)
    except ValueError:
        raise ValueError(f"Unknown escalation stage {stage!r}") from None


def next_stage(stage: str) -> str | None:
    """The next level of seniority, or None after Cafcass (IRO Handbook 2010, para 6.2)."""
    position = _position(stage)
    return STAGE_ORDER[position + 1] if position + 1 < len(STAGE_ORDER) else None


def allowed_moves(stage: str) -> tuple[str, ...]:
    """Stages an escalation may move to: any later one, never back (IRO Handbook 2010, para 6.2)."""
    return STAGE_ORDER[_position(stage) + 1 :]


def can_move(from_stage: str, to_stage: str) -> bool:
    """Whether an escalation may move between two stages (IRO Handbook 2010, para 6.2)."""
    return _position(to_stage) > _position(from_stage)


def is_skip(from_stage: str, to_stage: str) -> bool:
    """Whether an allowed move jumps over a stage, which needs a reason (IRO Handbook 2010, 6.2)."""
    if not can_move(from_stage, to_stage):
        raise ValueError(f"An escalation cannot move from {from_stage!r} to {to_stage!r}")
    return _position(to_stage) - _position(from_stage) > 1


def response_due(stage_started: date, working_days: int) -> date:
    """Response due a number of working days into a stage (IRO Handbook 2010, para 6.2)."""
    return add_working_days(stage_started, working_days)


def is_formal(stage: str) -> bool:
    """Stage 1 and every later stage are the formal process (IRO Handbook 2010, para 6.2)."""
    return _position(stage) >= _position("stage_1")


def formal_from(formal_on: date | None, *, to_stage: str, on: date) -> date | None:
    """The day an escalation became formal after a step to `to_stage` on `on` (Handbook 6.2)."""
    if formal_on is not None or not is_formal(to_stage):
        return formal_on
    return on


def overall_due(formal_on: date) -> date:
    """Formal process due within 20 working days of becoming formal (IRO Handbook 2010, 6.2)."""
    return add_working_days(formal_on, TOTAL_WORKING_DAYS)


def working_days_open(raised_on: date, today: date) -> int:
    """Working days an escalation has been open, the raising day not counted (Handbook 6.2)."""
    return working_days_between(raised_on, today)
