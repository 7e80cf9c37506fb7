"""Scheduling, recording and finalising reviews, and oversight notes, through the pages."""

import html
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from reviews.models import Decision, OversightNote, RagRating, Review
from tests import factories
from tests.conftest import client_for

TODAY = date(2024, 6, 3)


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(
        datetime(2024, 6, 3, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False
    ):
        yield


@pytest.fixture
def child(ivy):
    """In care since 3 April 2023 (first review due 3 May 2023)."""
    return factories.looked_after_child(
        iro=ivy, first_name="Amy", last_name="Own", date_of_birth=date(2012, 5, 17)
    )


LATE_BOOKING = {
    "late_schedule_reason": "Told late of the child's care",
    "confirm_late_schedule": "on",
}


def schedule(client, child, day: date = date(2024, 6, 10)):
    """Book a review; the reason for a late booking is given, and kept only if it is late."""
    return client.post(
        reverse("reviews:schedule", args=[child.public_id]),
        {**date_fields("date", day), "start_time": "10:30", "format": "in_person", **LATE_BOOKING},
    )


def record_data(review: Review, **overrides: object) -> dict:
    data = {
        "version": str(review.version),
        **date_fields("held_on", date(2024, 5, 30)),
        "format": "virtual",
        "chair": "iro",
        "participation": "PN1",
        "parents_view": "yes",
        "parents_one_to_one": "no",
        "sw_report_available": "true",
        "attendees": ["carer"],
        "consultation_papers": "8_12",
        "m_health_assessment": "yes",
        "summary": "Settled in placement.",
    }
    data.update(overrides)
    return data


def test_scheduling_counts_the_due_date_from_the_reviews_held(ivy, child) -> None:
    factories.held_review(child, held_on=date(2023, 4, 28))
    factories.held_review(child, held_on=date(2023, 7, 20))
    response = schedule(client_for(ivy), child)
    review = Review.objects.get(status="scheduled")
    assert response.status_code == 302
    assert (review.kind, review.due_date, review.counted_from) == (
        "later",
        date(2024, 1, 20),
        date(2023, 7, 20),
    )
    assert review.iro == ivy
    assert AuditEvent.objects.filter(child=child, action="review.schedule").exists()


def test_child_page_says_when_the_next_review_is_due_and_why(ivy, child) -> None:
    factories.held_review(child, held_on=date(2023, 4, 28))
    page = text(client_for(ivy).get(reverse("children:detail", args=[child.public_id])))
    assert "Next review due by 28 July 2023" in page
    assert "Second review: within 3 months of the first review on 28 April 2023" in page
    assert "Overdue" in page


def test_a_second_open_review_cannot_be_scheduled(ivy, child) -> None:
    client = client_for(ivy)
    schedule(client, child)
    response = schedule(client, child, date(2024, 6, 20))
    assert "This child already has a review scheduled" in text(response)
    assert Review.objects.count() == 1


def test_iro_records_and_finalises_a_review_with_a_rag_rating(ivy, child) -> None:
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get()
    response = client.post(reverse("reviews:record", args=[review.public_id]), record_data(review))
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.held_on, review.carer_attended) == (
        "draft",
        date(2024, 5, 30),
        True,
    )
    assert review.monitoring == {"health_assessment": "yes"}
    # First review was due 3 May 2023 and this is the first held: it is late and needs a reason.
    response = client.post(
        reverse("reviews:finalise", args=[review.public_id]),
        {"version": str(review.version), "rating": "amber"},
    )
    assert "record why it was late before finalising" in text(response)
    review.refresh_from_db()
    assert review.status == "draft"
    client.post(
        reverse("reviews:record", args=[review.public_id]),
        record_data(review, late_reason="notified_late"),
    )
    review.refresh_from_db()
    response = client.post(
        reverse("reviews:finalise", args=[review.public_id]),
        {"version": str(review.version), "rating": "amber"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    rag = RagRating.objects.get(review=review)
    assert (review.status, review.finalised_by, review.is_late) == ("final", ivy, True)
    # The window runs from the review meeting on 30 May, not the day it was finalised.
    assert (rag.rating, rag.set_on, rag.follow_up_from, rag.follow_up_due) == (
        "amber",
        TODAY,
        date(2024, 7, 4),
        date(2024, 7, 25),
    )
    caseload = text(client.get(reverse("reviews:caseload")))
    assert "30 Aug 2024" in caseload  # second review: 3 months after 30 May 2024
    assert "Amber" in caseload


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            date_fields("held_on", date(2024, 6, 4)),
            "The date the review was held must be today or in the past",
        ),
        (
            date_fields("held_on", date(2023, 3, 1)),
            "The date held must be on or after the child became looked after on 3 April 2023",
        ),
        (
            {"participation": "PN0"},
            "PN0 is only for children under 4: the child was 12 at the review",
        ),
        ({"participation": ""}, "Select how the child took part"),
    ],
)
def test_bad_review_records_show_a_message_and_save_nothing(ivy, child, overrides, message) -> None:
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get()
    response = client.post(
        reverse("reviews:record", args=[review.public_id]), record_data(review, **overrides)
    )
    assert message in text(response)
    review.refresh_from_db()
    assert (review.status, review.held_on, review.version) == ("scheduled", None, 1)


