"""The escalation pages through the test client: the flow, bad input, the list and the child page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.timeline import child_timeline
from escalations.models import AreaOfConcern, Escalation, EscalationEvent
from tests import factories
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _raise_data(*areas: tuple[str, str, str], raised_on=date(2024, 1, 8)) -> dict[str, str]:
    data = {
        **_date("raised_on", raised_on),
        "formal": "true",
        "summary": "Drift in the plan",
        "areas-TOTAL_FORMS": "3",
        "areas-INITIAL_FORMS": "0",
        "areas-MIN_NUM_FORMS": "0",
        "areas-MAX_NUM_FORMS": "5",
    }
    for n, (area, description, action) in enumerate(areas):
        data |= {
            f"areas-{n}-area": area,
            f"areas-{n}-description": description,
            f"areas-{n}-action_required": action,
        }
    return data


def test_iro_raises_an_escalation_with_two_areas_from_the_childs_page(ivy, ivys_child):
    client = client_for(ivy)
    child_page = client.get(reverse("children:detail", args=[ivys_child.public_id]))
    raise_url = reverse("escalations:raise", args=[ivys_child.public_id])
    assert raise_url in child_page.content.decode()
    response = client.post(
        raise_url,
        _raise_data(("health", "No assessment", "Book it"), ("contact", "No contact", "Restart")),
    )
    escalation = Escalation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("escalations:detail", args=[escalation.public_id])
    page = client.get(response["Location"]).content.decode()
    assert "Stage 1 (team manager)" in page
    assert "Health" in page and "Contact" in page
    assert "15 January 2024" in page  # response due: 5 working days after 8 January 2024


def test_raising_with_no_area_of_concern_shows_a_message_and_saves_nothing(ivy, ivys_child):
    response = client_for(ivy).post(
        reverse("escalations:raise", args=[ivys_child.public_id]), _raise_data()
    )
    assert response.status_code == 200
    assert "Add at least one area of concern" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not Escalation.objects.exists()


def test_a_half_filled_area_names_the_missing_field(ivy, ivys_child):
    response = client_for(ivy).post(
        reverse("escalations:raise", args=[ivys_child.public_id]),
        _raise_data(("health", "", "")),
    )
    page = response.content.decode()
    assert "Describe area of concern 1" in page
    assert "Enter the action required for area of concern 1" in page
    assert not Escalation.objects.exists()


def test_raising_with_an_impossible_date_says_so(ivy, ivys_child):
    data = _raise_data(("health", "a", "b")) | {"raised_on_0": "31", "raised_on_1": "2"}
    response = client_for(ivy).post(reverse("escalations:raise", args=[ivys_child.public_id]), data)
    assert "The date the escalation was raised must be a real date" in response.content.decode()


def test_manager_records_a_response_and_it_appears_in_the_history(mona, ivys_escalation):
    client = client_for(mona)
    url = reverse("escalations:respond", args=[ivys_escalation.public_id])
    response = client.post(
        url,
        {
            "version": "1",
            **_date("on", date(2024, 1, 10)),
            "responder_name": "Tom Team",
            "responder_role": "Team manager",
            "text": "Visit booked for Friday",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Tom Team, Team manager" in page
    assert "Visit booked for Friday" in page


def test_a_response_dated_before_the_escalation_is_refused_with_a_message(ivy, ivys_escalation):
    response = client_for(ivy).post(
        reverse("escalations:respond", args=[ivys_escalation.public_id]),
        {
            "version": "1",
            **_date("on", date(2024, 1, 2)),
            "responder_name": "Tom",
            "responder_role": "TM",
            "text": "Said so",
        },
    )
    assert response.status_code == 200
    assert (
        "The date of the response must be on or after the date the escalation was raised, "
        "8 January 2024" in response.content.decode()
    )
    assert not EscalationEvent.objects.filter(kind="response").exists()


def test_skipping_a_stage_without_a_reason_is_refused_with_a_message(ivy, ivys_escalation):
    response = client_for(ivy).post(
        reverse("escalations:move", args=[ivys_escalation.public_id]),
        {
            "version": "1",
            "stage": "stage_1",
            "to_stage": "stage_3",
            **_date("on", date(2024, 1, 15)),
        },
    )
    assert "Enter the reason for skipping a stage" in response.content.decode()
    ivys_escalation.refresh_from_db()
    assert ivys_escalation.stage == "stage_1"


def test_escalating_a_closed_escalation_is_refused_with_a_message(ivy, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy, closed_on=date(2024, 1, 12))
    url = reverse("escalations:move", args=[escalation.public_id])
    assert client_for(ivy).get(url).status_code == 302
    response = client_for(ivy).post(
        url,
        {
            "version": "1",
            "stage": "stage_1",
            "to_stage": "stage_2",
            **_date("on", date(2024, 1, 15)),
        },
    )
    assert "This escalation is closed: reopen it before escalating it" in response.content.decode()
    escalation.refresh_from_db()
    assert (escalation.stage, escalation.status) == ("stage_1", "closed")


def test_acting_on_a_stale_page_shows_the_conflict_and_changes_nothing(ivy, ivys_escalation):
    Escalation.objects.filter(pk=ivys_escalation.pk).update(version=2)
    response = client_for(ivy).post(
        reverse("escalations:move", args=[ivys_escalation.public_id]),
        {
            "version": "1",
            "stage": "stage_1",
            "to_stage": "stage_2",
            **_date("on", date(2024, 1, 15)),
        },
    )
    assert response.status_code == 409
    assert "Someone else moved or changed this escalation" in response.content.decode()
    ivys_escalation.refresh_from_db()
    assert ivys_escalation.stage == "stage_1"


def _close_data(escalation, outcomes: dict[str, str]) -> dict[str, str]:
    data = {
        "version": str(escalation.version),
        "outcome": "Resolved",
        **_date("closed_on", date(2024, 1, 12)),
    }
    for area in escalation.areas.all():
        if outcomes.get(area.area):
            data[f"outcome_{area.public_id.hex}"] = outcomes[area.area]
    return data


def test_closing_with_an_area_left_without_an_outcome_says_which(ivy, ivys_escalation):
    response = client_for(ivy).post(
        reverse("escalations:close", args=[ivys_escalation.public_id]),
        _close_data(ivys_escalation, {"health": "resolved"}),
    )
    assert "Select the outcome for education" in response.content.decode()
    ivys_escalation.refresh_from_db()
    assert ivys_escalation.status == "open"


def test_closing_then_reopening_through_the_pages(ivy, ivys_escalation):
    client = client_for(ivy)
    response = client.post(
        reverse("escalations:close", args=[ivys_escalation.public_id]),
        _close_data(ivys_escalation, {"health": "resolved", "education": "not_resolved"}),
    )
    assert response.status_code == 302
    ivys_escalation.refresh_from_db()
    assert (ivys_escalation.status, ivys_escalation.resolved_at_stage) == ("closed", "stage_1")
    assert set(AreaOfConcern.objects.values_list("area", "outcome")) == {
        ("health", "resolved"),
        ("education", "not_resolved"),
    }
    missing_reason = client.post(
        reverse("escalations:reopen", args=[ivys_escalation.public_id]),
        {"version": "2", **_date("on", date(2024, 2, 1)), "reason": ""},
    )
    assert "Enter the reason for reopening the escalation" in missing_reason.content.decode()
    reopened = client.post(
        reverse("escalations:reopen", args=[ivys_escalation.public_id]),
        {"version": "2", **_date("on", date(2024, 2, 1)), "reason": "Contact stopped again"},
    )
    assert reopened.status_code == 302
    ivys_escalation.refresh_from_db()
    assert ivys_escalation.status == "open"


def test_the_child_page_and_timeline_show_the_childs_escalations(ivy, ivys_escalation):
    page = client_for(ivy).get(reverse("children:detail", args=[ivys_escalation.child.public_id]))
    assert reverse("escalations:detail", args=[ivys_escalation.public_id]) in page.content.decode()
    entries = child_timeline(ivys_escalation.child, kinds={"escalation"})
    assert [(e.day, e.title, e.tag) for e in entries] == [
        (date(2024, 1, 8), "Escalation raised", "Stage 1 (team manager)")
    ]


def test_the_timeline_shows_when_an_escalation_closed(ivy, ivys_child):
    make_escalation(child=ivys_child, by=ivy, closed_on=date(2024, 1, 12))
    entries = child_timeline(ivys_child, kinds={"escalation"})
    assert [(e.day, e.title) for e in entries] == [
        (date(2024, 1, 12), "Escalation closed"),
        (date(2024, 1, 8), "Escalation raised"),
    ]


def _listing(ivy, ian, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        child = factories.looked_after_child(iro=ivy if i % 2 else ian)
        make_escalation(
            child=child,
            by=ivy if i % 2 else ian,
            stage="stage_2" if i % 3 else "stage_1",
            raised_on=today - timedelta(days=i % 40),
            areas=("health", "placement") if i % 2 else ("contact",),
        )


@pytest.mark.parametrize("n", [20, 200])
def test_the_list_keeps_a_fixed_query_count(mona, ivy, ian, n, django_assert_max_num_queries):
    _listing(ivy, ian, n)
    client = client_for(mona)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("escalations:list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        client.get(reverse("escalations:list"), {"area": "health", "overdue": "on"})


def test_the_list_filters_by_stage_iro_area_and_overdue(mona, ivy, ian, ivys_child, ians_child):
    today = timezone.localdate()
    late = make_escalation(
        child=ivys_child, by=ivy, raised_on=today - timedelta(days=30), areas=("health",)
    )
    fresh = make_escalation(
        child=ians_child, by=ian, stage="stage_2", raised_on=today, areas=("contact",)
    )
    make_escalation(child=ians_child, by=ian, raised_on=today - timedelta(days=60), closed_on=today)
    client = client_for(mona)

    def shown(**params) -> set[str]:
        page = client.get(reverse("escalations:list"), params).content.decode()
        return {
            e.child.full_name
            for e in (late, fresh)
            if reverse("escalations:detail", args=[e.public_id]) in page
        }

    assert shown() == {"Amy Own", "Bob Foreign"}
    assert shown(stage="stage_2") == {"Bob Foreign"}
    assert shown(iro=str(ivy.public_id)) == {"Amy Own"}
    assert shown(area="contact") == {"Bob Foreign"}
    assert shown(overdue="on") == {"Amy Own"}
    page = client.get(reverse("escalations:list")).content.decode()
    assert "Overdue" in page and "2 open escalations found" in page


def test_iro_raises_an_escalation_from_a_review_and_each_links_to_the_other(ivy, ivys_child):
    review = factories.held_review(ivys_child, held_on=date(2023, 4, 28))
    client = client_for(ivy)
    review_page = client.get(reverse("reviews:detail", args=[review.public_id])).content.decode()
    raise_url = (
        f"{reverse('escalations:raise', args=[ivys_child.public_id])}?review={review.public_id}"
    )
    assert raise_url in review_page
    assert (
        "Prompted by the first review held on 28 April 2023"
        in client.get(raise_url).content.decode()
    )
    response = client.post(raise_url, _raise_data(("placement", "Unstable", "Find a match")))
    escalation = Escalation.objects.get()
    assert escalation.review == review
    assert (
        reverse("reviews:detail", args=[review.public_id])
        in client.get(response["Location"]).content.decode()
    )
    assert (
        reverse("escalations:detail", args=[escalation.public_id])
        in client.get(reverse("reviews:detail", args=[review.public_id])).content.decode()
    )


def test_a_review_of_another_child_is_not_linked(ivy, ivys_child, ians_child):
    theirs = factories.held_review(ians_child, held_on=date(2023, 4, 28))
    url = f"{reverse('escalations:raise', args=[ivys_child.public_id])}?review={theirs.public_id}"
    client_for(ivy).post(url, _raise_data(("placement", "Unstable", "Find a match")))
    assert Escalation.objects.get().review is None
