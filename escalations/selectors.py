"""Reads of escalations that span relations: the managers' list and the annual figures."""

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch

from escalations.models import AreaOfConcern, Escalation, EscalationEvent, EscalationQuerySet, Stage


def escalations_filtered(
    escalations: EscalationQuerySet, data: dict[str, Any], *, today: date
) -> EscalationQuerySet:
    """Open escalations after the list's filters (stage, IRO, area, overdue), oldest first."""
    escalations = escalations.open()
    if stage := data.get("stage"):
        escalations = escalations.filter(stage=stage)
    if iro := data.get("iro"):
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


def escalation_history(escalation: Escalation) -> list[EscalationEvent]:
    """The escalation's events in order, with who recorded each, in one query."""
    return list(escalation.events.select_related("by").order_by("on", "created_at", "pk"))


def escalation_figures(start: date, end: date) -> dict[str, Any]:
    """Annual report figures for formal escalations raised from `start` to `end` inclusive.

    Resolution levels are those of the year's escalations closed so far; Cafcass referrals
    count escalations moved to Cafcass within the year.
    """
    year = Escalation.objects.formal().filter(raised_on__gte=start, raised_on__lte=end)
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
