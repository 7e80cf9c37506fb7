"""Reviews of a period are held one after another: never back-dated, never two on one day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from children.models import Child
from iro_service.models import User
from reviews import services
from reviews.models import Review
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import date_fields, record_data, schedule, text


@pytest.fixture
def child(ivy: User) -> Child:
    """In care since 3 April 2023; a review was held on 1 May 2024 (the next is due 1 August)."""
    child = factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own")
    factories.held_review(child, held_on=date(2024, 5, 1))
    return child


def record_held_on(ivy: User, child: Child, day: date):
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get(status="scheduled")
    response = client.post(
        reverse("reviews:record", args=[review.public_id]),
        record_data(review, **date_fields("held_on", day)),
    )
    review.refresh_from_db()
    return response, review


def test_a_review_recorded_as_held_before_one_already_held_is_refused(ivy, child) -> None:
    response, review = record_held_on(ivy, child, date(2024, 4, 20))
    assert "The date held must be after 1 May 2024, when the last review was held" in text(response)
    assert (review.status, review.held_on) == ("scheduled", None)


def test_two_reviews_held_on_the_same_day_are_refused(ivy, child) -> None:
    response, review = record_held_on(ivy, child, date(2024, 5, 1))
    assert "A review was already held on 1 May 2024: two reviews cannot be held on one day" in text(
        response
    )
    assert (review.status, review.held_on) == ("scheduled", None)


def test_a_review_held_after_the_last_one_is_recorded(ivy, child) -> None:
    response, review = record_held_on(ivy, child, date(2024, 5, 30))
    assert response.status_code == 302
    assert (review.status, review.kind) == ("draft", "second")


def test_the_database_refuses_two_reviews_of_a_child_held_on_one_day(child) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.held_review(child, held_on=date(2024, 5, 1))


def test_a_cancelled_review_must_say_why_whoever_saves_it(ivy, child) -> None:
    review = Review.objects.get()
    review.status, review.cancelled_reason = "cancelled", ""
    with pytest.raises(ValidationError):
        review.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()


def test_the_cancel_service_refuses_a_blank_reason_from_any_caller(ivy, child) -> None:
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get(status="scheduled")
    with pytest.raises(ValidationError, match="Enter why the review is cancelled"):
        services.review_cancel(by=ivy, review=review, version=review.version, reason="   ")
    review.refresh_from_db()
    assert review.status == "scheduled"
