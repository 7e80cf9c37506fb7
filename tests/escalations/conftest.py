"""Escalations built straight into the database at any stage, and the day the tests run on."""

from datetime import date

import pytest
from time_machine import TimeMachineFixture

from escalations.models import AreaOfConcern, Escalation, EscalationEvent, Stage, Status


def make_escalation(
    *,
    child,
    by,
    stage: str = Stage.STAGE_1,
    raised_on: date = date(2024, 1, 8),
    stage_started_on: date | None = None,
    areas: tuple[str, ...] = ("health", "education"),
    closed_on: date | None = None,
    formal_on: date | None = None,
    addressed_to: tuple[str, str] = ("Jo Bloggs", "Team manager"),
) -> Escalation:
    """An escalation at `stage`, open unless `closed_on` is given, with one area per name.

    A formal one is formal from `formal_on`, the day it was raised unless given.
    """
    formal = stage != Stage.INFORMAL
    escalation = Escalation.objects.create(
        child=child,
        raised_by=by,
        raised_on=raised_on,
        formal=formal,
        formal_on=(formal_on or raised_on) if formal else None,
        summary="The care plan has drifted.",
        stage=stage,
        stage_started_on=stage_started_on or raised_on,
        addressed_to_name=addressed_to[0],
        addressed_to_role=addressed_to[1],
        status=Status.CLOSED if closed_on else Status.OPEN,
        closed_on=closed_on,
        resolved_at_stage=stage if closed_on else "",
        outcome="Agreed" if closed_on else "",
    )
    for area in areas:
        AreaOfConcern.objects.create(
            escalation=escalation,
            area=area,
            description=f"Concern about {area}",
            action_required="Put it right",
            outcome="resolved" if closed_on else "",
        )
    EscalationEvent.objects.create(
        escalation=escalation,
        kind="raised",
        stage=stage,
        on=raised_on,
        by=by,
        addressed_to_name=addressed_to[0],
        addressed_to_role=addressed_to[1],
    )
    return escalation


# A leap day: date arithmetic that forgets February shows up here, not on the next 29th.
TODAY = date(2024, 2, 29)


@pytest.fixture(autouse=True)
def _today(time_machine: TimeMachineFixture) -> None:
    """Every escalation test runs on TODAY unless it moves the clock itself."""
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def ivys_escalation(ivy, ivys_child) -> Escalation:
    return make_escalation(child=ivys_child, by=ivy)


@pytest.fixture
def ians_escalation(ian, ians_child) -> Escalation:
    return make_escalation(child=ians_child, by=ian)
