"""Reads of escalations that span relations: the lists, the history and the annual figures."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Subquery

from children.models import Allocation
from escalations import rules
from escalations.access import escalations_visible_to
from escalations.models import AreaOfConcern, Escalation, EscalationEvent, EscalationQuerySet, Stage
from iro_service.models import User


@dataclass(frozen=True)
class EscalationRow:
    """One open escalation in a list, with its timescales worked out for `today`."""

    escalation: Escalation
    working_days_open: int
    formal_working_days: int | None
    response_due: date
    overdue: bool
    overall_due: date | None
    past_overall_due: bool


def escalation_rows(escalations: Iterable[Escalation], *, today: date) -> list[EscalationRow]:
    """The rows of a list of escalations, with no further query."""
    return [
        EscalationRow(
            escalation=e,
            working_days_open=e.working_days_open(today),
            formal_working_days=e.formal_working_days(today),
            response_due=e.response_due,
            overdue=e.is_overdue_on(today),
            overall_due=e.overall_due,
            past_overall_due=e.is_past_overall_due_on(today),
        )
        for e in escalations
    ]


def escalations_filtered(
    escalations: EscalationQuerySet, data: dict[str, Any], *, today: date
) -> EscalationQuerySet:
    """Open escalations after the list's filters (stage, IRO, area, overdue), oldest first."""
    escalations = escalations.open()
    if stage := data.get("stage"):
        escalations = escalations.filter(stage=stage)
    if iro := data.get("raised_by"):
        escalations = escalations.filter(raised_by=iro)
    if area := data.get("area"):
        escalations = escalations.filter(areas__area=area).distinct()
    if data.get("overdue"):
        escalations = escalations.overdue_on(today)
    return (
        escalations.select_related("child", "raised_by")
        .prefetch_related(Prefetch("areas", queryset=AreaOfConcern.objects.order_by("pk")))
        .order_by("stage_started_on", "raised_on", "pk")
    )


def open_escalations_of(user: User) -> EscalationQuerySet:
    """Open escalations of children on `user`'s caseload and cover, with each child's IRO."""
    allocation = (
        Allocation.objects.open().filter(child=OuterRef("child")).order_by("-start_date", "-pk")
    )
    return (
        escalations_visible_to(user)
        .open()
        .select_related("child")
        .prefetch_related(Prefetch("areas", queryset=AreaOfConcern.objects.order_by("pk")))
        .annotate(
            allocated_iro_id=Subquery(allocation.values("iro_id")[:1]),
            allocated_iro_name=Subquery(allocation.values("iro__full_name")[:1]),
        )
        .order_by("stage_started_on", "raised_on", "pk")
    )


def escalation_history(escalation: Escalation) -> list[EscalationEvent]:
    """The escalation's events in order, with who recorded each, in one query."""
    return list(escalation.events.select_related("by").order_by("on", "created_at", "pk"))


def escalation_figures(start: date, end: date) -> dict[str, Any]:
    """Annual report figures for escalations that became formal from `start` to `end` inclusive.

    An escalation raised informally counts in the year it became formal (ADR 0009).
    Resolution levels are those of the year's escalations closed so far, and "closed in
    time" those closed within 20 working days of becoming formal; Cafcass referrals count
    escalations moved to Cafcass within the year.
    """
    year = Escalation.objects.formal_between(start, end)
    totals = year.aggregate(
        raised=Count("pk", distinct=True),
        children=Count("child", distinct=True),
    )
    areas = AreaOfConcern.objects.filter(escalation__in=year)
    by_area = {
        row["area"]: row["n"]
        for row in areas.values("area").annotate(n=Count("pk")).order_by("area")
    }
    resolved = {
        row["resolved_at_stage"]: row["n"]
        for row in year.exclude(resolved_at_stage="")
        .values("resolved_at_stage")
        .annotate(n=Count("pk"))
        .order_by("resolved_at_stage")
    }
    closed_in_time = 0
    for formal_on, closed_on in year.exclude(closed_on=None).values_list("formal_on", "closed_on"):
        if formal_on and closed_on and closed_on <= rules.overall_due(formal_on):
            closed_in_time += 1
    cafcass = EscalationEvent.objects.filter(
        stage=Stage.CAFCASS,
        kind__in=["escalated", "skipped"],
        on__gte=start,
        on__lte=end,
    ).aggregate(n=Count("escalation", distinct=True))["n"]
    return {
        "raised": totals["raised"],
        "children": totals["children"],
        "areas_of_concern": sum(by_area.values()),
        "areas_by_area": by_area,
        "resolved_at": {stage: resolved[stage] for stage in Stage.values if stage in resolved},
        "closed_in_time": closed_in_time,
        "cafcass_referrals": cafcass,
    }


def child_escalations(child_id: int) -> list[Escalation]:
    """A child's escalations, newest first, with their number of areas, in one query."""
    return list(
        Escalation.objects.filter(child_id=child_id)
        .annotate(area_count=Count("areas"))
        .select_related("raised_by")
        .order_by("-raised_on", "-created_at")
    )
