"""Celery tasks of the 903 import: thin, each takes ids and calls a service."""

from celery import shared_task

from ssda903 import services

IMPORT_TIME_LIMIT = 30 * 60


@shared_task(soft_time_limit=IMPORT_TIME_LIMIT - 30, time_limit=IMPORT_TIME_LIMIT, acks_late=True)
def run_import(import_id: int) -> None:
    """Run one queued import; a second delivery of the same id does nothing."""
    services.import_run(import_id=import_id)
