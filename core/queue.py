"""Queue a Celery task when the transaction that asked for it commits, and never let a broker
that is down undo the request that committed.

With Redis stopped, or accepting connections but never answering, publishing fails within the
socket timeouts of the Celery settings; the failure is logged here and swallowed, so the save
the user made still ends in its usual page. Nothing here tries again: whoever queues through
this module must make sure the periodic scan finds and queues again what was never published
(as reporting.services.editions_requeue does for editions still waiting for a worker).
"""

import logging
import time
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# After a publish fails, this process attempts none for a few seconds: a request that queues
# several tasks (one per audited change) waits on a broken Redis once, not once for each.
PAUSE_AFTER_FAILURE_SECONDS = 5.0
_paused_until = 0.0  # time.monotonic()


def queue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Publish `task` with these ids once the transaction commits; a failure is only logged."""
    transaction.on_commit(lambda: _publish(task, args, kwargs))


def _publish(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    global _paused_until
    if task.app.conf.task_always_eager:
        # Nothing is published: the task runs here (make run). Its save has committed, so a
        # task that fails is logged with its traceback, never a 500 for a saved change.
        try:
            task.apply_async(args, kwargs)
        except Exception:
            logger.exception("%s with args %r, kwargs %r failed", task.name, args, kwargs)
        return
    if time.monotonic() < _paused_until:
        _not_queued(task, args, kwargs, "a publish failed in the last few seconds")
        return
    try:
        # No caller can read the result of a task queued on commit; ignoring it keeps the
        # request off the result backend, a second connection to Redis that could hang.
        task.apply_async(args, kwargs, ignore_result=True)
    except Exception as error:
        _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
        _not_queued(task, args, kwargs, f"{error.__class__.__name__}: {error}")


def _not_queued(task: Task, args: tuple[Any, ...], kwargs: dict[str, Any], why: str) -> None:
    logger.warning(
        "Could not queue %s with args %r, kwargs %r (%s); the periodic scan queues it again",
        task.name,
        args,
        kwargs,
        why,
    )