def test_a_child_under_four_must_be_recorded_as_pn0(ivy) -> None:
    baby = factories.looked_after_child(iro=ivy, date_of_birth=date(2022, 1, 1))
    client = client_for(ivy)
    schedule(client, baby)
    review = Review.objects.get()
    response = client.post(reverse("reviews:record", args=[review.public_id]), record_data(review))
    assert "The child was under 4 at the review: choose PN0" in text(response)


def test_second_editor_of_a_review_is_refused_with_a_conflict_message(ivy, mona, child) -> None:
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get()
    stale = record_data(review)
    first = client_for(mona).post(
        reverse("reviews:record", args=[review.public_id]),
        record_data(review, summary="Manager's version"),
    )
    second = client.post(
        reverse("reviews:record", args=[review.public_id]), {**stale, "summary": "IRO's version"}
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Someone else saved a change to this review while you were editing" in text(second)
    assert "Manager&#x27;s version" in second.content.decode() or "Manager's version" in text(
        second
    )
    review.refresh_from_db()
    assert review.summary == "Manager's version"


def test_review_can_be_rearranged_and_cancelled_with_a_reason(ivy, child) -> None:
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get()
    client.post(
        reverse("reviews:rearrange", args=[review.public_id]),
        {
            "version": "1",
            **date_fields("date", date(2024, 6, 12)),
            "start_time": "14:00",
            "reason": "Carer ill",
            **LATE_BOOKING,
        },
    )
    review.refresh_from_db()
    assert (review.scheduled_for.date(), review.rearranged_reason) == (
        date(2024, 6, 12),
        "Carer ill",
    )
    missing = client.post(
        reverse("reviews:cancel", args=[review.public_id]), {"version": str(review.version)}
    )
    assert "Enter why the review is cancelled" in text(missing)
    client.post(
        reverse("reviews:cancel", args=[review.public_id]),
        {"version": str(review.version), "reason": "Child ceased care"},
    )
    review.refresh_from_db()
    assert (review.status, review.cancelled_reason) == ("cancelled", "Child ceased care")


def test_decisions_are_tracked_to_completion(ivy, child) -> None:
    review = factories.held_review(child, held_on=date(2024, 5, 1))
    client = client_for(ivy)
    client.post(
        reverse("reviews:decision_add", args=[review.public_id]),
        {
            "text": "Arrange dental check",
            "owner": "Social worker",
            **date_fields("due_date", date(2024, 7, 1)),
        },
    )
    decision = Decision.objects.get()
    missing_date = client.post(
        reverse("reviews:decision_update", args=[decision.public_id]),
        {"version": "1", "status": "done"},
    )
    assert "Enter the date it was done" in text(missing_date)
    client.post(
        reverse("reviews:decision_update", args=[decision.public_id]),
        {"version": "1", "status": "done", **date_fields("completed_on", date(2024, 6, 1))},
    )
    decision.refresh_from_db()
    assert (decision.status, decision.completed_on) == ("done", date(2024, 6, 1))


def test_oversight_note_completes_the_rag_follow_up_inside_its_window(ivy, child) -> None:
    rag = RagRating.objects.create(
        child=child,
        rating="red",
        set_on=date(2024, 5, 20),
        set_by=ivy,
        follow_up_from=date(2024, 5, 20),
        follow_up_due=date(2024, 6, 17),
    )
    client = client_for(ivy)
    response = client.post(
        reverse("reviews:oversight_add", args=[child.public_id]),
        {
            **date_fields("noted_on", date(2024, 6, 1)),
            "kind": "sw_update",
            "text": "Spoke to SW",
            "follow_up_of": str(rag.public_id),
        },
    )
    rag.refresh_from_db()
    assert rag.followed_up_on == date(2024, 6, 1)
    # The page lands on the child's oversight section, where the new note shows.
    assert response["Location"].endswith("#oversight")
    assert OversightNote.objects.get().follow_up_of == rag


def test_an_oversight_note_for_a_day_the_child_was_not_in_care_is_refused(ivy, child) -> None:
    response = client_for(ivy).post(
        reverse("reviews:oversight_add", args=[child.public_id]),
        {**date_fields("noted_on", date(2023, 1, 5)), "kind": "file_check", "text": "Checked"},
    )
    assert "The child was not looked after on that date" in text(response)
    assert not OversightNote.objects.exists()


def test_child_page_shows_whether_this_quarters_oversight_is_met(ivy, child) -> None:
    client = client_for(ivy)
    url = reverse("children:detail", args=[child.public_id])
    assert "None this quarter" in text(client.get(url))
    OversightNote.objects.create(
        child=child, author=ivy, noted_on=date(2024, 4, 2), kind="file_check", text="x"
    )
    assert "Quarterly standard met" in text(client.get(url))


def test_timeline_lists_everything_in_date_order_and_filters_by_kind(ivy, child) -> None:
    factories.held_review(child, held_on=date(2023, 4, 28))
    OversightNote.objects.create(
        child=child, author=ivy, noted_on=date(2023, 6, 1), kind="file_check", text="Checked file"
    )
    client = client_for(ivy)
    page = text(client.get(reverse("reviews:timeline", args=[child.public_id])))
    assert (
        page.index("File check")
        < page.index("First review held")
        < page.index("Became looked after")
    )
    only_oversight = text(
        client.get(reverse("reviews:timeline", args=[child.public_id]), {"kind": "oversight"})
    )
    assert "File check" in only_oversight
    assert "First review held" not in only_oversight


@pytest.mark.parametrize("size", [20, 200])
def test_caseload_runs_a_fixed_number_of_queries(ivy, django_assert_max_num_queries, size) -> None:
    for n in range(size):
        kid = factories.looked_after_child(iro=ivy)
        if n % 2:
            factories.held_review(kid, held_on=date(2023, 4, 28))
            OversightNote.objects.create(
                child=kid, author=ivy, noted_on=date(2024, 4, 2), kind="file_check", text="x"
            )
    client = client_for(ivy)
    with django_assert_max_num_queries(12):  # 12: the header's count of new alerts (2)
        response = client.get(reverse("reviews:caseload"), {"sort": "rag"})
    assert response.content.decode().count("/children/") >= size


REVIEW_URLS = ["detail", "record", "finalise", "rearrange", "cancel", "pre_meeting", "decision_add"]


@pytest.mark.parametrize("name", REVIEW_URLS)
@pytest.mark.parametrize(
    ("persona", "own", "foreign"), [("ivy", 200, 404), ("mona", 200, 200), ("ada", 404, 404)]
)
def test_review_urls_answer_each_role_as_its_access_allows(
    request, name, persona, own, foreign, ivy, ian
) -> None:
    mine = factories.held_review(
        factories.looked_after_child(iro=ivy), held_on=date(2024, 5, 1), status="draft"
    )
    theirs = factories.held_review(
        factories.looked_after_child(iro=ian), held_on=date(2024, 5, 1), status="draft"
    )
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(f"reviews:{name}", args=[mine.public_id])).status_code == own
    assert client.get(reverse(f"reviews:{name}", args=[theirs.public_id])).status_code == foreign


