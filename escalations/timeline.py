"""Escalations on the child's timeline: when each was raised and, if so, closed."""

from collections.abc import Iterator

from django.urls import reverse

from children.models import Child
from core.timeline import TimelineEntry, timeline_source
from escalations.models import Escalation


@timeline_source
def escalation_entries(child: Child) -> Iterator[TimelineEntry]:
    """One entry per escalation raised and one per escalation closed, in one query."""
    for escalation in Escalation.objects.filter(child=child).order_by("raised_on", "pk"):
        url = reverse("escalations:detail", args=[escalation.public_id])
        yield TimelineEntry(
            day=escalation.raised_on,
            kind="escalation",
            title="Escalation raised" if escalation.formal else "Informal escalation raised",
            detail=escalation.summary[:200],
            url=url,
            tag=escalation.stage_label if escalation.is_open else "Closed",
            tag_colour="orange" if escalation.is_open else "grey",
            sort_key=(escalation.pk, 0),
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
                sort_key=(escalation.pk, 1),
            )
