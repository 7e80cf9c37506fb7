"""The escalations panel on the child's page."""

from typing import Any

from django import template

from escalations import access, selectors

register = template.Library()


@register.inclusion_tag("escalations/includes/child_escalations.html")
def child_escalations_panel(child: Any, user: Any) -> dict[str, Any]:
    """A child's escalations (one query) and, for those allowed, a link to raise one."""
    if not access.can_act(user):
        return {"show": False}
    return {
        "show": True,
        "child": child,
        "escalations": selectors.child_escalations(child.pk),
        "can_raise": access.can_raise(user),
    }
