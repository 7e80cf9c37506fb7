"""The escalation pages through the test client: the flow, bad input, the list and the child page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent, Kind
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
        "addressed_to_name": "Jo Bloggs",
        "addressed_to_role": "Team manager",
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
    assert "Health" in page
    assert "Contact" in page
    assert "15 January 2024" in page  # response due: 5 working days after 8 January 2024


def test_raising_with_no_area_of_concern_shows_a_message_and_saves_nothing(ivy, ivys_child):
    response = client_for(ivy).post(
        reverse("escalations:raise", args=[ivys_child.public_id]), _raise_data()
    )
    assert response.status_code == 200
    assert "Add at least one area of concern" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not Escalation.objects.exists()


def test_a_half_filled_area_names_the_missing_field_in_the_error_summary(ivy, ivys_child):
    response = client_for(ivy).post(
        reverse("escalations:raise", args=[ivys_child.public_id]),
        _raise_data(("health", "", "")),
    )
    page = response.content.decode()
    assert '<a href="#id_areas-0-description">Describe area of concern 1</a>' in page
    assert (
        '<a href="#id_areas-0-action_required">Enter the action required for area of concern 1'
        in page
    )
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
        "The date of the response must be between 8 January 2024 and 29 February 2024"
        in response.content.decode()
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
            "addressed_to_name": "Sam Senior",
            "addressed_to_role": "Service manager",
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
            "addressed_to_name": "Sam Senior",
            "addressed_to_role": "Service manager",
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
            "addressed_to_name": "Sam Senior",
            "addressed_to_role": "Service manager",
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
    # Session, user, two permission reads, count, page, areas, the reader's role, the read
    # rows (one insert for the whole page) and the IRO filter's choices (two).
    with django_assert_max_num_queries(12):  # 12: the header's count of new alerts
        response = client.get(reverse("escalations:list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):  # 12: the header's count of new alerts
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
    assert "Overdue" in page
    assert "2 open escalations found" in page


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


def test_the_list_writes_one_read_row_for_each_child_it_shows(
    mona, ivy, ian, ivys_child, ians_child
):
    make_escalation(child=ivys_child, by=ivy)
    make_escalation(child=ivys_child, by=ivy, stage="stage_2")
    make_escalation(child=ians_child, by=ian, closed_on=date(2024, 1, 12))
    client_for(mona).get(reverse("escalations:list"), {"stage": ""})
    reads = AuditEvent.objects.filter(action=Action.ESCALATION_LIST)
    assert [(r.child, r.kind, r.user, r.path) for r in reads] == [
        (ivys_child, Kind.READ, mona, reverse("escalations:list"))
    ]


def test_an_iro_refused_the_managers_list_is_audited(ivy):
    assert client_for(ivy).get(reverse("escalations:list")).status_code == 403
    refusal = AuditEvent.objects.get(user=ivy)
    assert (refusal.kind, refusal.path) == (Kind.REFUSAL, reverse("escalations:list"))


def test_an_admin_refused_the_raise_page_is_audited_against_the_child(ada, ivys_child):
    url = reverse("escalations:raise", args=[ivys_child.public_id])
    assert client_for(ada).post(url, _raise_data(("health", "a", "b"))).status_code == 404
    refusal = AuditEvent.objects.get(user=ada)
    assert (refusal.kind, refusal.action, refusal.child) == (
        Kind.REFUSAL,
        Action.ESCALATION_RAISE,
        ivys_child,
    )
    assert not Escalation.objects.exists()


def _respond_data(**changes: str) -> dict[str, str]:
    return {
        "version": "1",
        **_date("on", date(2024, 1, 10)),
        "responder_name": "Tom Team",
        "responder_role": "Team manager",
        "text": "Visit booked",
        **changes,
    }


def _move_data(**changes: str) -> dict[str, str]:
    return {
        "version": "1",
        "stage": "stage_1",
        "to_stage": "stage_2",
        **_date("on", date(2024, 1, 15)),
        "addressed_to_name": "Sam Senior",
        "addressed_to_role": "Service manager",
        **changes,
    }


def _reopen_data(**changes: str) -> dict[str, str]:
    return {"version": "1", **_date("on", date(2024, 2, 1)), "reason": "Stopped again", **changes}


CHANGE_PAGES = ["respond", "move", "close", "reopen"]


def _acted_on_by(name: str, *, child, by) -> Escalation:
    """An escalation the page `name` acts on: a closed one to reopen, an open one otherwise."""
    return make_escalation(
        child=child, by=by, closed_on=date(2024, 1, 12) if name == "reopen" else None
    )


def _submission(name: str, escalation: Escalation, **changes: str) -> dict[str, str]:
    """A valid submission of the page `name`, with `changes`."""
    if name == "close":
        return _close_data(escalation, {"health": "resolved", "education": "resolved"}) | changes
    return {"respond": _respond_data, "move": _move_data, "reopen": _reopen_data}[name](**changes)


@pytest.mark.parametrize("name", CHANGE_PAGES)
def test_the_second_of_two_people_acting_on_the_same_page_gets_a_409_and_overwrites_nothing(
    ivy, mona, ivys_child, name
):
    escalation = _acted_on_by(name, child=ivys_child, by=ivy)
    url = reverse(f"escalations:{name}", args=[escalation.public_id])
    first, second = client_for(mona), client_for(ivy)
    assert first.get(url).status_code == second.get(url).status_code == 200
    assert first.post(url, _submission(name, escalation)).status_code == 302
    saved = Escalation.objects.get(pk=escalation.pk)
    events = list(EscalationEvent.objects.values_list("pk", flat=True))

    response = second.post(url, _submission(name, escalation))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else moved or changed this escalation" in page
    assert f'name="version" value="{saved.version}"' in page
    assert Escalation.objects.get(pk=escalation.pk).version == saved.version
    assert list(EscalationEvent.objects.values_list("pk", flat=True)) == events


MEGABYTE = "x" * 1_000_000


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [
        ("respond", "text", "What the response said must be 10,000 characters or less"),
        ("respond", "responder_name", "The name of the person who responded must be 150"),
        ("move", "reason", "The reason must be 2,000 characters or less"),
        ("close", "outcome", "The overall outcome must be 10,000 characters or less"),
        ("reopen", "reason", "The reason for reopening the escalation must be 2,000 characters"),
    ],
)
def test_a_megabyte_of_text_is_refused_with_the_limit_in_the_message(
    ivy, ivys_child, name, field, message
):
    escalation = _acted_on_by(name, child=ivys_child, by=ivy)
    response = client_for(ivy).post(
        reverse(f"escalations:{name}", args=[escalation.public_id]),
        _submission(name, escalation, **{field: MEGABYTE}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.version == 1


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("summary", "The summary of the concern must be 10,000 characters or less"),
        ("areas-0-description", "The concern in area of concern 1 must be 10,000 characters"),
        ("areas-0-action_required", "The action required for area of concern 1 must be 10,000"),
    ],
)
def test_raising_with_a_megabyte_of_text_is_refused_with_the_limit(ivy, ivys_child, field, message):
    data = _raise_data(("health", "a", "b")) | {field: MEGABYTE}
    response = client_for(ivy).post(reverse("escalations:raise", args=[ivys_child.public_id]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Escalation.objects.exists()


OVERFLOW = "99999999999999999999"


@pytest.mark.parametrize("box", ["0", "1", "2"], ids=["day", "month", "year"])
def test_a_huge_number_in_a_date_box_gives_the_govuk_error_not_a_500(ivy, ivys_child, box):
    raised = _raise_data(("health", "a", "b")) | {f"raised_on_{box}": OVERFLOW}
    response = client_for(ivy).post(
        reverse("escalations:raise", args=[ivys_child.public_id]), raised
    )
    assert response.status_code == 200
    assert "The date the escalation was raised must be a real date" in response.content.decode()
    escalation = make_escalation(child=ivys_child, by=ivy)
    response = client_for(ivy).post(
        reverse("escalations:respond", args=[escalation.public_id]),
        _respond_data(**{f"on_{box}": OVERFLOW}),
    )
    assert response.status_code == 200
    assert "The date of the response must be a real date" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [
        ("respond", "on", "The date of the response must be today or in the past"),
        ("move", "on", "The date escalated must be today or in the past"),
        ("close", "closed_on", "The date the escalation closed must be today or in the past"),
        ("reopen", "on", "The date reopened must be today or in the past"),
    ],
)
def test_a_date_after_today_is_refused_on_every_page_that_records_what_happened(
    ivy, ivys_child, name, field, message
):
    escalation = _acted_on_by(name, child=ivys_child, by=ivy)
    response = client_for(ivy).post(
        reverse(f"escalations:{name}", args=[escalation.public_id]),
        _submission(name, escalation, **_date(field, date(2024, 3, 1))),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.version == 1


def test_raising_in_the_far_future_or_before_the_child_was_born_is_refused(ivy, ivys_child):
    url = reverse("escalations:raise", args=[ivys_child.public_id])
    between = "must be between 17 May 2012 and 29 February 2024"
    for day, expected in (
        (date(9999, 12, 31), "The date the escalation was raised must be today or in the past"),
        (date(2012, 5, 16), f"The date the escalation was raised {between}"),
    ):
        data = _raise_data(("health", "a", "b"), raised_on=day)
        response = client_for(ivy).post(url, data)
        assert expected in response.content.decode(), day
    assert not Escalation.objects.exists()
