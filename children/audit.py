"""Writing the audit trail of children's records (UK GDPR art. 9 special category data)."""

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from children.models import AuditEvent, Child
from iro_service.models import User


def audit_record(
    *,
    user: User | AnonymousUser | None,
    action: str,
    child: Child | None,
    allowed: bool = True,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Write one audit row; call inside the transaction of the change it records."""
    actor = user if isinstance(user, User) and user.is_authenticated else None
    return AuditEvent.objects.create(
        user=actor,
        action=action,
        child=child,
        allowed=allowed,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(getattr(obj, "public_id", "")) if obj is not None else "",
        path=request.get_full_path()[:300] if request is not None else "",
        detail=detail or {},
    )
