"""A review booked after its due date, or in the past, needs a reason, and is flagged."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from children.models import Child
from iro_service.models import User
from reviews import services
from reviews.models import Review
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import date_fields, text

FLAG = "Scheduled after due date"
REASON = "The family are away until 9 June"


@pytest.fixture
def child(ivy: User) -> Child:
    """The first review was held on 4 March 2024, so the second is due by 4 June 2024."""
    child = factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own")
    factories.held_review(child, held_on=date(2024, 3, 4))
    return child


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def schedule(ivy: User, child: Child, day: date, **extra: str):
    return client_for(ivy).post(
        reverse("reviews:schedule", args=[child.public_id]),
        {**date_fields("date", day), "start_time": "10:30", "format": "in_person", **extra},
    )


def test_booking_a_review_after_its_due_date_asks_for_a_reason_and_a_confirmation(
    ivy, child
) -> None:
    page = text(schedule(ivy, child, date(2024, 6, 10)))
    assert "This review is due by 4 June 2024: 10 June 2024 is 6 days after it is due" in page
    assert "Enter why the review is booked for this date" in page
    assert "Confirm the review is to be booked for this date" in page
    assert not Review.objects.filter(status="scheduled").exists()


def test_a_late_booking_with_a_reason_and_confirmation_is_saved_and_flagged(ivy, child) -> None:
    response = schedule(
        ivy,
        child,
        date(2024, 6, 10),
        late_schedule_reason=REASON,
        confirm_late_schedule="on",
    )
    assert response.status_code == 302
    review = Review.objects.get(status="scheduled")
    assert review.late_schedule_reason == REASON
    assert review.scheduled_after_due
    client = client_for(ivy)
    assert FLAG in text(client.get(reverse("reviews:caseload")))
    assert FLAG in text(client.get(reverse("children:detail", args=[child.public_id])))
    assert REASON in text(client.get(reverse("reviews:detail", args=[review.public_id])))
    event = AuditEvent.objects.get(action="review.schedule", kind="change")
    assert event.detail == {"scheduled_after_due": True}


def test_a_reason_without_the_confirmation_is_not_enough(ivy, child) -> None:
    page = text(schedule(ivy, child, date(2024, 6, 10), late_schedule_reason=REASON))
    assert "Confirm the review is to be booked for this date" in page
    assert not Review.objects.filter(status="scheduled").exists()


def test_booking_a_review_in_the_past_asks_for_a_reason(ivy, child) -> None:
    page = text(schedule(ivy, child, date(2024, 5, 31)))
    assert "31 May 2024 is in the past" in page
    assert "Enter why the review is booked for this date" in page
    assert not Review.objects.filter(status="scheduled").exists()


def test_a_review_booked_by_its_due_date_asks_no_questions_and_is_not_flagged(ivy, child) -> None:
    client = client_for(ivy)
    form = text(client.get(reverse("reviews:schedule", args=[child.public_id])))
    assert "late_schedule_reason" not in form
    response = schedule(ivy, child, date(2024, 6, 4))
    assert response.status_code == 302
    review = Review.objects.get(status="scheduled")
    assert (review.late_schedule_reason, review.scheduled_after_due) == ("", False)
    assert FLAG not in text(client.get(reverse("reviews:caseload")))


def test_the_schedule_service_refuses_a_late_date_without_a_reason_from_any_caller(
    ivy, child
) -> None:
    with pytest.raises(ValidationError, match="Enter why the review is booked for this date"):
        services.review_schedule(
            by=ivy, child=child, scheduled_for=at(date(2024, 6, 10)), format="in_person"
        )
    with pytest.raises(ValidationError, match="Enter why the review is booked for this date"):
        services.review_schedule(
            by=ivy, child=child, scheduled_for=at(date(2024, 5, 31)), format="in_person"
        )
    assert not Review.objects.filter(status="scheduled").exists()


def test_rearranging_a_review_to_after_its_due_date_asks_for_a_reason_and_flags_it(
    ivy, child
) -> None:
    review = services.review_schedule(
        by=ivy, child=child, scheduled_for=at(date(2024, 6, 4)), format="in_person"
    )
    url = reverse("reviews:rearrange", args=[review.public_id])
    moved = {
        "version": str(review.version),
        **date_fields("date", date(2024, 6, 12)),
        "start_time": "14:00",
        "reason": "Carer ill",
    }
    client = client_for(ivy)
    page = text(client.post(url, moved))
    assert "This review is due by 4 June 2024: 12 June 2024 is 8 days after it is due" in page
    review.refresh_from_db()
    assert review.scheduled_for == at(date(2024, 6, 4))
    response = client.post(
        url, {**moved, "late_schedule_reason": REASON, "confirm_late_schedule": "on"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.late_schedule_reason, review.scheduled_after_due) == (REASON, True)
    with pytest.raises(ValidationError, match="Enter why the review is booked for this date"):
        services.review_rearrange(
            by=ivy,
            review=review,
            version=review.version,
            scheduled_for=at(date(2024, 6, 14)),
            reason="Carer still ill",
        )


def test_rearranging_back_within_the_due_date_clears_the_flag(ivy, child) -> None:
    review = services.review_schedule(
        by=ivy,
        child=child,
        scheduled_for=at(date(2024, 6, 10)),
        format="in_person",
        late_schedule_reason=REASON,
    )
    services.review_rearrange(
        by=ivy,
        review=review,
        version=review.version,
        scheduled_for=at(date(2024, 6, 4)),
        reason="Family back early",
    )
    review.refresh_from_db()
    assert (review.late_schedule_reason, review.scheduled_after_due) == ("", False)


def test_the_start_time_box_has_a_gov_uk_width(ivy, child) -> None:
    form = client_for(ivy).get(reverse("reviews:schedule", args=[child.public_id]))
    box = next(
        line for line in form.content.decode().split("<input") if 'name="start_time"' in line
    )
    assert "govuk-input " in box or 'govuk-input"' in box
    assert "govuk-input--width-5" in box
