"""Who may see and change which review: through the child's record, never around it."""

import uuid

from django.http import Http404, HttpRequest

from children import access as child_access
from children.audit import audit_record
from iro_service.models import User
from reviews.models import Decision, Review


def review_for(
    user: User, public_id: uuid.UUID, *, action: str, request: HttpRequest | None = None
) -> Review:
    """The review `user` may act on, audited with its child; 404 if the child is not theirs."""
    review = (
        Review.objects.select_related("child", "period", "iro")
        .filter(public_id=public_id, child__in=child_access.children_visible_to(user))
        .first()
    )
    if review is None:
        existing = Review.objects.select_related("child").filter(public_id=public_id).first()
        if existing is not None:
            audit_record(
                user=user,
                action=action,
                child=existing.child,
                allowed=False,
                obj=existing,
                request=request,
            )
        raise Http404("No review found")
    if not action.endswith(".view") and not child_access.can_change(user):
        audit_record(
            user=user, action=action, child=review.child, allowed=False, obj=review, request=request
        )
        raise Http404("No review found")
    if action.endswith(".view"):
        audit_record(user=user, action=action, child=review.child, obj=review, request=request)
    return review


def decision_for(
    user: User, public_id: uuid.UUID, *, request: HttpRequest | None = None
) -> Decision:
    """A review decision `user` may update, by way of its review's access."""
    decision = (
        Decision.objects.filter(public_id=public_id)
        .values_list("review__public_id", flat=True)
        .first()
    )
    if decision is None:
        raise Http404("No decision found")
    review = review_for(user, decision, action="decision.update", request=request)
    return review.decisions.get(public_id=public_id)
