"""Role checks that leave a trace: a refusal is audited before the 403, like every other."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from audit.models import Action, Kind
from audit.writer import record

View = Callable[..., HttpResponse]


def refuse(request: HttpRequest, *, action: Action = Action.PAGE_OPEN, **detail: Any) -> None:
    """Audit a refused attempt at this page, then answer 403."""
    match = request.resolver_match
    record(
        user=request.user,
        kind=Kind.REFUSAL,
        action=action,
        request=request,
        detail={"url_name": match.view_name if match else "", **detail},
    )
    raise PermissionDenied


def role_required(*perms: str) -> Callable[[View], View]:
    """Let in users whose role holds any of `perms`; audit and refuse (403) everyone else."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_perm(perm) for perm in perms):
                refuse(request, permission=" or ".join(perms))
            return view(request, *args, **kwargs)

        return guarded

    return decorate
