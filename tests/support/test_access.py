"""Every in-contact, advocacy and Independent Visitor URL, walked as every role."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from tests import factories
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(date(2024, 12, 2), tick=False)]

CHILD_URLS = ["contact_plan", "contact_log", "advocacy_add", "iv_refer", "iv_match"]
RECORD_URLS = ["advocacy_update", "iv_match_end"]
PAGE_URLS = ["iv_list", "iv_add", "iv_edit"]

# (own child, foreign child) for IROs; managers see every child; admins see none.
CHILD_EXPECTED = {"ivy": (200, 404), "mona": (200, 200), "ada": (404, 404)}
PAGE_EXPECTED = {
    "ivy": {"iv_list": 200, "iv_add": 403, "iv_edit": 403},
    "mona": {"iv_list": 200, "iv_add": 200, "iv_edit": 200},
    "ada": {"iv_list": 403, "iv_add": 403, "iv_edit": 403},
}


def _record(name: str, child: object) -> object:
    if name == "advocacy_update":
        return factories.AdvocacyReferralFactory(child=child)
    return factories.IvMatchFactory(child=child)


def _page_url(name: str) -> str:
    if name == "iv_edit":
        return reverse("support:iv_edit", args=[factories.IndependentVisitorFactory().public_id])
    return reverse(f"support:{name}")


@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
@pytest.mark.parametrize("name", CHILD_URLS)
def test_child_urls_answer_each_role_as_its_access_allows(
    request: pytest.FixtureRequest, persona: str, name: str, ivys_child, ians_child
) -> None:
    client = client_for(request.getfixturevalue(persona))
    own, foreign = CHILD_EXPECTED[persona]
    assert client.get(reverse(f"support:{name}", args=[ivys_child.public_id])).status_code == own
    assert (
        client.get(reverse(f"support:{name}", args=[ians_child.public_id])).status_code == foreign
    )


@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
@pytest.mark.parametrize("name", RECORD_URLS)
def test_record_urls_answer_each_role_as_access_to_the_child_allows(
    request: pytest.FixtureRequest, persona: str, name: str, ivys_child, ians_child
) -> None:
    client = client_for(request.getfixturevalue(persona))
    own, foreign = CHILD_EXPECTED[persona]
    own_url = reverse(f"support:{name}", args=[_record(name, ivys_child).public_id])
    foreign_url = reverse(f"support:{name}", args=[_record(name, ians_child).public_id])
    assert client.get(own_url).status_code == own
    assert client.get(foreign_url).status_code == foreign


@pytest.mark.parametrize("persona", ["ivy", "mona", "ada"])
@pytest.mark.parametrize("name", PAGE_URLS)
def test_register_pages_answer_each_role_as_its_role_allows(
    request: pytest.FixtureRequest, persona: str, name: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_page_url(name)).status_code == PAGE_EXPECTED[persona][name]


@pytest.mark.parametrize("name", CHILD_URLS + RECORD_URLS)
def test_anonymous_visitor_is_sent_to_sign_in_for_every_child_url(name: str, ivys_child) -> None:
    if name in RECORD_URLS:
        url = reverse(f"support:{name}", args=[_record(name, ivys_child).public_id])
    else:
        url = reverse(f"support:{name}", args=[ivys_child.public_id])
    for response in (client_for(None).get(url), client_for(None).post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGE_URLS)
def test_anonymous_visitor_is_sent_to_sign_in_for_every_page(name: str, db) -> None:
    response = client_for(None).get(_page_url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_iro_posting_to_a_foreign_child_saves_nothing_and_is_audited(ivy, ians_child) -> None:
    url = reverse("support:iv_refer", args=[ians_child.public_id])
    data = {"referred_on_0": "8", "referred_on_1": "1", "referred_on_2": "2024"}
    assert client_for(ivy).post(url, data).status_code == 404
    assert not ians_child.iv_referrals.exists()
    event = AuditEvent.objects.get(child=ians_child)
    assert (event.user, event.action, event.kind) == (ivy, Action.IV_REFERRAL_CREATE, Kind.REFUSAL)


def test_iro_ending_a_foreign_match_is_refused_and_audited(ivy, ians_child) -> None:
    match = factories.IvMatchFactory(child=ians_child)
    url = reverse("support:iv_match_end", args=[match.public_id])
    data = {
        "end_date_0": "2",
        "end_date_1": "9",
        "end_date_2": "2024",
        "end_reason": "Moved",
        "version": str(match.version),
    }
    assert client_for(ivy).post(url, data).status_code == 404
    match.refresh_from_db()
    assert match.end_date is None
    event = AuditEvent.objects.get(child=ians_child)
    assert (event.action, event.kind) == (Action.IV_MATCH_END, Kind.REFUSAL)


def test_a_missing_record_answers_like_a_foreign_one(ivy, ians_child) -> None:
    client = client_for(ivy)
    foreign = reverse(
        "support:advocacy_update",
        args=[factories.AdvocacyReferralFactory(child=ians_child).public_id],
    )
    missing = reverse("support:advocacy_update", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(foreign).status_code == client.get(missing).status_code == 404


def test_iro_cannot_add_a_volunteer_by_posting(ivy) -> None:
    response = client_for(ivy).post(
        reverse("support:iv_add"), {"full_name": "Sneaky", "status": "active"}
    )
    assert response.status_code == 403


def _register_rows(count: int, iro: object) -> None:
    """`count` volunteers each matched with a child, and `count` children waiting."""
    for _ in range(count):
        matched = factories.looked_after_child(iro=iro)
        factories.IvMatchFactory(child=matched, start_date=date(2024, 3, 4))
        waiting = factories.looked_after_child(iro=iro)
        factories.IvReferralFactory(child=waiting, referred_on=date(2024, 1, 8))


@pytest.mark.parametrize("rows", [20, 200])
@pytest.mark.parametrize("persona", ["ivy", "mona"])
def test_register_keeps_a_fixed_number_of_queries(
    request: pytest.FixtureRequest, django_assert_max_num_queries, persona: str, rows: int, ivy
) -> None:
    _register_rows(rows, ivy)
    client = client_for(request.getfixturevalue(persona))
    # Signing in and role (5 for an IRO), the register's count, page keys and rows, the
    # longest waits and how many wait, and the read rows.
    with django_assert_max_num_queries(14):  # 14: the header's count of new alerts (2)
        response = client.get(reverse("support:iv_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{rows} children waiting" in html
    # A page of volunteers, and the longest waits, however many there are.
    assert html.count('class="govuk-table__cell govuk-table__cell--numeric">1<') == min(rows, 50)
    assert html.count(">Match<span") == min(rows, 50)
