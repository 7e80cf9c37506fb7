"""Imports of 903 files: asked for, run by a worker (or the command), their outcome recorded."""

import logging
from collections.abc import Iterable
from dataclasses import asdict

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from children.models import Child, Episode, PeriodOfCare
from core.queue import queue_on_commit
from iro_service.models import User
from reviews.models import Review
from reviews.services import period_summary_refresh
from ssda903 import importer
from ssda903.models import Import, ImportFile, ImportStatus

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 60 * 60
REFRESH_EVERY_CHILD_OVER = 2_000


def _progress_key(import_id: int) -> str:
    return f"ssda903:progress:{import_id}"


def progress_of(batch: Import) -> tuple[int, str]:
    """How far a running import is, and what it is doing: written to the cache by the worker,
    since the import's own writes are one transaction no other connection sees until the end."""
    if not batch.in_progress:
        return 100, ImportStatus(batch.status).label
    found = cache.get(_progress_key(batch.pk))
    return found or (0, "Waiting for a worker to start")


def _analyze_imported_tables() -> None:
    """After a bulk load, fresh statistics (PostgreSQL's advice): planned on the figures from
    before the import, the next queries over the new rows took seconds where they take ms."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (Child, PeriodOfCare, Episode, Review)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def import_request(
    *, by: User, year: int, encoding: str, files: Iterable[tuple[str, bytes]], queue: bool = True
) -> Import:
    """Keep the uploaded files with a new import and queue it for a worker (unless the caller
    runs it itself: the import_903 command)."""
    with transaction.atomic():
        batch = Import.objects.create(year=year, encoding=encoding, started_by=by)
        ImportFile.objects.bulk_create(
            [ImportFile(batch=batch, name=name, content=data) for name, data in files]
        )
        if queue:
            from ssda903.tasks import run_import

            queue_on_commit(run_import, batch.pk)
    return batch


def import_run(*, import_id: int) -> Import | None:
    """Run a queued import: every record in, or none and the problems kept. A second delivery
    of the same id does nothing (the import is claimed with a conditional UPDATE)."""
    claimed = Import.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if not claimed:
        return None
    batch = Import.objects.select_related("started_by").get(pk=import_id)
    files = [(f.name, bytes(f.content)) for f in batch.uploads.order_by("pk")]

    def progress(percent: int, step: str) -> None:
        cache.set(_progress_key(import_id), (percent, step), PROGRESS_SECONDS)

    try:
        outcome = importer.import_files(batch, files, progress=progress)
    except Exception as exc:
        logger.exception("903 import %s failed", import_id)
        Import.objects.filter(pk=import_id).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            failure=f"The import stopped: {type(exc).__name__}. Nothing was imported.",
        )
        raise
    if outcome.imported:
        progress(95, "Working out each child's next review")
        # Thousands of ids in one IN list plan far worse than the pass over every child (50 s
        # against 1 s at 24,000 children): a big import refreshes every child.
        many = len(outcome.child_ids) > REFRESH_EVERY_CHILD_OVER
        if many:
            _analyze_imported_tables()
        period_summary_refresh(child_ids=None if many else outcome.child_ids)
        Import.objects.filter(pk=import_id).update(status=ImportStatus.DONE)
    else:
        Import.objects.filter(pk=import_id).update(
            status=ImportStatus.REFUSED,
            finished_at=timezone.now(),
            files=outcome.files,
            problems=[asdict(p) for p in outcome.problems],
        )
    cache.delete(_progress_key(import_id))
    batch.refresh_from_db()
    return batch
