"""Celery tasks of the annual report: thin, each takes ids and calls a service."""

from celery import shared_task

from reporting import services
from reporting.rules import BUILD_TIME_LIMIT


@shared_task(soft_time_limit=BUILD_TIME_LIMIT - 30, time_limit=BUILD_TIME_LIMIT, acks_late=True)
def build_edition(edition_id: int) -> None:
    """Build one queued edition; a second delivery of the same id does nothing (the service
    claims the edition with a conditional UPDATE)."""
    services.edition_build(edition_id=edition_id)