@pytest.mark.parametrize("name", ["schedule", "oversight_add", "timeline"])
@pytest.mark.parametrize(
    ("persona", "own", "foreign"), [("ivy", 200, 404), ("mona", 200, 200), ("ada", 404, 404)]
)
def test_child_review_urls_answer_each_role_as_its_access_allows(
    request, name, persona, own, foreign, ivys_child, ians_child
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(f"reviews:{name}", args=[ivys_child.public_id])).status_code == own
    assert (
        client.get(reverse(f"reviews:{name}", args=[ians_child.public_id])).status_code == foreign
    )


def test_denied_review_access_is_audited_against_the_child(ivy, ian) -> None:
    theirs = factories.held_review(factories.looked_after_child(iro=ian), held_on=date(2024, 5, 1))
    client_for(ivy).get(reverse("reviews:detail", args=[theirs.public_id]))
    event = AuditEvent.objects.get(user=ivy)
    assert (event.child, event.allowed, event.action) == (theirs.child, False, "review.view")


@pytest.mark.parametrize("name", ["children:detail", "reviews:timeline"])
def test_child_page_and_timeline_run_a_fixed_number_of_queries(ivy, child, name) -> None:
    """The same queries with 2 reviews and notes as with 20, and never more than 25 (two the
    header's count of new alerts)."""
    client = client_for(ivy)
    url = reverse(name, args=[child.public_id])
    day, counts = date(2023, 4, 20), []
    for size in (2, 20):
        while child.reviews.count() < size:
            factories.held_review(child, held_on=day)
            OversightNote.objects.create(
                child=child, author=ivy, noted_on=day, kind="file_check", text="x"
            )
            day += timedelta(days=20)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 25, counts


def test_a_review_the_child_did_not_take_part_in_suggests_advocacy(ivy, child) -> None:
    review = factories.held_review(child, held_on=date(2023, 4, 28), participation="PN7")
    page = text(client_for(ivy).get(reverse("reviews:detail", args=[review.public_id])))
    assert "did not take part in this review" in page
    assert (
        f"{reverse('support:advocacy_add', args=[child.public_id])}?review={review.public_id}"
        in page
    )


def test_a_scheduled_review_shows_when_the_pre_meeting_oversight_is_due(ivy, child) -> None:
    client = client_for(ivy)
    schedule(client, child, date(2024, 6, 10))  # a Monday: two working days before is Thursday
    review = Review.objects.get()
    page = text(client.get(reverse("reviews:detail", args=[review.public_id])))
    assert "Due by 6 June 2024" in page
