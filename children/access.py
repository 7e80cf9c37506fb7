"""Who may see and change which child: every read of a child's record goes through here.

A record that exists but is not the user's answers exactly like one that does not exist.
"""

import uuid

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from children.audit import audit_record
from children.models import Allocation, Child, ChildQuerySet, CoverArrangement
from iro_service.models import User

VIEW_ALL = "children.view_all_children"
VIEW_ALLOCATED = "children.view_allocated_children"
ALLOCATE = "children.allocate_iro"
CHANGE = "children.change_child"
ADD = "children.add_child"


def iros_covered_by(user: User) -> "Q":
    """IROs whose caseload `user` covers today, as a filter on an IRO field."""
    today = timezone.localdate()
    cover = CoverArrangement.objects.filter(covering_iro=user, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return Q(pk=user.pk) | Q(pk__in=cover.values("absent_iro"))


def children_visible_to(user: User) -> ChildQuerySet:
    """Children whose records `user` may read: all for managers, their caseload (and cover) for IROs."""
    children = Child.objects.not_archived()
    if not user.is_authenticated or not user.is_active:
        return children.none()
    if user.has_perm(VIEW_ALL):
        return children
    if user.has_perm(VIEW_ALLOCATED):
        iros = User.objects.filter(iros_covered_by(user))
        return children.filter(
            Exists(Allocation.objects.open().filter(child=OuterRef("pk"), iro__in=iros))
        )
    return children.none()


def child_for(
    user: User, public_id: uuid.UUID, *, action: str, request: HttpRequest | None = None
) -> Child:
    """The child `user` may act on, audited; 404 (and a denied audit row) if not theirs."""
    child = children_visible_to(user).filter(public_id=public_id).first()
    if child is None:
        existing = Child.objects.filter(public_id=public_id).first()
        if existing is not None:
            audit_record(user=user, action=action, child=existing, allowed=False, request=request)
        raise Http404("No child found")
    if action.endswith(".view"):
        audit_record(user=user, action=action, child=child, request=request)
    return child


def changeable_child_for(
    user: User, public_id: uuid.UUID, *, action: str, request: HttpRequest | None = None
) -> Child:
    """The child whose records `user` may change; 404 (audited) for anyone else."""
    child = child_for(user, public_id, action=action, request=request)
    if not can_change(user):
        audit_record(user=user, action=action, child=child, allowed=False, request=request)
        raise Http404("No child found")
    return child


def can_change(user: User) -> bool:
    """Whether `user`'s role may change the records of children visible to them."""
    return user.has_perm(CHANGE)


def can_allocate(user: User) -> bool:
    return user.has_perm(ALLOCATE)
