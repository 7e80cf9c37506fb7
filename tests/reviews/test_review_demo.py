"""The demo council's reviews, RAG and oversight look like a real service's year."""

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from escalations.models import Escalation
from reviews import rules, services
from reviews.models import OversightNote, RagRating, Review

YEAR = (date(2024, 4, 1), date(2025, 3, 31))


TODAY = date(2025, 6, 30)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.get_current_timezone())


@pytest.fixture(scope="module")
def demo_council(django_db_setup, django_db_blocker):
    """The demo council, built once for the module on a fixed day and flushed after its last test."""
    with django_db_blocker.unblock(), time_machine.travel(_noon(TODAY), tick=False):
        call_command(
            "seed_demo", "--children=200", "--seed=5", f"--today={TODAY}", stdout=StringIO()
        )
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--no-input", verbosity=0)


@pytest.fixture
def demo(demo_council, db) -> None:
    """The demo council, read on the day it was built up to."""
    with time_machine.travel(_noon(TODAY), tick=False):
        yield


def test_demo_reviews_are_mostly_in_time_and_every_late_one_has_a_reason(demo) -> None:
    held = Review.objects.held().filter(held_on__range=YEAR)
    late = held.filter(held_on__gt=F("due_date"))
    assert held.count() > 300
    assert late.count() <= held.count() * 0.03
    assert not late.filter(late_reason="").exists()


def test_demo_rag_ratings_are_mostly_green_with_a_few_red(demo) -> None:
    counts = dict(
        RagRating.objects.filter(set_on__range=YEAR).values_list("rating").annotate(n=Count("pk"))
    )
    total = sum(counts.values())
    assert 0.7 < counts["green"] / total < 0.9
    assert 0.1 < counts["amber"] / total < 0.26
    assert 0 < counts.get("red", 0) / total < 0.06


def test_demo_oversight_is_about_five_notes_a_child_a_year(demo) -> None:
    notes = OversightNote.objects.filter(noted_on__range=YEAR).count()
    assert 200 * 3.5 < notes < 200 * 7


def test_demo_records_pass_validation_and_escalations_exist(demo) -> None:
    for review in Review.objects.order_by("?")[:20]:
        review.full_clean()
    assert Escalation.objects.exists()
    assert (
        Review.objects.filter(status="scheduled").count()
        <= Review.objects.values("child").distinct().count()
    )


def test_every_demo_review_passes_the_rules_the_review_services_apply(demo) -> None:
    held = Review.objects.held().select_related("child", "period")
    latest: dict[int, Review] = {}
    for review in held.order_by("held_on"):
        assert services.age_problems(review) == {}, review.pk
        latest[review.period_id] = review
    for review in latest.values():  # each period's reviews were recorded in order
        services.validate_record(review)
    assert not held.values("child", "held_on").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for review in held.order_by("?")[:40]:
        due = services.review_due(review.period, before=review, on=review.held_on)
        assert (review.regime, review.kind, review.due_date) == (
            due.regime,
            due.kind,
            due.due,
        )
    for review in Review.objects.filter(status="scheduled"):
        late = rules.schedule_warning(
            day=timezone.localdate(review.scheduled_for), due=review.due_date, today=TODAY
        )
        assert bool(review.late_schedule_reason) == bool(late), review.pk


def test_demo_rag_follow_ups_run_from_the_meeting_and_end_when_care_ends(demo) -> None:
    for rag in RagRating.objects.select_related("review", "child").order_by("?")[:200]:
        assert rag.follow_up_from >= rag.review.held_on
        if rag.followed_up_on:
            assert rag.child.was_looked_after_on(rag.followed_up_on)
    still_open = RagRating.objects.filter(followed_up_on=None, follow_up_ended_on=None)
    assert not still_open.exclude(child__periods__end_date=None).exists()
