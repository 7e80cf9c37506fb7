"""With Redis stopped, or accepting connections and never answering, every page and every save
still works within a second: a task that cannot be published after a commit is logged, and the
periodic scan queues it again later (reporting.services.editions_requeue)."""

import importlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from kombu.exceptions import OperationalError

from core import queue
from core.queue import queue_on_commit
from iro_service.celery import app
from reporting import services
from reporting.models import Edition, EditionStatus
from reporting.tasks import build_edition
from reviews.models import OversightNote, Review
from tests import factories
from tests.conftest import FIXED_NOW, client_for
from tests.reviews.test_review_pages import LATE_BOOKING, date_fields

# The issue allows no hang longer than a second; the rest is the page's own work.
CEILING_SECONDS = 1.5
QUEUE_LOGGER = "core.queue"
# What the publisher reports from each fault.
FAULT_SEEN = {"stopped": "Connection refused", "never_answering": "Timeout"}


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with publishing unpaused, and leaves the pause as it found it."""
    monkeypatch.setattr(queue, "_paused_until", 0.0)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose listener accepts every connection, then neither reads nor answers."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def connection_slots() -> tuple:
    """Where the Celery app keeps its broker pools and result backend once made."""
    return (
        app._pool,
        app.amqp._producer_pool,
        app._backend_cache,
        getattr(app._local, "backend", None),
    )


def set_connection_slots(pool, producers, backend, local_backend) -> None:
    app._pool, app.amqp._producer_pool = pool, producers
    app._backend_cache, app._local.backend = backend, local_backend


@pytest.fixture(params=["stopped", "never_answering"])
def broken_redis(request: pytest.FixtureRequest) -> Iterator[str]:
    """The Celery app's broker and result backend pointed at a broken Redis for one test.

    The pools and the backend are set aside, not reused, so no connection already open to the
    real Redis hides the fault; they are put back, with the settings, afterwards."""
    port = closed_port() if request.param == "stopped" else request.getfixturevalue("silent_port")
    url = f"redis://127.0.0.1:{port}/0"
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved_conf = {key: app.conf[key] for key in keys}
    saved_slots = connection_slots()
    # A process's first publish imports the Redis transport (half a second without bytecode
    # caches): paid once whatever Redis does, so paid before any request is timed.
    importlib.import_module("kombu.transport.redis")
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    set_connection_slots(None, None, None, None)
    yield request.param
    if app.amqp._producer_pool is not None:
        app.amqp._producer_pool.force_close_all()
    app.conf.update(saved_conf)
    set_connection_slots(*saved_slots)


def timed(call: Callable[..., HttpResponse], url: str, *args: object) -> HttpResponse:
    """The response to one request, which must succeed and come back within the ceiling."""
    started = time.monotonic()
    response = call(url, *args)
    elapsed = time.monotonic() - started
    assert response.status_code in (200, 302), f"{url} answered {response.status_code}"
    assert elapsed < CEILING_SECONDS, f"{url} took {elapsed:.2f} s"
    return response


def build_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What core.queue logged about builds it could not queue (other saves queue tasks too)."""
    return [
        r for r in caplog.records if r.name == QUEUE_LOGGER and build_edition.name in r.getMessage()
    ]


def walk(client: Client, urls: list[str]) -> None:
    """Open each page twice, timing the second: a page's first render in a process compiles its
    templates and imports its modules, seconds on a busy machine and nothing to do with Redis."""
    for url in urls:
        assert client.get(url).status_code in (200, 302), url
        timed(client.get, url)


