"""The whole demo council is believable: every record it writes passes the services' validation.

The council is built once for the module (30 children, ten years of history) and every
record of every kind is then checked: model validation as the services run it, and the
rules people would notice (meetings on working days, no full care order made at 17, no
plan or review for a child without an IRO).
"""

from collections.abc import Iterator
from datetime import date, datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from children.models import Allocation, Child, Episode
from core.models import Record
from iro_service.working_days import is_working_day
from reviews.models import Review
from support.models import InContactPlan

TODAY = date(2025, 6, 30)
DEMO_APPS = ("children", "reviews", "support", "escalations")


@pytest.fixture(scope="module")
def council(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo council as `seed_demo` writes it, built once and flushed after the module."""
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False):
        call_command(
            "seed_demo", "--children=30", "--seed=11", f"--today={TODAY}", stdout=StringIO()
        )
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--no-input", verbosity=0)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    """The clock stands on the day the demo was built up to."""
    with time_machine.travel(TODAY, tick=False):
        yield


def demo_models() -> list[type[models.Model]]:
    """Every concrete case-record model of the demo's apps."""
    return [
        model
        for app in DEMO_APPS
        for model in apps.get_app_config(app).get_models()
        if issubclass(model, Record)
    ]


def _related(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


@pytest.mark.parametrize("model", demo_models(), ids=lambda model: model.__name__)
def test_every_record_the_demo_writes_passes_model_validation(
    council: None, db: None, model: type[models.Model]
) -> None:
    failures = []
    for obj in model._default_manager.select_related(*_related(model)).iterator(chunk_size=500):
        try:
            # Unique and check constraints are the database's own; everything else is here.
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            failures.append((obj.pk, error.message_dict))
    assert failures[:5] == []


def test_reviews_are_held_and_scheduled_on_working_days(council: None, db: None) -> None:
    held = Review.objects.exclude(held_on=None).values_list("held_on", flat=True)
    scheduled = Review.objects.exclude(scheduled_for=None).values_list("scheduled_for", flat=True)
    assert [day for day in held if not is_working_day(day)] == []
    assert [when for when in scheduled if not is_working_day(_local_day(when))] == []


def _local_day(when: datetime) -> date:
    return timezone.localtime(when).date()


# Reasons for a new episode that mean a new legal status (SSDA903 RNE): the order was made then.
NEW_LEGAL_STATUS = ("S", "L", "T", "B", "U")


def test_no_full_care_order_is_made_for_a_child_of_17_or_over(council: None, db: None) -> None:
    """A care order cannot be made for a child of 17 or over (Children Act 1989, s.31(3))."""
    orders = Episode.objects.filter(
        legal_status="C2", reason_new_episode__in=NEW_LEGAL_STATUS
    ).select_related("child")
    made_at_17 = [
        (e.child.child_ref, e.start_date) for e in orders if e.child.age_on(e.start_date) >= 17
    ]
    assert made_at_17 == []


def _had_iro_on(child: Child, day: date) -> bool:
    return (
        Allocation.objects.filter(child=child).in_force_on(day).exists()  # type: ignore[attr-defined]
    )


def test_no_plan_is_agreed_or_review_scheduled_for_a_child_without_an_iro(
    council: None, db: None
) -> None:
    plans = InContactPlan.objects.select_related("child")
    unallocated_plans = [p.pk for p in plans if not _had_iro_on(p.child, p.start_date)]
    scheduled = Review.objects.filter(status="scheduled").select_related("child")
    unallocated_reviews = [
        r.pk for r in scheduled if not _had_iro_on(r.child, _local_day(r.scheduled_for))
    ]
    assert unallocated_plans == []
    assert unallocated_reviews == []
