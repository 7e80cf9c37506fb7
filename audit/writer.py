"""The one writer of the audit trail: every read, change and refusal is written here.

Call it inside the transaction of the change it records, so a change and its row stand or
fall together.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from audit.models import Action, AuditEvent, Kind

if TYPE_CHECKING:
    from children.models import Child
    from iro_service.models import User

FREE_TEXT_MIN_LENGTH = 200

ChangeListener = Callable[[AuditEvent], None]
_change_listeners: list[ChangeListener] = []


def after_change(listener: ChangeListener) -> None:
    """Have `listener` called with every change row written, inside the change's transaction.

    Every change to a child's record passes through this writer, so an app that must follow
    changes (the alerts recheck a changed child) listens here rather than to model signals.
    """
    if listener not in _change_listeners:
        _change_listeners.append(listener)


def _actor(user: "User | AnonymousUser | None") -> "User | None":
    return user if user is not None and user.is_authenticated else None  # type: ignore[return-value]


def _role(user: "User | None") -> str:
    if user is None:
        return ""
    cached = getattr(user, "_audit_role", None)
    if cached is None:
        cached = ", ".join(sorted(group.name for group in user.groups.all()))
        user._audit_role = cached  # type: ignore[attr-defined]
    return cached


def _row(
    *,
    user: "User | AnonymousUser | None",
    kind: Kind,
    action: Action,
    child: "Child | None",
    obj: models.Model | None,
    request: HttpRequest | None,
    changes: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
    page_view: uuid.UUID | None = None,
) -> AuditEvent:
    actor = _actor(user)
    return AuditEvent(
        user=actor,
        role=_role(actor),
        kind=kind,
        action=action,
        child=child,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(getattr(obj, "public_id", "")) if obj is not None else "",
        method=request.method or "" if request is not None else "",
        path=request.path[:300] if request is not None else "",
        page_view=page_view,
        changes=dict(changes or {}),
        detail=dict(detail or {}),
    )


def record(
    *,
    user: "User | AnonymousUser | None",
    kind: Kind,
    action: Action,
    child: "Child | None" = None,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    changes: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row: who, in what role, did what to which record, from which page."""
    row = _row(
        user=user,
        kind=kind,
        action=action,
        child=child,
        obj=obj,
        request=request,
        changes=changes,
        detail=detail,
    )
    row.save()
    if kind == Kind.CHANGE:
        for listener in _change_listeners:
            listener(row)
    return row


def record_reads(
    *,
    user: "User | AnonymousUser | None",
    action: Action,
    children: Iterable["Child"],
    request: HttpRequest | None = None,
) -> uuid.UUID:
    """Write one read row per child a page showed, sharing one page-view id, in one query."""
    page_view = uuid.uuid4()
    rows = [
        _row(
            user=user,
            kind=Kind.READ,
            action=action,
            child=child,
            obj=None,
            request=request,
            page_view=page_view,
        )
        for child in children
    ]
    AuditEvent.objects.bulk_create(rows)
    return page_view


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value: dates as ISO text, records by their public id."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(str(item) for item in value)
    return value


def _is_free_text(field: models.Field) -> bool:
    return isinstance(field, models.TextField) or (
        isinstance(field, models.CharField)
        and not field.choices
        and (field.max_length or 0) >= FREE_TEXT_MIN_LENGTH
    )


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The values of a record's own fields, to compare with after a change."""
    return {field.name: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _public(field: models.Field, pk: Any) -> Any:
    """A related record named by its public id (or its text), never its integer key."""
    if pk is None:
        return None
    related = field.related_model._default_manager.filter(pk=pk).first()  # type: ignore[union-attr]
    return str(getattr(related, "public_id", related)) if related is not None else None


IGNORED = {
    "id",
    "version",
    "created_at",
    "created_by",
    "modified_at",
    "modified_by",
    "password",
    "last_login",
}


def changes_between(before: Mapping[str, Any], after: models.Model) -> dict[str, Any]:
    """Changed fields with before and after values; free text is marked changed, never copied."""
    result: dict[str, Any] = {}
    now = snapshot(after)
    for field in after._meta.concrete_fields:
        name = field.name
        if name in IGNORED or before.get(name) == now.get(name):
            continue
        if _is_free_text(field):
            result[name] = {"changed": True}
        elif isinstance(field, models.ForeignKey):
            result[name] = {
                "before": _public(field, before.get(name)),
                "after": _public(field, now.get(name)),
            }
        else:
            result[name] = {"before": _plain(before.get(name)), "after": _plain(now.get(name))}
    return result
