"""The escalations panel on the child's page, and an escalation's response in words."""

from typing import Any

from django import template
from django.utils import timezone

from core.dates import long_date
from escalations import access, selectors
from escalations.models import Escalation

register = template.Library()


@register.inclusion_tag("escalations/includes/child_escalations.html")
def child_escalations_panel(child: Any, user: Any) -> dict[str, Any]:
    """A child's escalations (one query), each open one's response overdue or not, and a link."""
    if not access.can_act(user):
        return {"show": False}
    today = timezone.localdate()
    return {
        "show": True,
        "child": child,
        "escalations": [(e, e.is_overdue_on(today)) for e in selectors.child_escalations(child.pk)],
        "can_raise": access.can_raise(user),
    }


@register.filter
def response_in_words(escalation: Escalation) -> str:
    """Where the response to the current stage stands today, as a phrase."""
    if escalation.responded_on:
        return f"response received {long_date(escalation.responded_on)}"
    due = f"response due {long_date(escalation.response_due)}"
    return f"{due} (response overdue)" if escalation.is_overdue_on(timezone.localdate()) else due
