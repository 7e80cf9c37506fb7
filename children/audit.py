"""Writing the audit trail of children's records (UK GDPR art. 9 special category data)."""

from django.db import models
from django.http import HttpRequest

from children.models import AuditEvent, Child


def audit_record(
    *,
    user: models.Model | None,
    action: str,
    child: Child | None,
    allowed: bool = True,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Write one audit row; call inside the transaction of the change it records."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        user=user,
        action=action,
        child=child,
        allowed=allowed,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(getattr(obj, "public_id", "")) if obj is not None else "",
        path=request.get_full_path()[:300] if request is not None else "",
        detail=detail or {},
    )
