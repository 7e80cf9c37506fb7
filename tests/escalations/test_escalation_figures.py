"""The annual report's escalation figures, and the demo data that feeds them."""

import random
from datetime import date

import pytest

from escalations import demo, services
from escalations.models import Escalation, Status
from escalations.selectors import escalation_figures
from tests import factories
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db

YEAR = (date(2020, 4, 1), date(2021, 3, 31))


def test_figures_count_formal_escalations_raised_in_the_year(ivy, mona, ivys_child, ians_child):
    make_escalation(
        child=ivys_child,
        by=ivy,
        raised_on=date(2020, 6, 1),
        areas=("health", "contact"),
        closed_on=date(2020, 6, 10),
    )
    second = make_escalation(
        child=ivys_child, by=ivy, stage="stage_2", raised_on=date(2021, 3, 1), areas=("health",)
    )
    services.escalation_move(
        by=ivy,
        escalation=second,
        to_stage="cafcass",
        expected_stage="stage_2",
        version=1,
        on=date(2021, 3, 20),
        addressed_to_name="Cafcass duty officer",
        addressed_to_role="Cafcass",
        reason="Care plan unlawful",
    )
    make_escalation(child=ians_child, by=mona, raised_on=date(2020, 9, 1), areas=("placement",))
    # Not counted: informal, and raised outside the year.
    make_escalation(child=ians_child, by=mona, stage="informal", raised_on=date(2020, 9, 1))
    make_escalation(child=ians_child, by=mona, raised_on=date(2021, 4, 1))

    assert escalation_figures(*YEAR) == {
        "raised": 3,
        "children": 2,
        "areas_of_concern": 4,
        "areas_by_area": {"health": 2, "contact": 1, "placement": 1},
        "resolved_at": {"stage_1": 1},
        "closed_in_time": 1,
        "cafcass_referrals": 1,
    }


def test_figures_for_an_empty_year_are_zero(db):
    assert escalation_figures(*YEAR) == {
        "raised": 0,
        "children": 0,
        "areas_of_concern": 0,
        "areas_by_area": {},
        "resolved_at": {},
        "closed_in_time": 0,
        "cafcass_referrals": 0,
    }


def test_demo_escalations_look_like_the_seed(ivy, ian, time_machine):
    today = date(2026, 11, 27)
    time_machine.move_to(today, tick=False)
    children = [factories.looked_after_child(iro=ivy if n % 2 else ian) for n in range(30)]
    iros = {child: (ivy if n % 2 else ian) for n, child in enumerate(children)}
    created = demo.build_demo_escalations(
        rng=random.Random(4), today=today, children=children, iros_by_child=iros, created_by=ivy
    )
    assert created == Escalation.objects.count()
    for start in (date(2023, 4, 1), date(2024, 4, 1), date(2025, 4, 1)):
        figures = escalation_figures(start, date(start.year + 1, 3, 31))
        assert (figures["raised"], figures["children"], figures["areas_of_concern"]) == (
            11,
            11,
            22,
        )
        assert sum(figures["resolved_at"].values()) == 11
        assert (
            figures["resolved_at"].get("stage_1", 0) + figures["resolved_at"].get("stage_2", 0) >= 8
        )
    open_now = Escalation.objects.filter(status=Status.OPEN)
    assert open_now.count() == 2
    assert Escalation.objects.overdue_on(today).count() == 1
    for escalation in Escalation.objects.all():
        escalation.full_clean()
        assert escalation.events.filter(on__gt=today).count() == 0
        assert escalation.areas.count() == 2
        assert escalation.child.was_looked_after_on(escalation.raised_on)
        _assert_history_agrees(escalation)


def _assert_history_agrees(escalation: Escalation) -> None:
    """The escalation says what its history says, as the services would have written it."""
    events = list(escalation.events.order_by("on", "created_at", "pk"))
    starts = [e for e in events if e.kind in ("raised", "escalated", "skipped")]
    assert all(e.addressed_to_name and e.addressed_to_role for e in starts)
    assert (escalation.addressed_to_name, escalation.addressed_to_role) == (
        starts[-1].addressed_to_name,
        starts[-1].addressed_to_role,
    )
    formal = [e.on for e in starts if e.stage != "informal"]
    assert escalation.formal_on == (formal[0] if formal else None)
    assert escalation.stage_started_on == starts[-1].on
    answers = [e.on for e in events if e.kind == "response" and e.stage == escalation.stage]
    assert escalation.responded_on == (min(answers) if answers else None)
    for step in events:
        if step.kind == "response":
            started = max(s.on for s in starts if s.on <= step.on)
            assert step.on >= started


def test_demo_accepts_a_callable_for_the_iro(ivy):
    children = [factories.looked_after_child(iro=ivy) for _ in range(3)]
    created = demo.build_demo_escalations(
        rng=random.Random(1),
        today=date(2026, 11, 27),
        children=children,
        iros_by_child=lambda child: ivy,
        created_by=ivy,
    )
    assert created > 10
    assert set(Escalation.objects.values_list("raised_by", flat=True)) == {ivy.pk}


def test_demo_escalations_are_raised_only_while_the_child_is_looked_after(ivy, time_machine):
    today = date(2026, 11, 27)
    time_machine.move_to(today, tick=False)
    children = [
        factories.looked_after_child(
            iro=ivy, start=date(2025, 10, 1) if n % 2 else date(2023, 4, 3)
        )
        for n in range(24)
    ]
    demo.build_demo_escalations(
        rng=random.Random(7), today=today, children=children, iros_by_child={}, created_by=ivy
    )
    for escalation in Escalation.objects.select_related("child"):
        assert escalation.child.was_looked_after_on(escalation.raised_on), escalation.raised_on
        assert escalation.raised_on >= escalation.child.date_of_birth
