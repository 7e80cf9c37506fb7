"""Who may see and act on which escalation: through its child, by the one gate.

IROs act on the escalations of children visible to them (their caseload and cover),
managers on all. Not yours answers like does not exist.
"""

import uuid

from django.http import HttpRequest

from audit.models import Action
from children.access import children_visible_to, record_for
from escalations.models import Escalation, EscalationQuerySet
from iro_service.models import User

ADD = "escalations.add_escalation"
CHANGE = "escalations.change_escalation"
VIEW_ALL = "escalations.view_all_escalations"


def escalations_visible_to(user: User) -> EscalationQuerySet:
    """Escalations `user` may read and act on: those of children visible to them."""
    if not user.is_authenticated or not user.is_active or not user.has_perm(CHANGE):
        return Escalation.objects.none()
    return Escalation.objects.filter(child__in=children_visible_to(user))


def escalation_for(
    user: User, public_id: uuid.UUID, *, action: Action, request: HttpRequest | None = None
) -> Escalation:
    """The escalation `user` may act on, audited through its child; 404 if not theirs."""
    return record_for(
        user,
        Escalation.objects.select_related("raised_by", "review"),
        public_id,
        action=action,
        request=request,
        perm=CHANGE,
    )


def can_raise(user: User) -> bool:
    """Whether `user`'s role may raise escalations for children visible to them."""
    return user.has_perm(ADD)


def can_act(user: User) -> bool:
    """Whether `user`'s role may respond to, move, close and reopen escalations."""
    return user.has_perm(CHANGE)
