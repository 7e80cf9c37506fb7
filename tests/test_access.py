"""Every URL, walked as every role against an own and a foreign record."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.conftest import client_for

CHILD_URLS = [
    "detail",
    "edit",
    "episode_create",
    "period_end",
    "allocate",
    "archive",
    "sibling_add",
]
PAGE_URLS = {
    "children:list": None,
    "children:create": None,
    "reviews:caseload": None,
    "children:unallocated": None,
    "children:cover": None,
    "staff:list": None,
    "staff:create": None,
}

# Expected status by role, for each child URL on (own child, foreign child).
CHILD_EXPECTED = {
    "ivy": {
        "detail": (200, 404),
        "edit": (200, 404),
        "episode_create": (200, 404),
        "period_end": (200, 404),
        "allocate": (403, 403),
        "archive": (403, 403),
        "sibling_add": (200, 404),
    },
    "mona": dict.fromkeys(CHILD_URLS, (200, 200)),
    "ada": {
        "detail": (404, 404),
        "edit": (404, 404),
        "episode_create": (404, 404),
        "period_end": (404, 404),
        "allocate": (403, 403),
        "archive": (403, 403),
        "sibling_add": (404, 404),
    },
}
PAGE_EXPECTED = {
    "ivy": {"reviews:caseload": 200},
    "mona": {
        "children:list": 200,
        "children:create": 200,
        "children:unallocated": 200,
        "children:cover": 200,
    },
    "ada": {"staff:list": 200, "staff:create": 200},
}


@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
@pytest.mark.parametrize("name", CHILD_URLS)
def test_child_urls_answer_each_role_as_its_access_allows(
    request: pytest.FixtureRequest, persona: str, name: str, ivys_child, ians_child
) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    own, foreign = CHILD_EXPECTED[persona][name]
    own_url = reverse(f"children:{name}", args=[ivys_child.public_id])
    foreign_url = reverse(f"children:{name}", args=[ians_child.public_id])
    assert client.get(own_url).status_code == own
    assert client.get(foreign_url).status_code == foreign


@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
@pytest.mark.parametrize("name", list(PAGE_URLS))
def test_pages_answer_each_role_as_its_role_allows(
    request: pytest.FixtureRequest, persona: str, name: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    expected = PAGE_EXPECTED[persona].get(name, 403)
    assert client.get(reverse(name)).status_code == expected


@pytest.mark.parametrize("name", CHILD_URLS)
def test_anonymous_visitor_is_sent_to_sign_in_for_every_child_url(name: str, ivys_child) -> None:
    url = reverse(f"children:{name}", args=[ivys_child.public_id])
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", list(PAGE_URLS))
def test_anonymous_visitor_is_sent_to_sign_in_for_every_page(name: str, db) -> None:
    response = client_for(None).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_iro_opening_a_child_not_on_their_caseload_gets_404_like_a_missing_child(
    ivy, ians_child
) -> None:
    client = client_for(ivy)
    foreign = client.get(reverse("children:detail", args=[ians_child.public_id]))
    missing = client.get(reverse("children:detail", args=["00000000-0000-4000-8000-000000000000"]))
    assert foreign.status_code == missing.status_code == 404
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", foreign.content) == token.sub(b"", missing.content)


def test_denied_access_leaves_an_audit_row(ivy, ians_child) -> None:
    client_for(ivy).get(reverse("children:detail", args=[ians_child.public_id]))
    event = AuditEvent.objects.get(child=ians_child)
    assert (event.user, event.action, event.allowed) == (ivy, "child.view", False)


def test_viewing_a_child_leaves_an_allowed_audit_row(ivy, ivys_child) -> None:
    client_for(ivy).get(reverse("children:detail", args=[ivys_child.public_id]))
    event = AuditEvent.objects.get(child=ivys_child)
    assert (event.user, event.action, event.allowed) == (ivy, "child.view", True)
    assert event.path == reverse("children:detail", args=[ivys_child.public_id])


def test_iro_covering_a_colleague_sees_the_colleagues_children(ivy, ian, ians_child) -> None:
    from datetime import date

    from children.models import CoverArrangement

    CoverArrangement.objects.create(absent_iro=ian, covering_iro=ivy, start_date=date(2020, 1, 1))
    response = client_for(ivy).get(reverse("children:detail", args=[ians_child.public_id]))
    assert response.status_code == 200


def test_iro_loses_access_when_the_child_is_reallocated(ivy, ian, mona, ivys_child) -> None:
    from datetime import date

    from children import services

    services.allocation_make(by=mona, child=ivys_child, iro=ian, start_date=date(2024, 1, 8))
    response = client_for(ivy).get(reverse("children:detail", args=[ivys_child.public_id]))
    assert response.status_code == 404
