"""The scan on real Celery workers over Redis, as production runs it: once from the
timetable, twice in a row, and on two worker processes at the same moment."""

import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from alerts.kinds import AlertKind
from alerts.models import Alert, Scan
from alerts.tasks import scan_alerts
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent.parent
WAIT_SECONDS = 60


def caseload(ivy) -> None:
    """Three children waiting for an IRO and one of Ivy's overdue its first review."""
    for _ in range(3):
        factories.looked_after_child(start=date(2024, 4, 2))
    factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))


def no_two_open_alike() -> None:
    alike = Counter(Alert.objects.open().values_list("kind", "subject_id", "due_on"))
    assert alike
    assert max(alike.values()) == 1


def test_a_worker_on_redis_scans_and_a_second_delivery_raises_nothing(ivy, start_celery_worker):
    caseload(ivy)
    start_celery_worker()
    first = scan_alerts.delay().get(timeout=WAIT_SECONDS)
    second = scan_alerts.delay().get(timeout=WAIT_SECONDS)
    assert first["raised"] == Alert.objects.count() == 7  # 4 overdue reviews, 3 waiting
    assert second == {"raised": 0, "open": 7, "cleared": 0, "editions_requeued": 0}
    assert Scan.objects.count() == 2
    no_two_open_alike()


@pytest.fixture
def two_workers() -> Iterator[str]:
    """Two Celery worker processes on this test database, listening on a queue of their own."""
    queue = f"alerts-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "iro_service.settings.test",
        "DATABASE_URL": (
            f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
            f"{connection.settings_dict['PORT']}/{connection.settings_dict['NAME']}"
        ),
    }
    workers = [
        subprocess.Popen(  # noqa: S603 (a fixed command line of this test)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "iro_service",
                "worker",
                "-P",
                "solo",
                "-Q",
                queue,
                "-n",
                f"{queue}-{number}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for number in (1, 2)
    ]
    try:
        yield queue
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)


def test_two_workers_scanning_at_once_raise_each_alert_once(ivy, two_workers):
    caseload(ivy)
    # The worker processes keep the real clock: the scan is asked for the tests' day.
    results = [
        scan_alerts.apply_async(kwargs={"today": "2024-06-03"}, queue=two_workers) for _ in range(4)
    ]
    outcomes = [result.get(timeout=WAIT_SECONDS) for result in results]
    assert sum(outcome["raised"] for outcome in outcomes) == 7
    assert Alert.objects.count() == 7
    assert Alert.objects.filter(kind=AlertKind.UNALLOCATED).count() == 3
    assert Scan.objects.count() == 4
    no_two_open_alike()
