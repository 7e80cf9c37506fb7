"""The demo council's reviews, RAG and oversight look like a real service's year."""

from datetime import date, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from escalations.models import Escalation
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
