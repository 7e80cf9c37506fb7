"""When a child's care ends: scheduled reviews are cancelled and RAG follow-ups end that day."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from children import services as child_services
from children.lifecycle import CareEnded, care_ended
from children.models import Child, PeriodOfCare
from iro_service.models import User
from reviews import services
from reviews.models import RagRating, Review
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import date_fields, text

CEASED = "Ceased to be looked after"
ENDED_ON = date(2024, 6, 3)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def child(ivy: User) -> Child:
    """In care since 3 April 2023; the first review was held on 20 March 2024, the second is due."""
    child = factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own")
    factories.held_review(child, held_on=date(2024, 3, 20))
    return child


def end_care_by_hand(child: Child, by: User, on: date = ENDED_ON) -> PeriodOfCare:
    """Close the period and its episode, then run the steps the end of care runs."""
    period = child.periods.get(end_date=None)
    child.episodes.filter(end_date=None).update(end_date=on, reason_ceased="E13")
    PeriodOfCare.objects.filter(pk=period.pk).update(end_date=on, reason_ceased="E13")
    period.refresh_from_db()
    care_ended(CareEnded(child=child, period=period, on=on, by=by))
    return period


def scheduled(child: Child, by: User, day: date = date(2024, 6, 10)) -> Review:
    return services.review_schedule(by=by, child=child, scheduled_for=at(day), format="in_person")


def open_rating(child: Child, by: User) -> RagRating:
    """An amber rating of the last review whose follow-up (24 June to 15 July) is still to do."""
    return RagRating.objects.create(
        child=child,
        review=child.reviews.get(status="final"),
        rating="amber",
        set_on=date(2024, 5, 20),
        set_by=by,
        follow_up_from=date(2024, 6, 24),
        follow_up_due=date(2024, 7, 15),
    )


def test_ending_care_cancels_a_review_that_is_only_scheduled(ivy, child) -> None:
    review = scheduled(child, ivy)
    end_care_by_hand(child, ivy)
    review.refresh_from_db()
    assert (review.status, review.cancelled_reason) == ("cancelled", CEASED)
    assert AuditEvent.objects.filter(
        child=child, action=Action.REVIEW_CANCEL, object_id=str(review.public_id)
    ).exists()


def test_ending_care_keeps_a_held_review_in_draft_so_it_can_still_be_finalised(ivy, child) -> None:
    draft = factories.held_review(child, held_on=date(2024, 5, 30), status="draft")
    end_care_by_hand(child, ivy)
    draft.refresh_from_db()
    assert draft.status == "draft"
    services.review_finalise(by=ivy, review=draft, version=draft.version, rating="green")
    draft.refresh_from_db()
    assert draft.status == "final"
    # The child has left care: the new rating has no follow-up to chase.
    assert not draft.rag.follow_up_open


def test_ending_care_ends_the_open_rag_follow_up_that_day(ivy, child) -> None:
    rating = open_rating(child, ivy)
    end_care_by_hand(child, ivy)
    rating.refresh_from_db()
    assert (rating.follow_up_ended_on, rating.follow_up_ended_reason) == (ENDED_ON, CEASED)
    assert rating.followed_up_on is None
    assert not rating.follow_up_open


@pytest.mark.time_machine(date(2024, 7, 22), tick=False)
def test_a_follow_up_ended_by_care_ending_is_never_shown_as_due_or_overdue(ivy, child) -> None:
    open_rating(child, ivy)
    end_care_by_hand(child, ivy)
    client = client_for(ivy)
    page = text(client.get(reverse("children:detail", args=[child.public_id])))
    assert "Follow-up due" not in page
    assert "Follow-up ended 3 June 2024: Ceased to be looked after" in page
    form = text(client.get(reverse("reviews:oversight_add", args=[child.public_id])))
    assert "follow up between 24 June 2024" not in form


def test_ending_care_twice_over_changes_nothing_more(ivy, child) -> None:
    review = scheduled(child, ivy)
    period = end_care_by_hand(child, ivy)
    care_ended(CareEnded(child=child, period=period, on=ENDED_ON, by=ivy))
    review.refresh_from_db()
    assert (review.status, review.version) == ("cancelled", 2)


def test_a_child_back_in_care_can_have_their_first_review_scheduled(ivy, child) -> None:
    scheduled(child, ivy)
    end_care_by_hand(child, ivy, on=date(2024, 5, 1))
    child_services.episode_record(
        by=ivy,
        child=child,
        episode=child_services.EpisodeData(
            start_date=date(2024, 5, 27),
            reason_new_episode="S",
            legal_status="V2",
            placement_type="U4",
            placement_provider="PR1",
        ),
    )
    response = client_for(ivy).post(
        reverse("reviews:schedule", args=[child.public_id]),
        {**date_fields("date", date(2024, 6, 20)), "start_time": "10:30", "format": "in_person"},
    )
    assert response.status_code == 302
    review = Review.objects.get(status="scheduled")
    assert (review.kind, review.due_date, review.period.start_date) == (
        "first",
        date(2024, 6, 24),
        date(2024, 5, 27),
    )


def test_ending_care_through_the_service_cancels_the_review_and_ends_the_follow_up(
    ivy, child
) -> None:
    """Through children.services.period_end, which runs the care-ended steps."""
    review = scheduled(child, ivy)
    rating = open_rating(child, ivy)
    draft_child = factories.looked_after_child(iro=ivy)
    draft = factories.held_review(draft_child, held_on=date(2024, 5, 30), status="draft")
    for whose in (child, draft_child):
        child_services.period_end(by=ivy, child=whose, end_date=ENDED_ON, reason_ceased="E13")
    review.refresh_from_db()
    rating.refresh_from_db()
    draft.refresh_from_db()
    assert (review.status, review.cancelled_reason) == ("cancelled", CEASED)
    assert (rating.follow_up_ended_on, rating.follow_up_ended_reason) == (ENDED_ON, CEASED)
    assert draft.status == "draft"
