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
    return {
        "child": child,
        "next_due": selectors.next_review_for(child),
        "reviews": selectors.reviews_for(child),
        "oversight": selectors.oversight_summary(child, today=today),
        "can_change": access.can_change(user),
        "today": today,
    }