@pytest.mark.django_db(transaction=True)  # the saves commit, so their tasks really publish
def test_every_page_and_save_works_while_redis_is_broken(
    broken_redis: str, ivy, mona, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    caplog.set_level(logging.WARNING, logger=QUEUE_LOGGER)
    child = factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own")
    child_page = reverse("children:detail", args=[child.public_id])

    manager = client_for(mona)
    walk(
        manager,
        [
            reverse("home"),
            reverse("children:list"),
            child_page,
            reverse("escalations:list"),
            reverse("reporting:home"),
            reverse("alerts:list"),
            reverse("alerts:team"),
        ],
    )
    built = timed(manager.post, reverse("reporting:home"), {"year": "2023-24"})
    edition = Edition.objects.get()
    assert built["Location"] == reverse("reporting:edition", args=[edition.public_id])
    walk(
        manager,
        [built["Location"], reverse("reporting:status", args=[edition.public_id])],
    )
    # Saved, and waiting for the scan to queue its build again.
    assert edition.status == EditionStatus.QUEUED
    [warning] = build_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert f"({edition.pk},)" in warning.getMessage()
    assert FAULT_SEEN[broken_redis] in warning.getMessage()  # the broken Redis was asked

    # As a few seconds later, when this process tries Redis again: each save below meets it.
    monkeypatch.setattr(queue, "_paused_until", 0.0)
    iro = client_for(ivy)
    walk(iro, [reverse("home"), reverse("reviews:caseload"), child_page])
    timed(
        iro.post,
        reverse("reviews:oversight_add", args=[child.public_id]),
        {**date_fields("noted_on", date(2024, 6, 1)), "kind": "sw_update", "text": "Spoke to SW"},
    )
    timed(
        iro.post,
        reverse("reviews:schedule", args=[child.public_id]),
        {
            **date_fields("date", date(2024, 6, 10)),
            "start_time": "10:30",
            "format": "in_person",
            **LATE_BOOKING,
        },
    )
    assert OversightNote.objects.filter(child=child, text="Spoke to SW").exists()
    assert Review.objects.filter(child=child, status="scheduled").exists()
    walk(iro, [child_page, reverse("escalations:mine"), reverse("alerts:list")])
    # The saves' rechecks of the child's alerts were not queued either: logged for the scan.
    assert any(
        "alerts.tasks.recheck_alerts" in r.getMessage()
        for r in caplog.records
        if r.name == QUEUE_LOGGER
    )

    # The scan meets the same fault and carries on: the edition stays queued for the next one.
    with time_machine.travel(FIXED_NOW + timedelta(minutes=5), tick=False):
        started = time.monotonic()
        assert services.editions_requeue() == 1
        assert time.monotonic() - started < CEILING_SECONDS
    assert Edition.objects.get().status == EditionStatus.QUEUED
    assert len(build_warnings(caplog)) == 2


@pytest.mark.django_db
def test_editions_still_queued_after_two_minutes_are_queued_again(mona, monkeypatch) -> None:
    queued: list[tuple] = []
    monkeypatch.setattr(services, "queue_on_commit", lambda task, *args: queued.append(args))

    def edition_at(moment: datetime, status: str = EditionStatus.QUEUED) -> Edition:
        with time_machine.travel(moment, tick=False):
            ready = status == EditionStatus.READY
            return Edition.objects.create(
                year="2023-24",
                requested_by=mona,
                status=status,
                figures={} if ready else None,
                finished_at=moment if ready else None,
            )

    forgotten = edition_at(FIXED_NOW - timedelta(minutes=5))
    recent = edition_at(FIXED_NOW - timedelta(minutes=1))  # a worker may yet pick it up
    edition_at(FIXED_NOW - timedelta(minutes=5), EditionStatus.READY)
    edition_at(FIXED_NOW - timedelta(hours=2))  # its page already says the build stopped

    assert services.editions_requeue() == 1
    assert queued == [(forgotten.pk,)]

    queued.clear()
    with time_machine.travel(FIXED_NOW + timedelta(minutes=2), tick=False):
        assert services.editions_requeue() == 2
    assert sorted(queued) == sorted([(forgotten.pk,), (recent.pk,)])


class StubTask:
    """A task whose publishing fails as it does with Redis down, or runs it in eager mode."""

    name = "tests.stub_task"

    def __init__(self, *, eager: bool = False) -> None:
        self.app = SimpleNamespace(conf=SimpleNamespace(task_always_eager=eager))
        self.calls: list[tuple] = []

    def apply_async(self, args: tuple, kwargs: dict, **options: object) -> None:
        self.calls.append(args)
        if not self.app.conf.task_always_eager:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.mark.django_db
def test_a_task_that_cannot_be_published_is_logged_and_the_request_goes_on(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks
) -> None:
    caplog.set_level(logging.WARNING, logger=QUEUE_LOGGER)
    task = StubTask()

    with django_capture_on_commit_callbacks(execute=True):
        queue_on_commit(task, 42, year="2023-24")

    assert task.calls == [(42,)]
    [warning] = [r for r in caplog.records if r.name == QUEUE_LOGGER]
    assert warning.levelno == logging.WARNING
    message = warning.getMessage()
    assert "tests.stub_task" in message
    assert "(42,)" in message
    assert "'year': '2023-24'" in message
    assert "OperationalError" in message


@pytest.mark.django_db
def test_an_eager_task_runs_when_the_transaction_commits(django_capture_on_commit_callbacks):
    task = StubTask(eager=True)

    with django_capture_on_commit_callbacks(execute=True):
        queue_on_commit(task, 42)
        assert task.calls == []

    assert task.calls == [(42,)]


@pytest.mark.django_db
def test_an_eager_task_that_fails_after_the_commit_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks
) -> None:
    class Failing(StubTask):
        def apply_async(self, args: tuple, kwargs: dict, **options: object) -> None:
            raise ZeroDivisionError("a bug in the task")

    with django_capture_on_commit_callbacks(execute=True):
        queue_on_commit(Failing(eager=True), 42)

    [error] = [r for r in caplog.records if r.name == QUEUE_LOGGER]
    assert error.levelno == logging.ERROR
    assert error.exc_info is not None


@pytest.mark.django_db
def test_after_a_failure_the_next_tasks_are_not_tried_for_a_few_seconds(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks
) -> None:
    caplog.set_level(logging.WARNING, logger=QUEUE_LOGGER)
    task = StubTask()

    with django_capture_on_commit_callbacks(execute=True):
        for child_id in (1, 2, 3):
            queue_on_commit(task, [child_id])

    assert task.calls == [([1],)]  # a request queuing three tasks waits on Redis once
    warnings = [r.getMessage() for r in caplog.records if r.name == QUEUE_LOGGER]
    assert [("([1],)" in m, "([2],)" in m, "([3],)" in m) for m in warnings] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    assert queue._paused_until - time.monotonic() > queue.PAUSE_AFTER_FAILURE_SECONDS - 1

    queue._paused_until = time.monotonic() - 1  # the pause is over
    with django_capture_on_commit_callbacks(execute=True):
        queue_on_commit(task, [4])
    assert task.calls == [([1],), ([4],)]
