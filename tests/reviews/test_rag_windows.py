"""RAG follow-up windows run from the review meeting; the IRO's reason is shown; late is noted."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from children.models import Child
from iro_service.models import User
from reviews import rules, services
from reviews.models import OversightNote, RagRating, Review
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import date_fields, text


@pytest.fixture
def child(ivy: User) -> Child:
    """In care since 3 April 2023; the first review was held on 28 April 2023."""
    child = factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own")
    factories.held_review(child, held_on=date(2023, 4, 28))
    return child


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        ("red", (date(2024, 5, 20), date(2024, 6, 17))),
        ("amber", (date(2024, 6, 24), date(2024, 7, 15))),
        ("green", (date(2024, 8, 6), date(2024, 9, 3))),
    ],
)
def test_rag_windows_count_from_the_day_of_the_review_meeting(rating, expected) -> None:
    assert (
        rules.rag_follow_up_window(
            rating=rating, held_on=date(2024, 5, 20), next_review_due=date(2024, 11, 20)
        )
        == expected
    )


def test_a_rating_set_days_after_the_meeting_keeps_the_window_of_the_meeting(ivy, child) -> None:
    draft = factories.held_review(child, held_on=date(2024, 5, 20), status="draft")
    services.review_finalise(by=ivy, review=draft, version=draft.version, rating="amber")
    rag = RagRating.objects.get(review=draft)
    assert (rag.set_on, rag.follow_up_from, rag.follow_up_due) == (
        date(2024, 6, 3),
        date(2024, 6, 24),
        date(2024, 7, 15),
    )


def test_a_review_finalised_after_its_successor_was_due_can_still_be_rated_green(
    ivy, child
) -> None:
    # Held on 20 July 2023, finalised on 3 June 2024: the next review was due 20 January 2024.
    draft = factories.held_review(child, held_on=date(2023, 7, 20), status="draft")
    response = client_for(ivy).post(
        reverse("reviews:finalise", args=[draft.public_id]),
        {"version": str(draft.version), "rating": "green"},
    )
    assert response.status_code == 302
    rag = RagRating.objects.get(review=draft)
    assert (rag.rating, rag.follow_up_from, rag.follow_up_due) == (
        "green",
        date(2023, 10, 6),
        date(2023, 11, 3),
    )


def test_an_unknown_rating_is_refused_with_a_message_that_says_so(ivy, child) -> None:
    draft = factories.held_review(child, held_on=date(2024, 5, 20), status="draft")
    with pytest.raises(ValidationError, match="Select a RAG rating: red, amber or green"):
        services.review_finalise(by=ivy, review=draft, version=draft.version, rating="purple")
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_reason_for_a_rating_is_shown_on_the_review_the_child_page_and_the_timeline(
    ivy, child
) -> None:
    draft = factories.held_review(child, held_on=date(2024, 5, 20), status="draft")
    client = client_for(ivy)
    client.post(
        reverse("reviews:finalise", args=[draft.public_id]),
        {
            "version": str(draft.version),
            "rating": "amber",
            "rating_reason": "Contact with her brother keeps being cancelled",
        },
    )
    reason = "Contact with her brother keeps being cancelled"
    assert reason in text(client.get(reverse("reviews:detail", args=[draft.public_id])))
    assert reason in text(client.get(reverse("children:detail", args=[child.public_id])))
    assert reason in text(client.get(reverse("reviews:timeline", args=[child.public_id])))


def rating(child: Child, by: User, *, rating: str, start: date, end: date) -> RagRating:
    review = Review.objects.get(child=child)
    return RagRating.objects.create(
        child=child,
        review=review,
        rating=rating,
        set_on=review.held_on,
        set_by=by,
        follow_up_from=start,
        follow_up_due=end,
    )


def follow_up(ivy: User, child: Child, rag: RagRating, day: date):
    return client_for(ivy).post(
        reverse("reviews:oversight_add", args=[child.public_id]),
        {
            **date_fields("noted_on", day),
            "kind": "sw_update",
            "text": "Spoke to the social worker",
            "follow_up_of": str(rag.public_id),
        },
        follow=True,
    )


def test_a_follow_up_a_few_days_after_the_window_is_accepted_with_a_note_of_how_late(
    ivy, child
) -> None:
    rag = rating(child, ivy, rating="red", start=date(2023, 4, 28), end=date(2023, 5, 26))
    response = follow_up(ivy, child, rag, date(2023, 5, 29))
    assert "Followed up 3 days after the window closed" in text(response)
    rag.refresh_from_db()
    assert rag.followed_up_on == date(2023, 5, 29)
    assert OversightNote.objects.get().follow_up_of == rag
    page = text(client_for(ivy).get(reverse("reviews:timeline", args=[child.public_id])))
    assert "Followed up 3 days after the window closed" in page


def test_a_follow_up_before_the_window_opens_is_accepted_with_a_note_of_how_early(
    ivy, child
) -> None:
    rag = rating(child, ivy, rating="amber", start=date(2023, 6, 2), end=date(2023, 6, 23))
    response = follow_up(ivy, child, rag, date(2023, 5, 31))
    assert "Followed up 2 days before the window opened" in text(response)
    rag.refresh_from_db()
    assert rag.followed_up_on == date(2023, 5, 31)


def test_a_follow_up_dated_before_the_review_itself_is_refused(ivy, child) -> None:
    rag = rating(child, ivy, rating="amber", start=date(2023, 6, 2), end=date(2023, 6, 23))
    response = follow_up(ivy, child, rag, date(2023, 4, 20))
    assert (
        "A follow-up of the amber rating must be dated on or after the review on 28 April 2023"
        in text(response)
    )
    assert not OversightNote.objects.exists()
