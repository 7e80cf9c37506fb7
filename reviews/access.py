"""Who may see and change which review: through the child's record, by the one gate."""

import uuid

from django.http import HttpRequest

from audit.models import Action
from children import access as child_access
from iro_service.models import User
from reviews.models import Decision, Review


def review_for(
    user: User,
    public_id: uuid.UUID,
    *,
    action: Action,
    request: HttpRequest | None = None,
    change: bool,
) -> Review:
    """The review `user` may see (or, with `change`, change); 404 if the child is not theirs."""
    return child_access.record_for(
        user,
        Review.objects.select_related("period", "iro"),
        public_id,
        action=action,
        request=request,
        perm=child_access.CHANGE if change else None,
    )


def decision_for(
    user: User, public_id: uuid.UUID, *, request: HttpRequest | None = None
) -> Decision:
    """A review decision `user` may update, through its review's child."""
    return child_access.record_for(
        user,
        Decision.objects.select_related("review"),
        public_id,
        action=Action.DECISION_UPDATE,
        request=request,
        child_field="review__child",
        perm=child_access.CHANGE,
    )
