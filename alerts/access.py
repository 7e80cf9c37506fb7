"""Who may see which alert: the audience of its kind, and for a child's, the access gate."""

import uuid

from django.http import Http404, HttpRequest

from alerts.kinds import KINDS, Audience
from alerts.models import Alert
from audit.models import Action, Kind
from audit.writer import record
from children.access import children_visible_to
from iro_service.models import User

SERVICE_ALERTS = "alerts.view_service_alerts"
IRO_PERM = "children.view_allocated_children"
STAFF_PERM = "iro_service.manage_staff"


def audiences_of(user: User) -> set[Audience]:
    """The audiences `user`'s role belongs to."""
    held = set()
    if user.has_perm(IRO_PERM):
        held.add(Audience.IRO)
    if user.has_perm(SERVICE_ALERTS):
        held.add(Audience.MANAGER)
    if user.has_perm(STAFF_PERM):
        held.add(Audience.ADMIN)
    return held


def may_see(user: User, alert: Alert) -> bool:
    """Whether `user` may see `alert`: theirs by kind, and a child's only through the gate;
    managers also see their team's (the IROs' kinds)."""
    audiences = KINDS[alert.kind].audience
    held = audiences_of(user)
    if Audience.MANAGER in held and (Audience.MANAGER in audiences or Audience.IRO in audiences):
        return True
    if not held & audiences:
        return False
    if alert.child_id is None:
        return True
    return children_visible_to(user).filter(pk=alert.child_id).exists()


def alert_for(user: User, public_id: uuid.UUID, *, request: HttpRequest) -> Alert:
    """The alert `user` may follow, open or cleared; one that is not theirs answers 404 like
    one that does not exist, and the refusal is audited."""
    alert = Alert.objects.select_related("child").filter(public_id=public_id).first()
    if alert is None:
        raise Http404("No such alert")
    if not may_see(user, alert):
        record(
            user=user,
            kind=Kind.REFUSAL,
            action=Action.ALERT_OPEN,
            child=alert.child,
            request=request,
            detail={"alert": str(public_id)},
        )
        raise Http404("No such alert")
    return alert
