"""Sessions that end (OWASP ASVS 3.3): signed out after 30 minutes without a request, and 12 hours
after signing in whatever the activity. The session itself is ended on the server (flushed),
not only forgotten by the browser; the next page asks to sign in again and comes back after.

The time of the last request is written to the session at most once a minute, so a busy page
costs no extra write."""

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
WRITE_EVERY = timedelta(minutes=1)


def _limits() -> tuple[timedelta, timedelta]:
    return (
        timedelta(minutes=settings.SESSION_IDLE_MINUTES),
        timedelta(hours=settings.SESSION_ABSOLUTE_HOURS),
    )


def expired(session: dict, now_ts: float) -> bool:
    """Whether a session's idle or absolute limit has passed (timestamps in seconds)."""
    idle, absolute = _limits()
    signed_in = session.get(SIGNED_IN_AT, now_ts)
    last_seen = session.get(LAST_SEEN, signed_in)
    return (
        now_ts - last_seen > idle.total_seconds() or now_ts - signed_in > absolute.total_seconds()
    )


@receiver(user_logged_in)
def _start_the_clock(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """Signing in starts both limits (the session key is new: django.contrib.auth.login)."""
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            session.setdefault(SIGNED_IN_AT, now)
            if expired(session, now):
                logout(request)  # flushes the session on the server
                query = urlencode({"next": request.get_full_path(), "timed_out": "1"})
                return HttpResponseRedirect(f"{reverse('login')}?{query}")
            if now - session.get(LAST_SEEN, 0) >= WRITE_EVERY.total_seconds():
                session[LAST_SEEN] = now
        return self.get_response(request)
