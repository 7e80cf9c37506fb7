"""Browser journeys: Playwright drives Debian's Chromium against a live server."""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SHOTS.mkdir(exist_ok=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Journeys run on a fixed clock that moves on as they run (sessions need time to pass). It
# stands after any real date these tests will meet, so cookies the server dates from it
# never look expired to the browser, which keeps the real time.
JOURNEY_START = datetime(2031, 6, 2, 9, 0, tzinfo=UTC)
# The day every journey runs on (a Monday): tests name it rather than ask the clock.
JOURNEY_DAY = JOURNEY_START.date()


@pytest.fixture(autouse=True)
def journey_clock() -> Iterator[None]:
    with time_machine.travel(JOURNEY_START, tick=True):
        yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
        for item in items:
            if "e2e" in item.nodeid:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def sign_in(page, live_server, email: str, password: str = "correct-horse-battery") -> None:
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
