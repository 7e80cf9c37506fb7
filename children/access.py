"""Who may see and change which child, and the one gate every child-linked record passes.

A record that exists but is not the user's answers exactly like one that does not exist
(404), and the refusal is audited; every page that shows a child's record audits the read.
"""

import uuid
from typing import TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import record
from children.models import Allocation, Child, ChildQuerySet, CoverArrangement
from iro_service.models import User

VIEW_ALL = "children.view_all_children"
VIEW_ALLOCATED = "children.view_allocated_children"
ALLOCATE = "children.allocate_iro"
CHANGE = "children.change_child"
ADD = "children.add_child"

RecordT = TypeVar("RecordT", bound=models.Model)


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
        # The IROs' keys as a list, not a subquery: the planner then reads just their open
        # allocations by index (iro, end_date) instead of scanning every child's (issue 9).
        iros = list(User.objects.filter(iros_covered_by(user)).values_list("pk", flat=True))
        return children.filter(
            Exists(Allocation.objects.open().filter(child=OuterRef("pk"), iro_id__in=iros))
        )
    return children.none()


def _child_of(obj: models.Model, child_field: str) -> Child:
    child = obj
    for part in filter(None, child_field.split("__")):
        child = getattr(child, part)
    assert isinstance(child, Child)
    return child


def record_for(
    user: User,
    records: "models.QuerySet[RecordT]",
    public_id: uuid.UUID,
    *,
    action: Action,
    request: HttpRequest | None = None,
    child_field: str = "child",
    perm: str | None = None,
) -> RecordT:
    """The child-linked record `user` may act on, its read audited; 404 and a refusal if not.

    `child_field` is the path from the record to its child ("" for a child itself); `perm`
    is a permission the user's role must also hold (to change, say).
    """
    lookup = f"{child_field}__in" if child_field else "pk__in"
    found = (records.select_related(child_field) if child_field else records).filter(
        public_id=public_id
    )
    obj = found.filter(**{lookup: children_visible_to(user)}).first()
    if obj is not None and (perm is None or user.has_perm(perm)):
        record(
            user=user,
            kind=Kind.READ,
            action=action,
            child=_child_of(obj, child_field),
            obj=obj,
            request=request,
        )
        return obj
    existing = obj or found.first()
    if existing is not None:
        record(
            user=user,
            kind=Kind.REFUSAL,
            action=action,
            child=_child_of(existing, child_field),
            obj=existing,
            request=request,
            detail={"permission": perm} if obj is not None else {},
        )
    raise Http404(f"No {records.model._meta.verbose_name} found")


def child_for(
    user: User,
    public_id: uuid.UUID,
    *,
    action: Action,
    request: HttpRequest | None = None,
    perm: str | None = None,
) -> Child:
    """The child `user` may act on, audited; 404 (and a refusal row) if not theirs."""
    return record_for(
        user,
        Child.objects.all(),
        public_id,
        action=action,
        request=request,
        child_field="",
        perm=perm,
    )


def changeable_child_for(
    user: User, public_id: uuid.UUID, *, action: Action, request: HttpRequest | None = None
) -> Child:
    """The child whose records `user` may change; 404 (audited) for anyone else."""
    return child_for(user, public_id, action=action, request=request, perm=CHANGE)


def can_change(user: User) -> bool:
    """Whether `user`'s role may change the records of children visible to them."""
    return user.has_perm(CHANGE)


def can_allocate(user: User) -> bool:
    """Whether `user`'s role may allocate IROs, arrange cover and manage the IV register."""
    return user.has_perm(ALLOCATE)
