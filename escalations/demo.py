"""Demo escalations for the seed command: the seed's 11 formal escalations a year, 2 areas each,
all resolved by the team manager or the service manager."""

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from children.demo import year_end, year_start
from children.models import PeriodOfCare
from core import bulk
from escalations import rules
from escalations.models import (
    Area,
    AreaOfConcern,
    AreaOutcome,
    Escalation,
    EscalationEvent,
    EventKind,
    Stage,
    Status,
)
from iro_service.working_days import add_working_days, subtract_working_days

PER_YEAR = 11
AREAS_EACH = 2
YEARS = 4
INFORMAL_LEAD_DAYS = 14
# As the seed's: resolved by the team manager or the service manager, none higher.
RESOLVED_AT = [Stage.STAGE_1] * 7 + [Stage.STAGE_2] * 4
RESPONDERS = {
    Stage.INFORMAL: "Social worker",
    Stage.STAGE_1: "Team manager",
    Stage.STAGE_2: "Service manager",
    Stage.STAGE_3: "Head of service",
    Stage.STAGE_4: "Director of children's services",
    Stage.CAFCASS: "Cafcass",
}
# Who each stage is addressed to: a stage goes to a named person at that level.
NAMES = (
    "Jo Bloggs",
    "Sam Patel",
    "Alex Morgan",
    "Priya Shah",
    "Chris Evans",
    "Morgan Lee",
    "Dana Hughes",
    "Kim Walsh",
)
CONCERNS = {
    Area.CARE_PLAN_DRIFT: (
        "Permanence plan not progressed since the last review.",
        "Agree a permanence plan and timescale at a planning meeting.",
    ),
    Area.PLACEMENT: (
        "Placement stability meeting not held after two disruptions.",
        "Hold a stability meeting within 10 working days.",
    ),
    Area.HEALTH: ("Review health assessment overdue.", "Book the review health assessment."),
    Area.EDUCATION: ("No personal education plan this term.", "Complete the PEP with the school."),
    Area.CONTACT: ("Agreed sibling contact not taking place.", "Restart sibling contact."),
    Area.SAFEGUARDING: (
        "Missing episodes not followed by return interviews.",
        "Complete return home interviews and update the risk plan.",
    ),
    Area.STATUTORY_VISITS: (
        "Statutory visits out of timescale.",
        "Visit and record within 5 days.",
    ),
    Area.PATHWAY_PLAN: ("Pathway plan not started at 16.", "Complete the pathway plan."),
    Area.LEGAL_PLANNING: ("Legal planning meeting not convened.", "Convene the LPM."),
    Area.OTHER: ("Life story work not started.", "Allocate life story work."),
}


def _in_care_since(children: list, *, today: date) -> dict[int, date]:
    """When each child's current period of care began (today if none is open), in one query."""
    started = dict(
        PeriodOfCare.objects.filter(child__in=children, end_date=None).values_list(
            "child_id", "start_date"
        )
    )
    return {child.pk: started.get(child.pk, today) for child in children}


