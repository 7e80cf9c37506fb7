"""Every escalation URL, walked as every role against an own and a foreign record."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

ESCALATION_URLS = ["detail", "respond", "move", "close", "reopen"]
ALLOWED = dict.fromkeys(ESCALATION_URLS, (200, 404))
EXPECTED = {
    "ivy": ALLOWED,
    "mona": dict.fromkeys(ESCALATION_URLS, (200, 200)),
    "ada": dict.fromkeys(ESCALATION_URLS, (404, 404)),
}
RAISE_EXPECTED = {"ivy": (200, 404), "mona": (200, 200), "ada": (404, 404)}
LIST_EXPECTED = {"ivy": 403, "mona": 200, "ada": 403}


@pytest.fixture
def records(ivy, ian, ivys_child, ians_child):
    """Open escalations for most pages; closed ones for the reopen page."""
    closed = date(2024, 1, 12)
    return {
        "open": (
            make_escalation(child=ivys_child, by=ivy),
            make_escalation(child=ians_child, by=ian),
        ),
        "closed": (
            make_escalation(child=ivys_child, by=ivy, closed_on=closed),
            make_escalation(child=ians_child, by=ian, closed_on=closed),
        ),
    }


def _pair(records, name):
    return records["closed" if name == "reopen" else "open"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
@pytest.mark.parametrize("name", ESCALATION_URLS)
def test_escalation_urls_answer_each_role_as_its_access_allows(
    request: pytest.FixtureRequest, persona: str, name: str, records
) -> None:
    client = client_for(request.getfixturevalue(persona))
    own, foreign = _pair(records, name)
    expected_own, expected_foreign = EXPECTED[persona][name]
    assert client.get(reverse(f"escalations:{name}", args=[own.public_id])).status_code == (
        expected_own
    )
    assert client.get(reverse(f"escalations:{name}", args=[foreign.public_id])).status_code == (
        expected_foreign
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ivy", "ada"])
@pytest.mark.parametrize("name", ["respond", "move", "close", "reopen"])
def test_refused_roles_cannot_post_to_escalations_either(
    request: pytest.FixtureRequest, persona: str, name: str, records
) -> None:
    client = client_for(request.getfixturevalue(persona))
    own, foreign = _pair(records, name)
    targets = [foreign] if persona == "ivy" else [own, foreign]
    for escalation in targets:
        url = reverse(f"escalations:{name}", args=[escalation.public_id])
        assert client.post(url, {"version": 1}).status_code == 404
        escalation.refresh_from_db()
        assert escalation.version == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
def test_raise_page_answers_each_role_as_its_access_allows(
    request: pytest.FixtureRequest, persona: str, ivys_child, ians_child
) -> None:
    client = client_for(request.getfixturevalue(persona))
    own, foreign = RAISE_EXPECTED[persona]
    assert client.get(reverse("escalations:raise", args=[ivys_child.public_id])).status_code == own
    assert (
        client.get(reverse("escalations:raise", args=[ians_child.public_id])).status_code == foreign
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
def test_list_answers_each_role_as_its_role_allows(
    request: pytest.FixtureRequest, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("escalations:list")).status_code == LIST_EXPECTED[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ESCALATION_URLS)
def test_anonymous_visitor_is_sent_to_sign_in_for_every_escalation_url(name, records) -> None:
    own, _ = _pair(records, name)
    response = client_for(None).get(reverse(f"escalations:{name}", args=[own.public_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["list", "raise"])
def test_anonymous_visitor_is_sent_to_sign_in_for_the_list_and_raise_pages(url, ivys_child) -> None:
    args = [ivys_child.public_id] if url == "raise" else []
    response = client_for(None).get(reverse(f"escalations:{url}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_foreign_escalation_answers_like_a_missing_one_and_is_audited(ivy, ians_escalation):
    client = client_for(ivy)
    foreign = client.get(reverse("escalations:detail", args=[ians_escalation.public_id]))
    missing = client.get(
        reverse("escalations:detail", args=["00000000-0000-4000-8000-000000000000"])
    )
    assert foreign.status_code == missing.status_code == 404
    event = AuditEvent.objects.get(object_id=str(ians_escalation.public_id))
    assert (event.user, event.action, event.allowed, event.child) == (
        ivy,
        "escalation.view",
        False,
        ians_escalation.child,
    )


def test_viewing_an_escalation_is_audited_against_the_child(ivy, ivys_escalation):
    client_for(ivy).get(reverse("escalations:detail", args=[ivys_escalation.public_id]))
    event = AuditEvent.objects.get(action="escalation.view")
    assert (event.user, event.child, event.allowed) == (ivy, ivys_escalation.child, True)


def test_iro_loses_the_escalation_when_the_child_is_reallocated(ivy, ian, mona, ivys_escalation):
    from children import services as child_services

    child_services.allocation_make(
        by=mona, child=ivys_escalation.child, iro=ian, start_date=date(2024, 1, 8)
    )
    response = client_for(ivy).get(reverse("escalations:detail", args=[ivys_escalation.public_id]))
    assert response.status_code == 404
