"""A guard over every URL the app serves, walked with real records, so no page forgets a check.

Every pattern is requested, GET and POST, by people who must not reach it: an anonymous
visitor (sent to sign in), an IRO with records from another IRO's caseload, and an admin
(who reads no case record). Each refusal must be a 403 or 404 and leave a refusal row in
the audit trail. Then every page that shows a child's data is opened by someone entitled
to it, and must leave a read row naming the child.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alerts.kinds import AlertKind
from alerts.models import Alert
from audit.models import AuditEvent, Kind
from children.models import CoverArrangement
from iro_service.models import User
from reporting.models import Complaint, Edition
from reviews.models import Decision
from ssda903.models import Import
from tests import factories
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

TODAY = date(2024, 6, 3)
PUBLIC = {"login", "logout", "health"}
# Pages an IRO may open that hold no other IRO's child: refusing them would be wrong.
OPEN_TO_EVERY_IRO = {
    "home",
    "reviews:caseload",
    "escalations:mine",
    "support:iv_list",
    "dashboards:iro",
}
# Every signed-in person's own alerts: each sees only their own in them.
OPEN_TO_EVERYONE = {"alerts:list", "alerts:read_all", "alerts:settings"}


@dataclass(frozen=True)
class Cast:
    """The people of the walk and the records they reach or must not."""

    ivy: User
    ian: User
    mona: User
    ada: User
    world: dict[str, models.Model]


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    args: tuple[str, ...]

    @property
    def first_segment(self) -> str:
        return self.route.split("/", 1)[0]


def every_route() -> list[Route]:
    """Every named URL pattern, with its route text and argument names."""
    found: dict[str, Route] = {}

    def walk(patterns: list, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                    prefix + str(pattern.pattern),
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                found[name] = Route(
                    name, prefix + str(pattern.pattern), tuple(pattern.pattern.converters)
                )

    walk(get_resolver().url_patterns, "", "")
    return sorted(found.values(), key=lambda route: route.name)


ROUTES = every_route()
GUARDED = [route for route in ROUTES if route.name not in PUBLIC]

# The record each route's <uuid:public_id> names, by the route's first path segment.
OBJECT_FOR_SEGMENT = {
    "children": "child",
    "reviews": "review",
    "decisions": "decision",
    "escalations": "escalation",
    "advocacy": "referral",
    "iv-matches": "match",
    "independent-visitors": "visitor",
    "staff": "member",
    "cover": "cover",
    "alerts": "alert",
    "903": "import",
}
# Where one segment holds several kinds of record, the longer prefix says which.
OBJECT_FOR_PREFIX = {
    "report/editions/": "edition",
    "report/complaints/": "complaint",
    "report/narrative/": "year",
    "alerts/team/": "iro",
    "dashboard/service/": "table",
}
# Arguments after the record's: a value the page accepts.
OTHER_ARGS = {"fmt": "json"}
# Records that belong to a child: not yours must answer exactly like does not exist.
CHILD_RECORDS = {"child", "review", "decision", "escalation", "referral", "match"}


def object_kind(route: Route) -> str | None:
    if not route.args:
        return None
    for prefix, kind in OBJECT_FOR_PREFIX.items():
        if route.route.startswith(prefix):
            return kind
    return OBJECT_FOR_SEGMENT[route.first_segment]


@pytest.fixture(scope="module")
def cast(django_db_setup: None, django_db_blocker: Any) -> Iterator[Cast]:
    """Ian's caseload with a record of every kind, built once for the module, then flushed.

    Each test still runs in its own transaction, so what a test writes (its audit rows)
    is rolled back before the next.
    """
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False):
        ivy = factories.IroFactory(full_name="Ivy Reviewer")
        ian = factories.IroFactory(full_name="Ian Other")
        mona = factories.ManagerFactory(full_name="Mona Manager")
        ada = factories.AdminFactory(full_name="Ada Admin")
        child = factories.looked_after_child(iro=ian, first_name="Bob", last_name="Foreign")
        review = factories.held_review(child, held_on=date(2023, 4, 28), status="draft")
        decision = Decision.objects.create(
            review=review, text="Arrange a dentist visit", owner="Social worker", due_date=TODAY
        )
        match = factories.IvMatchFactory(child=child)
        waiting = factories.looked_after_child(first_name="Una", last_name="Waiting")
        factories.IvReferralFactory(child=waiting)
        cover = CoverArrangement.objects.create(
            absent_iro=ian, covering_iro=ivy, start_date=date(2024, 7, 1)
        )
        world: dict[str, models.Model] = {
            "child": child,
            "review": review,
            "decision": decision,
            "escalation": make_escalation(child=child, by=ian),
            "referral": factories.AdvocacyReferralFactory(child=child),
            "match": match,
            "visitor": match.visitor,
            "member": mona,
            "plan": factories.ContactPlanFactory(child=child),
            "unallocated": waiting,
            "cover": cover,
            "iro": ian,
            "alert": Alert.objects.create(
                kind=AlertKind.REVIEW_OVERDUE,
                subject_id=child.pk,
                link_ref=child.public_id,
                child=child,
                due_on=date(2024, 5, 1),
                reason="First review was due by 1 May 2024",
            ),
            "edition": Edition.objects.create(year="2023-24", requested_by=mona),
            "complaint": Complaint.objects.create(
                received_on=date(2024, 1, 8), complainant="parent", about="x", stage="stage_1"
            ),
            "import": Import.objects.create(year=2023, started_by=ada),
        }
    yield Cast(ivy=ivy, ian=ian, mona=mona, ada=ada, world=world)
    with django_db_blocker.unblock():
        call_command("flush", "--no-input", verbosity=0)


@pytest.fixture
def world(cast: Cast, db: None) -> dict[str, models.Model]:
    return cast.world


@pytest.fixture
def ivy(cast: Cast, db: None) -> User:
    return cast.ivy


@pytest.fixture
def ian(cast: Cast, db: None) -> User:
    return cast.ian


@pytest.fixture
def mona(cast: Cast, db: None) -> User:
    return cast.mona


@pytest.fixture
def ada(cast: Cast, db: None) -> User:
    return cast.ada


def url_of(route: Route, world: dict[str, models.Model] | None) -> str:
    """The route's URL for the world's record of its kind, or for a record that never was."""
    kind = object_kind(route)
    if kind is None:
        return reverse(route.name)
    others = {arg: OTHER_ARGS[arg] for arg in route.args[1:]}
    if kind == "year":  # a reporting year's label; one that is no year is not found
        return reverse(route.name, kwargs={"year": "2023-24" if world else "2023-99", **others})
    if kind == "table":  # a dashboard table's name
        return reverse(route.name, kwargs={"table": "waiting" if world else "no-such-table"})
    public_id = world[kind].public_id if world is not None else uuid.uuid4()
    return reverse(route.name, kwargs={route.args[0]: public_id, **others})


def refusals(user: User) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(user=user, kind=Kind.REFUSAL)


def test_the_guard_knows_the_record_behind_every_route() -> None:
    names = {route.name for route in ROUTES}
    assert {"children:detail", "reviews:record", "escalations:move", "support:iv_match"} <= names
    unmapped = [
        r.route
        for r in ROUTES
        if r.args
        and r.first_segment not in OBJECT_FOR_SEGMENT
        and not r.route.startswith(tuple(OBJECT_FOR_PREFIX))
    ]
    assert unmapped == []


METHODS = ("get", "post")


@pytest.mark.parametrize("route", GUARDED, ids=lambda route: route.name)
def test_every_url_sends_an_anonymous_visitor_to_sign_in(db, route: Route) -> None:
    for method in METHODS:
        response = getattr(client_for(None), method)(url_of(route, None))
        assert response.status_code == 302, method
        assert response["Location"].startswith(reverse("login")), method


@pytest.mark.parametrize(
    "route",
    [r for r in GUARDED if r.name not in OPEN_TO_EVERY_IRO | OPEN_TO_EVERYONE],
    ids=lambda r: r.name,
)
@time_machine.travel(TODAY, tick=False)
def test_an_iro_reaches_nothing_of_another_iros_caseload_and_each_refusal_is_audited(
    ivy: User, world: dict[str, models.Model], route: Route
) -> None:
    for count, method in enumerate(METHODS, start=1):
        response = getattr(client_for(ivy), method)(url_of(route, world))
        refused = refusals(ivy)
        if object_kind(route) in CHILD_RECORDS and response.status_code != 403:
            assert response.status_code == 404, method
            assert refused.filter(child=world["child"]).count() == count, method
        else:
            # A page the IRO's role may not open is refused before any record is looked up.
            assert response.status_code in (403, 404), method
            assert refused.count() == count, method
        assert refused.first().path == url_of(route, world)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "route",
    # Staff accounts, the annual report and the 903 return and imports (which show no child's
    # record) are admins' work.
    [
        r
        for r in GUARDED
        if not r.name.startswith(("staff:", "reporting:", "ssda903:"))
        and r.name not in {"home"} | OPEN_TO_EVERYONE
    ],
    ids=lambda r: r.name,
)
@time_machine.travel(TODAY, tick=False)
def test_an_admin_reaches_no_case_page_and_each_refusal_is_audited(
    ada: User, world: dict[str, models.Model], route: Route
) -> None:
    for count, method in enumerate(METHODS, start=1):
        response = getattr(client_for(ada), method)(url_of(route, world))
        assert response.status_code in (403, 404), method
        assert refusals(ada).count() == count, method


@pytest.mark.parametrize("route", [r for r in GUARDED if r.args], ids=lambda r: r.name)
def test_a_record_that_does_not_exist_is_a_404_for_every_role_that_may_open_the_page(
    ivy: User, mona: User, ada: User, route: Route
) -> None:
    users = (ada,) if route.name.startswith(("staff:", "ssda903:")) else (ivy, mona)
    answers = {user.email: _open(client_for(user), url_of(route, None)) for user in users}
    # A role without the page's permission is refused (403) before anything is looked up.
    assert set(answers.values()) <= {403, 404}
    assert 404 in answers.values()


def _open(client: Any, url: str) -> int:
    """The status of opening a page: by GET, or by POST for an action that takes only POST."""
    status = client.get(url).status_code
    return client.post(url).status_code if status == 405 else status


# Pages that show a child's data, the person entitled to open them, and the child they show.
LIST_PAGES = {
    "reviews:caseload": ("ian", "child"),
    "escalations:mine": ("ian", "child"),
    "children:list": ("mona", "child"),
    "children:unallocated": ("mona", "unallocated"),
    "escalations:list": ("mona", "child"),
    "support:iv_list": ("mona", "unallocated"),
    "support:iv_edit": ("mona", "child"),
    "alerts:list": ("ian", "child"),
    "dashboards:iro": ("ian", "child"),
    "dashboards:service": ("mona", "unallocated"),
    "alerts:team_iro": ("mona", "child"),
}
CHILD_PAGES = [
    route for route in GUARDED if object_kind(route) in CHILD_RECORDS or route.name in LIST_PAGES
]
MANAGER_ONLY = {"children:allocate", "children:archive"}


@pytest.mark.parametrize("route", CHILD_PAGES, ids=lambda route: route.name)
@time_machine.travel(TODAY, tick=False)
def test_every_page_that_shows_a_childs_data_writes_a_read_row_naming_the_child(
    ian: User, mona: User, world: dict[str, models.Model], route: Route
) -> None:
    who, shown = LIST_PAGES.get(
        route.name, ("mona" if route.name in MANAGER_ONLY else "ian", "child")
    )
    user = {"ian": ian, "mona": mona}[who]
    response = client_for(user).get(url_of(route, world))
    assert response.status_code in (200, 302)
    reads = AuditEvent.objects.filter(user=user, kind=Kind.READ, child=world[shown])
    assert reads.filter(path=url_of(route, world), method="GET").exists()
