"""The review record agrees with itself: the child's age, the review date, what is pending."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from children.models import Child
from iro_service.models import User
from reviews import rules, services
from reviews.models import Review
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import date_fields, record_data, schedule, text


@pytest.fixture
def child(ivy: User) -> Child:
    """Born 17 May 2012, so 12 at a review on 30 May 2024; in care since 3 April 2023."""
    return factories.looked_after_child(
        iro=ivy, first_name="Amy", last_name="Own", date_of_birth=date(2012, 5, 17)
    )


def record(ivy: User, child: Child, **overrides: object):
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get()
    response = client.post(
        reverse("reviews:record", args=[review.public_id]), record_data(review, **overrides)
    )
    review.refresh_from_db()
    return response, review


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (3, "none"),
        (4, "4_7"),
        (7, "4_7"),
        (8, "8_12"),
        (12, "8_12"),
        (13, "13_plus"),
        (17, "13_plus"),
    ],
)
def test_each_age_has_its_consultation_papers(age, band) -> None:
    assert rules.consultation_band_for(age) == band


def test_consultation_papers_for_another_age_band_are_refused(ivy, child) -> None:
    response, review = record(ivy, child, consultation_papers="13_plus")
    assert (
        "The child was 12 at the review: choose the papers for ages 8 to 12, or none used"
        in text(response)
    )
    assert review.status == "scheduled"


@pytest.mark.parametrize("band", ["8_12", "none"])
def test_the_papers_for_the_childs_age_or_none_are_accepted(ivy, child, band) -> None:
    response, review = record(ivy, child, consultation_papers=band)
    assert response.status_code == 302
    assert review.consultation_papers == band


def test_a_question_that_applies_at_the_childs_age_cannot_be_not_applicable(ivy, child) -> None:
    response, review = record(ivy, child, m_health_assessment="na", m_sdq="na")
    page = text(response)
    assert "Health assessment up to date applies to a child of 12: answer yes or no" in page
    assert (
        "Strengths and difficulties questionnaire (SDQ) completed applies to a child of 12: "
        "answer yes or no" in page
    )
    assert review.status == "scheduled"


def test_a_question_for_another_age_can_be_not_applicable(ivy, child) -> None:
    response, review = record(ivy, child, m_eet="na", m_suitable_accommodation="na")
    assert response.status_code == 302
    assert review.monitoring["eet"] == "na"


def test_the_record_form_says_which_ages_a_question_applies_to(ivy, child) -> None:
    client = client_for(ivy)
    schedule(client, child)
    review = Review.objects.get()
    page = text(client.get(reverse("reviews:record", args=[review.public_id])))
    assert "Applies to children aged 16 and over" in page


def test_a_decision_cannot_be_due_before_the_review(ivy, child) -> None:
    review = factories.held_review(child, held_on=date(2024, 5, 1))
    response = client_for(ivy).post(
        reverse("reviews:decision_add", args=[review.public_id]),
        {
            "text": "Book a dental check",
            "owner": "Carer",
            **date_fields("due_date", date(2024, 4, 20)),
        },
    )
    assert "The date it must be done by must be on or after the review on 1 May 2024" in text(
        response
    )
    assert not review.decisions.exists()
    with pytest.raises(ValidationError):
        services.decision_add(
            by=ivy,
            review=review,
            text="Book a dental check",
            owner="Carer",
            due_date=date(2024, 4, 30),
        )


def test_a_decision_of_a_scheduled_review_cannot_be_due_before_the_day_it_is_booked(
    ivy, child
) -> None:
    review = services.review_schedule(
        by=ivy,
        child=child,
        scheduled_for=timezone.make_aware(datetime.combine(date(2024, 6, 10), time(10))),
        format="in_person",
        late_schedule_reason="Notified late",
    )
    with pytest.raises(ValidationError, match="on or after the review on 10 June 2024"):
        services.decision_add(
            by=ivy,
            review=review,
            text="Book a dental check",
            owner="Carer",
            due_date=date(2024, 6, 7),
        )


def test_a_finalised_review_no_longer_shows_its_booking_and_pre_meeting_as_pending(
    ivy, child
) -> None:
    review = factories.held_review(
        child,
        held_on=date(2024, 5, 1),
        scheduled_for=timezone.make_aware(datetime.combine(date(2024, 5, 1), time(10))),
    )
    page = text(client_for(ivy).get(reverse("reviews:detail", args=[review.public_id])))
    assert "Scheduled for" not in page
    assert "Due by 29 April 2024" not in page
    assert "Held on" in page
