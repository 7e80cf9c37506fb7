"""The request type of views behind sign-in (LoginRequiredMiddleware): its user is a User."""

from django.http import HttpRequest

from iro_service.models import User


class AuthedHttpRequest(HttpRequest):
    user: User  # type: ignore[assignment]
