"""Changes to staff accounts: each one atomic, validated and audited with before and after.

A role decides whose records a person may read, so a new account and a change of role
are audited apart from other edits, and listed for the service managers.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit.models import Action, Kind
from audit.writer import changes_between, record, record_reads, snapshot
from core.conflicts import lock
from iro_service.models import Role, User

if TYPE_CHECKING:
    from children.models import Allocation

VIEW_ALL_CHILDREN = "children.view_all_children"


@dataclass(frozen=True)
class StaffDetails:
    full_name: str
    email: str
    job_title: str
    fte: Decimal | None
    role: str
    is_active: bool = True
    left_on: date | None = None


def _apply(member: User, details: StaffDetails) -> None:
    member.full_name = details.full_name
    member.email = details.email
    member.job_title = details.job_title
    member.fte = details.fte
    member.is_active = details.is_active
    member.left_on = details.left_on


def _set_role(member: User, role: str) -> None:
    member.groups.set([Group.objects.get(name=role)])
    member._audit_role = None  # type: ignore[attr-defined]


@transaction.atomic
def staff_add(*, by: User, details: StaffDetails, request: HttpRequest | None = None) -> User:
    """Add a member of staff with a role; they sign in once a password is set for them."""
    member = User(version=1)
    _apply(member, details)
    member.set_unusable_password()
    member.full_clean(exclude=["password"])
    member.save()
    _set_role(member, details.role)
    record(
        user=by,
        kind=Kind.CHANGE,
        action=Action.STAFF_CREATE,
        obj=member,
        request=request,
        changes={
            "role": {"before": None, "after": details.role},
            "email": {"before": None, "after": member.email},
        },
    )
    return member


class _StillHoldingError(Exception):
    """The member still holds children, so cannot leave or stop being an IRO yet."""

    def __init__(self, field: str, held: "list[Allocation]") -> None:
        super().__init__(field)
        self.field, self.held = field, held


def staff_update(
    *,
    by: User,
    member: User,
    version: int,
    details: StaffDetails,
    request: HttpRequest | None = None,
) -> User:
    """Change a member of staff's details or role; nobody changes their own role.

    An IRO who still holds children is not marked as left, deactivated or given another
    role: the refusal says what `by` may know of those children (see _still_holds).
    """
    try:
        return _staff_update(
            by=by, member=member, version=version, details=details, request=request
        )
    except _StillHoldingError as refusal:
        # Outside the refused transaction, so the reads of the children it names are kept.
        message = _still_holds(by=by, member=member, held=refusal.held, request=request)
        raise ValidationError({refusal.field: message}) from None


@transaction.atomic
def _staff_update(
    *,
    by: User,
    member: User,
    version: int,
    details: StaffDetails,
    request: HttpRequest | None,
) -> User:
    locked = lock(member, version=version, what="member of staff")
    old_role = locked.role
    if locked.pk == by.pk and details.role != old_role:
        raise ValidationError({"role": "You cannot change your own role: ask another admin"})
    if locked.pk == by.pk and not details.is_active:
        raise ValidationError({"is_active": "You cannot deactivate your own account"})
    leaving = details.left_on is not None or not details.is_active
    no_longer_iro = old_role == Role.IRO.value and details.role != Role.IRO.value
    if leaving or no_longer_iro:
        held = list(
            locked.allocations.filter(end_date=None)
            .select_related("child")
            .order_by("child__last_name", "child__first_name", "pk")
        )
        if held:
            raise _StillHoldingError("left_on" if leaving else "role", held)
    before = snapshot(locked)
    _apply(locked, details)
    locked.version += 1
    locked.full_clean(exclude=["password"])
    locked.save()
    changes = changes_between(before, locked)
    if changes:
        record(
            user=by,
            kind=Kind.CHANGE,
            action=Action.STAFF_UPDATE,
            obj=locked,
            request=request,
            changes=changes,
        )
    if details.role != old_role:
        _set_role(locked, details.role)
        record(
            user=by,
            kind=Kind.CHANGE,
            action=Action.STAFF_ROLE_CHANGE,
            obj=locked,
            request=request,
            changes={"role": {"before": old_role or None, "after": details.role}},
        )
    return locked


def _still_holds(
    *, by: User, member: User, held: "list[Allocation]", request: HttpRequest | None
) -> str:
    """Why `member` cannot leave or stop being an IRO yet: the children they still hold.

    Someone who may read every child's record (a service manager) is told which children,
    and each child named is a read in the audit trail; anyone else (an admin) is told how
    many, and that a service manager must move them: admins read no child's record.
    """
    count = f"{len(held)} child{'ren' if len(held) != 1 else ''}"
    if not by.has_perm(VIEW_ALL_CHILDREN):
        return (
            f"{member.full_name} still holds {count}: a service manager must reallocate them "
            "before the account is marked as left"
        )
    children = [allocation.child for allocation in held]
    record_reads(user=by, action=Action.STAFF_UPDATE, children=children, request=request)
    names = [f"{child.full_name} ({child.child_ref})" for child in children]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return (
        f"{member.full_name} still holds {count}: {listed}. Reallocate them before the "
        "account is marked as left"
    )
