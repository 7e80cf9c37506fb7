"""Reads about staff: who holds which role, and every widening of access."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from audit.models import Action, AuditEvent
from children.models import Allocation
from iro_service.models import Role, User, UserQuerySet

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


def staff_filtered(*, q: str = "", role: Role | None = None) -> UserQuerySet:
    """Staff whose name or email holds every word of `q`, with `role` if given; active first."""
    staff = User.objects.all()
    for word in q.split():
        staff = staff.filter(Q(full_name__icontains=word) | Q(email__icontains=word))
    if role is not None:
        staff = staff.with_role(role)
    return staff.order_by("-is_active", "full_name", "pk")


def staff_page(staff: UserQuerySet, *, number: str | None, per_page: int) -> Page:
    """One page of an ordered staff list, each member with their roles and `caseload`.

    The page is cut from the keys first, and only its rows get their roles and caseload:
    the children each holds now, counted from the index (iro, end_date) over open
    allocations only, so the cost follows the page, not every allocation ever made.
    """
    keys = Paginator(staff.values_list("pk", flat=True), per_page).get_page(number)
    held = (
        Allocation.objects.open()
        .filter(iro=OuterRef("pk"))
        .order_by()
        .values("iro")
        .annotate(n=Count("iro"))
        .values("n")
    )
    rows = (
        User.objects.filter(pk__in=list(keys))
        .prefetch_related("groups")
        .annotate(caseload=Coalesce(Subquery(held), 0))
        .in_bulk()
    )
    return Page([rows[key] for key in keys], keys.number, keys.paginator)
