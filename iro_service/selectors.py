"""Reads about staff: who holds which role, and every widening of access."""

from dataclasses import dataclass
from datetime import datetime

from audit.models import Action, AuditEvent
from iro_service.models import User

ACCESS_ACTIONS = (Action.STAFF_CREATE, Action.STAFF_ROLE_CHANGE)


@dataclass(frozen=True)
class AccessChange:
    """A new account or a change of role, with who it was for and who made it."""

    event: AuditEvent
    member: User | None

    @property
    def before(self) -> str | None:
        return self.event.changes.get("role", {}).get("before")

    @property
    def after(self) -> str | None:
        return self.event.changes.get("role", {}).get("after")


def access_changes(*, since: datetime) -> list[AccessChange]:
    """New accounts and role changes since `since`, newest first, in two queries."""
    events = list(
        AuditEvent.objects.filter(action__in=ACCESS_ACTIONS, at__gte=since)
        .select_related("user")
        .order_by("-at")
    )
    ids = {event.object_id for event in events}
    members = {str(user.public_id): user for user in User.objects.filter(public_id__in=ids)}
    return [AccessChange(event, members.get(event.object_id)) for event in events]


def staff_history(member: User) -> list[AuditEvent]:
    """Every audited change to a member of staff's account, newest first."""
    return list(
        AuditEvent.objects.filter(object_type="user", object_id=str(member.public_id))
        .select_related("user")
        .order_by("-at")
    )
