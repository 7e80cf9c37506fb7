"""The reviews and oversight panel on the child's page."""

from typing import Any

from django import template
from django.utils import timezone

from children import access
from reviews import selectors

register = template.Library()


@register.inclusion_tag("reviews/includes/child_reviews.html")
def child_reviews_panel(child: Any, user: Any) -> dict[str, Any]:
    """The next review due and why, the child's reviews, RAG history and oversight."""
    today = timezone.localdate()
    reviews = selectors.reviews_for(child)
    next_due = selectors.next_review_for(child, reviews=reviews)
    in_hand = next((r for r in reviews if r.is_open and r.period.end_date is None), None)
    return {
        "child": child,
        "next_due": next_due,
        "reviews": reviews,
        "in_hand": in_hand,
        "can_schedule": next_due is not None and in_hand is None,
        "oversight": selectors.oversight_summary(child, today=today),
        "can_change": access.can_change(user),
        "today": today,
    }
