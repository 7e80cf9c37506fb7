"""Locust users for the load test: IROs and service managers reading pages, as people do.

Run through bench/load.py, which starts gunicorn and sets the environment:

    LOAD_PASSWORD     the staff password (the demo's, children.demo.DEMO_PASSWORD)
    LOAD_IRO_EMAILS   comma-separated IROs who hold children; each IRO user takes the next
    LOAD_MANAGER_EMAILS  comma-separated service managers (default manager@demo.example)
    LOAD_PAGES_JSON   if set, where to write the figures of the pages alone (no sign-in):
                      all of them, and those after every user has signed in

Each simulated person signs in once through the real sign-in form, then waits 1 to 3 s
between pages. Children to open come from the links on the pages, so locust needs no
database. A request fails on a status of 400 or more, or if it lands on the sign-in page.
"""

import html
import itertools
import json
import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.stats import StatsEntry

SIGN_IN = "/sign-in/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHILD = re.compile(r'href="(/children/[0-9a-f-]{36}/)">([^<]+)</a>')
REVIEW = re.compile(r'href="(/reviews/[0-9a-f-]{36}/)"')
PAGE = re.compile(r"[?&]amp;page=(\d+)|[?&]page=(\d+)")


def _emails(name: str, default: str = "") -> Iterator[str]:
    emails = [e.strip() for e in os.environ.get(name, default).split(",") if e.strip()]
    if not emails:
        raise SystemExit(f"{name} is empty: run the load test through bench/load.py")
    return itertools.cycle(emails)


IRO_EMAILS = _emails("LOAD_IRO_EMAILS")
MANAGER_EMAILS = _emails("LOAD_MANAGER_EMAILS", "manager@demo.example")


@dataclass
class Tally:
    """Every request but the sign-in, as one entry; and again from the moment every
    simulated user has signed in (steady state, past the sign-in rush)."""

    pages: StatsEntry
    steady: StatsEntry
    started: float
    signed_in: int = 0
    steady_from: float | None = None

    def figures(self, entry: StatsEntry, since: float) -> dict[str, float]:
        """Requests a second, counts and percentiles (ms) of `entry` since `since`."""
        last = entry.last_request_timestamp or since
        return {
            "rps": entry.num_requests / max(last - since, 1e-9),
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            **{
                key: entry.get_response_time_percentile(share) if entry.num_requests else 0
                for key, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
            },
        }


TALLY: Tally | None = None


@events.init.add_listener
def _start_tally(environment: Environment, **_: Any) -> None:
    global TALLY
    stats = environment.stats
    TALLY = Tally(StatsEntry(stats, "pages", ""), StatsEntry(stats, "steady", ""), time.time())


@events.test_start.add_listener
def _test_start(**_: Any) -> None:
    if TALLY:
        TALLY.started = time.time()


@events.request.add_listener
def _log_page(
    name: str, response_time: float, response_length: int, exception: Any, **_: Any
) -> None:
    if TALLY is None or name.startswith("sign in"):
        return
    for entry in (TALLY.pages, TALLY.steady) if TALLY.steady_from else (TALLY.pages,):
        entry.log(round(response_time), response_length)
        if exception:
            entry.log_error(exception)


def _signed_in(environment: Environment) -> None:
    """Count one more sign-in done (or refused); the last one starts the steady tally."""
    if TALLY is None or environment.runner is None:
        return
    TALLY.signed_in += 1
    if TALLY.steady_from is None and TALLY.signed_in >= environment.runner.target_user_count:
        TALLY.steady_from = time.time()
        TALLY.steady.reset()


@events.quitting.add_listener
def _write_tally(environment: Environment, **_: Any) -> None:
    path = os.environ.get("LOAD_PAGES_JSON")
    if TALLY is None or not path:
        return
    steady = TALLY.steady_from
    with open(path, "w") as f:
        json.dump(
            {
                "pages": TALLY.figures(TALLY.pages, TALLY.started),
                "steady": TALLY.figures(TALLY.steady, steady) if steady else None,
                "signed_in_after": steady - TALLY.started if steady else None,
            },
            f,
        )


class StaffUser(HttpUser):
    """Someone signed in once, reading pages 1 to 3 s apart (wait_time after each task, and
    self.wait() between the pages of a task that reads several)."""

    abstract = True
    wait_time = between(1, 3)
    emails: Iterator[str]

    def on_start(self) -> None:
        password = os.environ.get("LOAD_PASSWORD")
        if not password:
            raise SystemExit("LOAD_PASSWORD is not set: run the load test through bench/load.py")
        self.email = next(self.emails)
        form = self.client.get(SIGN_IN, name="sign in (form)")
        token = CSRF.search(form.text)
        with self.client.post(
            SIGN_IN,
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": self.email,
                "password": password,
                "next": "",
            },
            name="sign in",
            catch_response=True,
        ) as response:
            if response.ok and SIGN_IN in response.url:
                response.failure(f"sign-in refused for {self.email}")
        _signed_in(self.environment)
        if SIGN_IN in response.url or not response.ok:
            raise StopUser

    def page(self, path: str, name: str) -> str:
        """GET `path`, counted under `name`; the page's HTML ('' on failure)."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.ok and SIGN_IN in response.url:
                response.failure("sent to the sign-in page")
                return ""
        return response.text if response.ok else ""


class IRO(StaffUser):
    """An IRO: their caseload, one of their children, that child's timeline and a review,
    waiting between each page as between tasks."""

    weight = 7
    emails = IRO_EMAILS

    @task
    def child_from_caseload(self) -> None:
        children = CHILD.findall(self.page("/caseload/", "/caseload/"))
        if not children:
            return
        child = random.choice(children)[0]
        self.wait()
        detail = self.page(child, "/children/[id]/")
        self.wait()
        self.page(f"{child}timeline/", "/children/[id]/timeline/")
        reviews = REVIEW.findall(detail)
        if reviews:
            self.wait()
            self.page(random.choice(reviews), "/reviews/[id]/")


class Manager(StaffUser):
    """A service manager: home, the children list and search, the queue, cover, a child."""

    weight = 3
    emails = MANAGER_EMAILS
    last_page = 1
    children: list[tuple[str, str]] = []  # (link, name) from the last list page read

    def on_start(self) -> None:
        super().on_start()
        self.wait()
        first = self.page("/children/", "/children/")
        self.last_page = max((int(a or b) for a, b in PAGE.findall(first)), default=1)
        self.children = CHILD.findall(first)

    @task(2)
    def home(self) -> None:
        self.page("/", "/ (manager home)")

    @task(3)
    def children_list(self) -> None:
        page = random.randint(1, self.last_page)
        text = self.page(f"/children/?page={page}", "/children/?page=[n]")
        self.children = CHILD.findall(text) or self.children

    @task(2)
    def search_by_name(self) -> None:
        if self.children:
            surname = html.unescape(random.choice(self.children)[1]).split()[-1]
            self.page(f"/children/?q={quote(surname)}", "/children/?q=[name]")

    @task(2)
    def unallocated(self) -> None:
        self.page("/unallocated/", "/unallocated/")

    @task(1)
    def cover(self) -> None:
        """The IROs and their cover: the staff list itself is the admin's, not a manager's."""
        self.page("/cover/", "/cover/")

    @task(3)
    def child(self) -> None:
        if self.children:
            self.page(random.choice(self.children)[0], "/children/[id]/")
