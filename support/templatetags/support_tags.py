"""The in-contact, advocacy and Independent Visitor panel on the child's page."""

from typing import Any

from django import template

from children import access
from support.selectors import support_summary

register = template.Library()


@register.inclusion_tag("support/includes/child_panel.html")
def child_support_panel(child: Any, user: Any) -> dict[str, Any]:
    """The child's in-contact plan, advocacy referrals and Independent Visitor."""
    return {
        "child": child,
        "support": support_summary(child),
        "can_change": access.can_change(user),
    }
