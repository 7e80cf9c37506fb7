"""Changes to staff accounts: each one atomic, validated and audited with before and after.

A role decides whose records a person may read, so a new account and a change of role
are audited apart from other edits, and listed for the service managers.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from core.conflicts import lock
from iro_service.models import User


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


@transaction.atomic
def staff_update(
    *,
    by: User,
    member: User,
    version: int,
    details: StaffDetails,
    request: HttpRequest | None = None,
) -> User:
    """Change a member of staff's details or role; nobody changes their own role."""
    locked = lock(member, version=version, what="member of staff")
    old_role = locked.role
    if locked.pk == by.pk and details.role != old_role:
        raise ValidationError({"role": "You cannot change your own role: ask another admin"})
    if locked.pk == by.pk and not details.is_active:
        raise ValidationError({"is_active": "You cannot deactivate your own account"})
    leaving = details.left_on is not None or not details.is_active
    holding = locked.allocations.filter(end_date=None).count()
    if leaving and holding:
        raise ValidationError(
            {
                "left_on": f"{locked.full_name} still holds {holding} "
                f"child{'ren' if holding != 1 else ''}: a service manager must reallocate "
                "them before the account is marked as left"
            }
        )
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
