"""Escalations on the child's timeline: when each was raised, became formal and closed."""

from collections.abc import Iterator

from django.urls import reverse

from children.models import Child
from core.timeline import TimelineEntry, timeline_source
from escalations.models import Escalation


@timeline_source
def escalation_entries(child: Child) -> Iterator[TimelineEntry]:
    """An entry for each raising, later move into the formal stages and closing, in one query."""
    for escalation in Escalation.objects.filter(child=child).order_by("raised_on", "pk"):
        url = reverse("escalations:detail", args=[escalation.public_id])
        yield TimelineEntry(
            day=escalation.raised_on,
            kind="escalation",
            title=(
                "Escalation raised"
                if escalation.formal_on == escalation.raised_on
                else "Informal escalation raised"
            ),
            detail=escalation.summary[:200],
            url=url,
            tag=escalation.stage_label if escalation.is_open else "Closed",
            tag_colour="orange" if escalation.is_open else "grey",
            sort_key=(escalation.pk, 0),
        )
        if escalation.formal_on and escalation.formal_on > escalation.raised_on:
            yield TimelineEntry(
                day=escalation.formal_on,
                kind="escalation",
                title="Escalation became formal",
                detail="Its 20 working days run from this day",
                url=url,
                tag="Formal",
                tag_colour="orange",
                sort_key=(escalation.pk, 1),
            )
        if escalation.closed_on:
            yield TimelineEntry(
                day=escalation.closed_on,
                kind="escalation",
                title="Escalation closed",
                detail=f"Resolved at {escalation.resolved_at_label.lower()}",
                url=url,
                tag="Closed",
                tag_colour="green",
                sort_key=(escalation.pk, 2),
            )
