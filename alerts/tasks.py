"""Celery tasks of the alerts: thin, each takes ids and calls a service.

The beat schedule that runs them is CELERY_BEAT_SCHEDULE in settings, the only one.
"""

from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from alerts import services

SCAN_TIME_LIMIT = 5 * 60


@shared_task(soft_time_limit=SCAN_TIME_LIMIT - 30, time_limit=SCAN_TIME_LIMIT, acks_late=True)
def scan_alerts(today: str | None = None) -> dict[str, int]:
    """Check every child for alerts: raise what is new, clear what is done.

    As on `today` (an ISO date) if given, else today. A second delivery, or two workers at
    once, raises nothing twice.
    """
    from reporting.services import editions_requeue

    day = date.fromisoformat(today) if today else None
    result = services.alerts_scan(today=day, trigger="schedule")
    # Work whose task could not be queued when it was saved is queued again here.
    requeued = editions_requeue()
    return {
        "raised": result.raised,
        "open": result.open,
        "cleared": result.cleared,
        "editions_requeued": requeued,
    }


@shared_task(soft_time_limit=30, time_limit=60)
def recheck_alerts(child_ids: list[int]) -> int:
    """Recheck the alerts of children whose records changed (staff alerts with none given)."""
    return services.alerts_scan(child_ids=child_ids, trigger="change").raised


@shared_task(soft_time_limit=60, time_limit=90)
def send_digests() -> int:
    """Email the daily digest of their alerts to everyone who asked for one."""
    today = timezone.localdate().isoformat()
    recipients = services.digest_recipients(day=date.fromisoformat(today))
    for user_id in recipients:
        send_digest.delay(user_id, today)
    return len(recipients)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def send_digest(user_id: int, day: str) -> bool:
    """Send one user's digest for `day` (ISO date); retried with backoff if the mail server
    fails, never sent twice (the service claims the day's row first)."""
    return services.digest_send(user_id=user_id, day=date.fromisoformat(day)) is not None
