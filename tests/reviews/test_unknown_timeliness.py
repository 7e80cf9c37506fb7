"""Where the history held cannot establish a review's due date, its timeliness is unknown."""

from datetime import date

import pytest
from django.urls import reverse

from children.models import Child
from iro_service.models import User
from reviews import rules, selectors, services
from reviews.models import Review
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import record_data, schedule, text

UNKNOWN = "Timeliness unknown: the history held starts on 6 April 2021"


@pytest.fixture
def long_stayer(ivy: User) -> Child:
    """Looked after since 2 March 2015; the earliest episode the app holds starts 6 April 2021."""
    child = factories.looked_after_child(
        iro=ivy, start=date(2015, 3, 2), first_name="Lee", last_name="Long"
    )
    child.episodes.update(start_date=date(2021, 4, 6))
    return child


@pytest.mark.parametrize("held", [[], [date(2021, 5, 10)]], ids=["none-held", "one-held"])
def test_with_fewer_than_two_reviews_held_since_the_history_starts_the_due_date_is_unknown(
    held,
) -> None:
    due = rules.next_review_due(
        period_start=date(2015, 3, 2), held_reviews=held, history_from=date(2021, 4, 6)
    )
    assert (due.kind, due.due, due.counted_from, due.known) == ("unknown", None, None, False)
    assert due.reason == UNKNOWN


def test_two_reviews_held_establish_the_next_due_date_again() -> None:
    due = rules.next_review_due(
        period_start=date(2015, 3, 2),
        held_reviews=[date(2021, 5, 10), date(2021, 11, 8)],
        history_from=date(2021, 4, 6),
    )
    assert (due.kind, due.due, due.counted_from) == ("later", date(2022, 5, 8), date(2021, 11, 8))


def test_a_period_that_began_within_the_history_held_is_counted_as_usual() -> None:
    due = rules.next_review_due(
        period_start=date(2021, 4, 6), held_reviews=[], history_from=date(2021, 4, 6)
    )
    assert (due.kind, due.due) == ("first", date(2021, 5, 5))


def test_a_review_whose_due_date_cannot_be_known_is_stored_with_no_due_date(
    ivy, long_stayer
) -> None:
    schedule(client_for(ivy), long_stayer)
    review = Review.objects.get()
    assert (review.kind, review.due_date, review.counted_from) == ("unknown", None, None)
    assert review.timeliness == "unknown"


def test_a_review_of_unknown_timeliness_is_finalised_with_no_late_reason_and_is_never_late(
    ivy, long_stayer
) -> None:
    client = client_for(ivy)
    schedule(client, long_stayer)
    review = Review.objects.get()
    client.post(reverse("reviews:record", args=[review.public_id]), record_data(review))
    review.refresh_from_db()
    response = client.post(
        reverse("reviews:finalise", args=[review.public_id]),
        {"version": str(review.version), "rating": "green"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.due_date, review.is_late, review.timeliness) == (
        "final",
        None,
        False,
        "unknown",
    )
    assert review.late_reason == ""


def test_every_screen_says_in_words_that_the_timeliness_is_unknown(ivy, long_stayer) -> None:
    held = factories.held_review(long_stayer, held_on=date(2021, 5, 10))
    assert (held.due_date, held.is_late) == (None, False)
    client = client_for(ivy)
    child_page = text(client.get(reverse("children:detail", args=[long_stayer.public_id])))
    assert UNKNOWN in child_page
    assert "Overdue" not in child_page
    caseload = text(client.get(reverse("reviews:caseload")))
    assert "Timeliness unknown" in caseload
    assert "Overdue by" not in caseload  # the tag; "Overdue" is also a filter choice
    detail = text(client.get(reverse("reviews:detail", args=[held.public_id])))
    assert UNKNOWN in detail
    assert "Late" not in detail
    timeline = text(client.get(reverse("reviews:timeline", args=[long_stayer.public_id])))
    assert "Timeliness unknown" in timeline


def test_reviews_of_unknown_timeliness_are_left_out_of_the_percentage_in_time(
    ivy, long_stayer
) -> None:
    factories.held_review(long_stayer, held_on=date(2021, 5, 10))
    in_time = factories.held_review(
        factories.looked_after_child(iro=ivy), held_on=date(2023, 4, 28)
    )
    late = factories.held_review(factories.looked_after_child(iro=ivy), held_on=date(2023, 6, 1))
    assert not in_time.is_late
    assert late.is_late
    timeliness = selectors.review_timeliness(Review.objects.held())
    assert (timeliness.in_time, timeliness.late, timeliness.unknown) == (1, 1, 1)
    assert timeliness.percent_in_time == 50


def test_the_finalise_service_recounts_an_unknown_due_date_rather_than_invent_one(
    ivy, long_stayer
) -> None:
    draft = factories.held_review(long_stayer, held_on=date(2024, 5, 30), status="draft")
    services.review_finalise(by=ivy, review=draft, version=draft.version, rating="amber")
    draft.refresh_from_db()
    assert (draft.kind, draft.due_date, draft.counted_from) == ("unknown", None, None)
