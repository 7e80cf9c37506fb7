"""The in-contact, advocacy and Independent Visitor panel on the child's page."""

from typing import Any

from django import template

from children import access
from support.selectors import support_summary

register = template.Library()


NOT_GIVEN = object()


@register.inclusion_tag("support/includes/child_panel.html")
def child_support_panel(child: Any, user: Any, period: Any = NOT_GIVEN) -> dict[str, Any]:
    """The child's in-contact plan, advocacy referrals and Independent Visitor.

    `period` is the child's current period of care (None: not looked after), if the page
    has it already; without it the panel looks it up.
    """
    looked_after = None if period is NOT_GIVEN else period is not None
    return {
        "child": child,
        "support": support_summary(child, looked_after=looked_after),
        "can_change": access.can_change(user),
    }
