"""The stored next review due and latest RAG rating are what the rules compute, after every kind
of save that moves them, after the demo is built, and once a scan has put a stale one right
(ADR 0017, 0018)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from alerts import services as alerts
from children.models import PeriodOfCare
from reviews import services
from reviews.selectors import next_reviews_due
from tests import factories

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def stored(child) -> date | None:
    return PeriodOfCare.objects.get(child=child, end_date=None).next_review_due


def stored_rating(child) -> str:
    return PeriodOfCare.objects.get(child=child, end_date=None).latest_rating


def computed(child) -> date | None:
    found = next_reviews_due(type(child).objects.filter(pk=child.pk)).get(child.pk)
    return found.due if found else None


def test_each_save_that_moves_the_next_review_stores_it_again(
    ivy, django_capture_on_commit_callbacks
):
    child = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    services.period_summary_refresh()
    assert stored(child) == computed(child) == date(2024, 4, 30)
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_schedule(
            by=ivy,
            child=child,
            scheduled_for=datetime.combine(date(2024, 4, 29), time(10), tzinfo=LONDON),
            format="in_person",
            late_schedule_reason="Recorded after the meeting",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.review_record(
            by=ivy,
            review=review,
            version=review.version,
            data={"held_on": date(2024, 4, 29), "format": "in_person", "chair": "iro"},
        )
    # Held on 29 April: the second review is due within 3 months (reg. 33(2)).
    assert stored(child) == computed(child) == date(2024, 7, 29)


def test_a_child_who_leaves_care_has_no_stored_due_date(ivy):
    child = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    services.period_summary_refresh()
    period = child.periods.get()
    period.end_date = date(2024, 6, 1)
    period.save()
    services.period_summary_refresh(child_ids=[child.pk])
    assert PeriodOfCare.objects.get(pk=period.pk).next_review_due is None


def test_the_scan_puts_a_stale_stored_date_right(ivy):
    child = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    PeriodOfCare.objects.filter(child=child).update(next_review_due=date(2030, 1, 1))
    alerts.alerts_scan(today=date(2024, 6, 3))
    assert stored(child) == date(2024, 4, 30)


def test_the_demo_council_stores_every_childs_next_review_due(db):
    from django.core.management import call_command

    call_command("seed_demo", "--children", "60", "--seed", "7", "--today", "2024-06-03")
    assert PeriodOfCare.objects.exclude(next_review_due=None).exists()
    assert PeriodOfCare.objects.exclude(latest_rating="").exists()
    assert services.period_summary_refresh() == 0  # nothing left to put right


def test_finalising_a_review_stores_the_rating_it_sets(ivy, django_capture_on_commit_callbacks):
    child = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    factories.RagRatingFactory(child=child, rating="red", set_on=date(2024, 4, 30), set_by=ivy)
    services.period_summary_refresh()
    assert stored_rating(child) == "red"
    draft = factories.held_review(child, held_on=date(2024, 5, 20), status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.review_finalise(by=ivy, review=draft, version=draft.version, rating="green")
    assert stored_rating(child) == "green"


def test_a_child_not_rated_yet_and_a_period_that_ended_store_no_rating(ivy):
    rated = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    factories.RagRatingFactory(child=rated, rating="amber", set_by=ivy)
    unrated = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    services.period_summary_refresh()
    assert (stored_rating(rated), stored_rating(unrated)) == ("amber", "")
    period = rated.periods.get()
    period.end_date = date(2024, 6, 1)
    period.save()
    services.period_summary_refresh(child_ids=[rated.pk])
    assert PeriodOfCare.objects.get(pk=period.pk).latest_rating == ""


def test_the_scan_puts_a_stale_stored_rating_right(ivy):
    child = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    factories.RagRatingFactory(child=child, rating="amber", set_by=ivy)
    PeriodOfCare.objects.filter(child=child).update(latest_rating="red")
    alerts.alerts_scan(today=date(2024, 6, 3))
    assert stored_rating(child) == "amber"


def stored_iro(child):
    return PeriodOfCare.objects.get(child=child, end_date=None).allocated_iro


@time_machine.travel(datetime(2024, 6, 3, 9, tzinfo=LONDON), tick=False)
def test_allocating_reallocating_and_ending_store_the_iro_held_today(
    ivy, ian, mona, django_capture_on_commit_callbacks
):
    from children import services as children

    child = factories.looked_after_child(start=date(2024, 4, 2))
    services.period_summary_refresh()
    assert stored_iro(child) is None  # waiting for an IRO
    with django_capture_on_commit_callbacks(execute=True):
        children.allocation_make(by=mona, child=child, iro=ivy, start_date=date(2024, 6, 3))
    assert stored_iro(child) == ivy
    with django_capture_on_commit_callbacks(execute=True):
        children.allocation_make(by=mona, child=child, iro=ian, start_date=date(2024, 6, 3))
    assert stored_iro(child) == ian
    with django_capture_on_commit_callbacks(execute=True):
        children.allocation_end(by=mona, child=child, end_date=date(2024, 6, 3))
    assert stored_iro(child) is None


def test_an_allocation_yet_to_start_is_stored_by_the_scan_on_its_first_day(ivy):
    child = factories.looked_after_child(start=date(2024, 4, 2))
    factories.AllocationFactory(child=child, iro=ivy, start_date=date(2024, 6, 10))
    alerts.alerts_scan(today=date(2024, 6, 7))
    assert stored_iro(child) is None  # not held yet: still waiting
    alerts.alerts_scan(today=date(2024, 6, 10))
    assert stored_iro(child) == ivy


def test_the_stored_iro_of_every_open_period_is_the_open_allocations(ivy, ian):
    """Recomputed from the allocations: what the dashboard counts is who holds each child."""
    held = [factories.looked_after_child(iro=iro) for iro in (ivy, ian, ivy)]
    waiting = factories.looked_after_child()
    services.period_summary_refresh()
    for child in [*held, waiting]:
        allocation = child.allocations.filter(end_date=None).first()
        assert stored_iro(child) == (allocation.iro if allocation else None)
    assert services.period_summary_refresh() == 0
