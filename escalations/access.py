"""Who may see and act on which escalation: every escalation fetch goes through here.

An escalation is reachable through its child: IROs act on those of children visible to
them (their caseload and cover), managers on all. Not yours answers like does not exist.
"""

import uuid

from django.http import Http404, HttpRequest

from children.access import children_visible_to
from children.audit import audit_record
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
    user: User, public_id: uuid.UUID, *, action: str, request: HttpRequest | None = None
) -> Escalation:
    """The escalation `user` may act on, audited through its child; 404 if not theirs."""
    escalation = (
        escalations_visible_to(user)
        .select_related("child", "raised_by", "review")
        .filter(public_id=public_id)
        .first()
    )
    if escalation is None:
        existing = Escalation.objects.select_related("child").filter(public_id=public_id).first()
        if existing is not None:
            audit_record(
                user=user,
                action=action,
                child=existing.child,
                obj=existing,
                allowed=False,
                request=request,
            )
        raise Http404("No escalation found")
    if action.endswith(".view"):
        audit_record(
            user=user, action=action, child=escalation.child, obj=escalation, request=request
        )
    return escalation


def can_raise(user: User) -> bool:
    """Whether `user`'s role may raise escalations for children visible to them."""
    return user.has_perm(ADD)


def can_act(user: User) -> bool:
    """Whether `user`'s role may respond to, move, close and reopen escalations."""
    return user.has_perm(CHANGE)
