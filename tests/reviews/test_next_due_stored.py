"""The stored next review due is what the rule computes, after every kind of save that moves
it, after the demo is built, and once a scan has put a stale one right (ADR 0017)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from alerts import services as alerts
from children.models import PeriodOfCare
from reviews import services
from reviews.selectors import next_reviews_due
from tests import factories

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def stored(child) -> date | None:
    return PeriodOfCare.objects.get(child=child, end_date=None).next_review_due


def computed(child) -> date | None:
    found = next_reviews_due(type(child).objects.filter(pk=child.pk)).get(child.pk)
    return found.due if found else None


def test_each_save_that_moves_the_next_review_stores_it_again(
    ivy, django_capture_on_commit_callbacks
):
    child = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))
    services.next_due_refresh()
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
    services.next_due_refresh()
    period = child.periods.get()
    period.end_date = date(2024, 6, 1)
    period.save()
    services.next_due_refresh(child_ids=[child.pk])
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
    assert services.next_due_refresh() == 0  # nothing left to put right
