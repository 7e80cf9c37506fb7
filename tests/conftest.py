"""Shared personas: Ivy and Ian are IROs, Mona a service manager, Ada an admin.

Every test runs on a fixed clock (a Monday, 9am) unless it travels elsewhere itself, so no
test depends on the day it runs: none fails on 29 February or at a month's end.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from children.models import Child
from iro_service.models import User
from tests import factories

FIXED_NOW = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("time_machine"):
        yield  # the test's own time_machine mark sets the clock
        return
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing cached: a figure cached by one test is not another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def ivy(db: None) -> User:
    """An IRO with a caseload."""
    return factories.IroFactory(full_name="Ivy Reviewer", email="ivy@council.example")


@pytest.fixture
def ian(db: None) -> User:
    """A second IRO, with their own caseload."""
    return factories.IroFactory(full_name="Ian Other", email="ian@council.example")


@pytest.fixture
def mona(db: None) -> User:
    """A service manager."""
    return factories.ManagerFactory(full_name="Mona Manager", email="mona@council.example")


@pytest.fixture
def ada(db: None) -> User:
    """An admin (business support)."""
    return factories.AdminFactory(full_name="Ada Admin", email="ada@council.example")


@pytest.fixture
def ivys_child(ivy: User) -> Child:
    return factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own")


@pytest.fixture
def ians_child(ian: User) -> Child:
    return factories.looked_after_child(iro=ian, first_name="Bob", last_name="Foreign")


@pytest.fixture
def start_celery_worker() -> Iterator:
    """Start a real Celery worker on Redis in this process when the test calls it; stopped at
    the test's end. Tests that use it need committed data: django_db(transaction=True)."""
    from celery.contrib.testing.worker import start_worker

    from iro_service.celery import app

    app.conf.task_always_eager = False
    running: list = []

    def start() -> None:
        context = start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)
        context.__enter__()
        running.append(context)

    yield start
    for context in running:
        context.__exit__(None, None, None)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


SLOW_FIRST = ("tests/test_migrations.py", "tests/e2e/", "tests/test_settings.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Hand out the slowest tests first, so both workers finish at about the same time."""
    items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))