def _day_between(rng: random.Random, first: date, last: date) -> date:
    """A day from `first` to `last` inclusive (`first` if the range is empty)."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _iro_lookup(iros_by_child: dict | Callable[[Any], Any], created_by: Any) -> Callable:
    def lookup(child: Any) -> Any:
        if callable(iros_by_child):
            iro = iros_by_child(child)
        else:
            iro = iros_by_child.get(child) or iros_by_child.get(getattr(child, "pk", None))
        return iro or created_by

    return lookup


class _Builder:
    def __init__(self, rng: random.Random, created_by: Any) -> None:
        self.rng = rng
        self.created_by = created_by
        self.escalations: list[Escalation] = []
        self.areas: list[list[AreaOfConcern]] = []
        self.events: list[list[EscalationEvent]] = []

    def _event(self, kind: str, stage: str, on: date, by: Any, **fields: str) -> EscalationEvent:
        return EscalationEvent(
            kind=kind,
            stage=stage,
            on=on,
            by=by,
            created_by=self.created_by,
            modified_by=self.created_by,
            **fields,
        )

    def add(
        self, *, child: Any, iro: Any, raised_on: date, path: Sequence[str], close: bool
    ) -> date:
        """One escalation up `path` (the stages it went through); returns its last date."""
        rng = self.rng
        to = {stage: (rng.choice(NAMES), RESPONDERS[Stage(stage)]) for stage in path}
        events = [
            self._event(
                EventKind.RAISED,
                path[0],
                raised_on,
                iro,
                text="Raised by the IRO",
                addressed_to_name=to[path[0]][0],
                addressed_to_role=to[path[0]][1],
            )
        ]
        day = raised_on
        formal_on: date | None = None
        responded_on: date | None = None
        for position, stage in enumerate(path):
            if position:
                day = add_working_days(day, rng.randint(1, 2))
                events.append(
                    self._event(
                        EventKind.ESCALATED,
                        stage,
                        day,
                        iro,
                        reason="No adequate response",
                        addressed_to_name=to[stage][0],
                        addressed_to_role=to[stage][1],
                    )
                )
                stage_start = day
            else:
                stage_start = raised_on
            formal_on = rules.formal_from(formal_on, to_stage=stage, on=stage_start)
            respond = add_working_days(day, rng.randint(2, 5))
            responded_on = None
            if close or position < len(path) - 1:
                day = respond
                responded_on = day
                events.append(
                    self._event(
                        EventKind.RESPONSE,
                        stage,
                        day,
                        iro,
                        responder_name=to[stage][0],
                        responder_role=to[stage][1],
                        text="Response to the concerns.",
                    )
                )
        chosen = rng.sample(list(Area.values), AREAS_EACH)
        escalation = Escalation(
            child=child,
            raised_by=iro,
            raised_on=raised_on,
            formal=formal_on is not None,
            formal_on=formal_on,
            summary="Concerns about drift in the care plan.",
            stage=path[-1],
            stage_started_on=stage_start,
            responded_on=responded_on,
            addressed_to_name=to[path[-1]][0],
            addressed_to_role=to[path[-1]][1],
            created_by=self.created_by,
            modified_by=self.created_by,
        )
        if close:
            day = add_working_days(day, rng.randint(0, 2))
            escalation.status = Status.CLOSED
            escalation.closed_on = day
            escalation.resolved_at_stage = path[-1]
            escalation.outcome = "Actions agreed and completed."
            events.append(
                self._event(EventKind.CLOSED, path[-1], day, iro, text=escalation.outcome)
            )
        self.escalations.append(escalation)
        self.areas.append(
            [
                AreaOfConcern(
                    area=area,
                    description=CONCERNS[Area(area)][0],
                    action_required=CONCERNS[Area(area)][1],
                    outcome=(
                        rng.choice([AreaOutcome.RESOLVED] * 4 + [AreaOutcome.PARTLY_RESOLVED])
                        if close
                        else ""
                    ),
                    created_by=self.created_by,
                    modified_by=self.created_by,
                )
                for area in chosen
            ]
        )
        self.events.append(events)
        return day

    def save(self) -> int:
        bulk.insert(Escalation, self.escalations)
        areas, events = [], []
        for escalation, its_areas, its_events in zip(
            self.escalations, self.areas, self.events, strict=True
        ):
            for area in its_areas:
                area.escalation = escalation
                areas.append(area)
            for event in its_events:
                event.escalation = escalation
                events.append(event)
        bulk.insert(AreaOfConcern, areas)
        bulk.insert(EscalationEvent, events)
        return len(self.escalations)


def build_demo_escalations(
    *,
    rng: random.Random,
    today: date,
    children: list,
    iros_by_child: dict | Callable[[Any], Any],
    created_by: Any,
) -> int:
    """Escalations over the last four reporting years, resolved at stage 1 or 2.

    11 formal escalations a year across 11 children with 2 areas each, one informal
    escalation resolved informally, and two open now (one with its response overdue).
    Returns the number of escalations created.
    """
    if not children:
        return 0
    iro_for = _iro_lookup(iros_by_child, created_by)
    builder = _Builder(rng, created_by)
    care_from = _in_care_since(children, today=today)

    def in_care_by(day: date) -> list:
        # An escalation is about a looked-after child's plan: never before their care began.
        return [child for child in children if care_from[child.pk] <= day] or children[:1]

    # Leave room for the longest closed path (about 20 working days) before today.
    latest_closed_start = subtract_working_days(today, 30)
    first_year = year_start(today).replace(year=year_start(today).year - (YEARS - 1))
    for offset in range(YEARS):
        start = first_year.replace(year=first_year.year + offset)
        end = min(start.replace(year=start.year + 1) - timedelta(days=1), latest_closed_start)
        if end < start:
            continue
        pool = in_care_by(end - timedelta(days=INFORMAL_LEAD_DAYS))
        picked = rng.sample(pool, min(PER_YEAR, len(pool)))
        for child in picked:
            resolved_at = rng.choice(RESOLVED_AT)
            path = rules.STAGE_ORDER[1 : rules.STAGE_ORDER.index(resolved_at) + 1]
            latest = end
            if rng.random() < 0.3:
                path = (Stage.INFORMAL, *path)
                # It counts in the year it becomes formal, up to 7 working days after raising.
                latest = end - timedelta(days=INFORMAL_LEAD_DAYS)
            builder.add(
                child=child,
                iro=iro_for(child),
                raised_on=_day_between(rng, max(start, care_from[child.pk]), latest),
                path=path,
                close=True,
            )
        informal_child = rng.choice(pool)
        builder.add(
            child=informal_child,
            iro=iro_for(informal_child),
            raised_on=_day_between(rng, max(start, care_from[informal_child.pk]), end),
            path=(Stage.INFORMAL,),
            close=True,
        )
    recent_pool = in_care_by(subtract_working_days(today, 16))
    recent, late = rng.sample(recent_pool, 2) if len(recent_pool) > 1 else recent_pool * 2
    # On the last day of a reporting year every formal escalation of it is resolved, as the
    # seed's were: the two open then are still informal, in no year's figures yet.
    year_over = today == year_end(year_start(today))
    # Open, raised 2 working days ago: the response is not yet due.
    builder.add(
        child=recent,
        iro=iro_for(recent),
        raised_on=subtract_working_days(today, 2),
        path=(Stage.INFORMAL,) if year_over else (Stage.STAGE_1,),
        close=False,
    )
    # Open at stage 2 (or informal) with no response after more than 5 working days: overdue.
    builder.add(
        child=late,
        iro=iro_for(late),
        raised_on=subtract_working_days(today, 16),
        path=(Stage.INFORMAL,) if year_over else (Stage.STAGE_1, Stage.STAGE_2),
        close=False,
    )
    return builder.save()
