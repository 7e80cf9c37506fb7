"""When an escalation is formal and from when its 20 working days run (ADR 0009).

Informal first, formal later: an escalation is formal from the day it enters stage 1 or a
later stage, and its 20 working days (IRO Handbook 2010, para 6.2) run from that day. The
annual figures count it in the year it became formal.
"""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.timeline import child_timeline
from escalations import rules, services
from escalations.models import Escalation
from escalations.selectors import escalation_figures
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db

HEALTH = services.AreaData(area="health", description="No assessment", action_required="Book it")
YEAR_2020 = (date(2020, 4, 1), date(2021, 3, 31))
YEAR_2021 = (date(2021, 4, 1), date(2022, 3, 31))


def _raise(child, by, *, on: date, formal: bool) -> Escalation:
    return services.escalation_raise(
        by=by,
        child=child,
        raised_on=on,
        formal=formal,
        summary="Drift",
        areas=[HEALTH],
        addressed_to_name="Jo Bloggs",
        addressed_to_role="Social worker" if not formal else "Team manager",
    )


def _move(escalation: Escalation, by, *, to_stage: str, on: date, reason: str = "") -> Escalation:
    return services.escalation_move(
        by=by,
        escalation=escalation,
        to_stage=to_stage,
        expected_stage=escalation.stage,
        version=escalation.version,
        on=on,
        addressed_to_name="Sam Senior",
        addressed_to_role="Team manager",
        reason=reason,
    )


@pytest.mark.parametrize(
    ("stage", "formal"),
    [
        ("informal", False),
        ("stage_1", True),
        ("stage_2", True),
        ("stage_3", True),
        ("stage_4", True),
        ("cafcass", True),
    ],
)
def test_stage_1_and_every_later_stage_are_formal(stage, formal):
    assert rules.is_formal(stage) is formal


def test_formal_from_keeps_the_first_day_and_starts_only_at_a_formal_stage():
    first = date(2021, 4, 1)
    assert rules.formal_from(None, to_stage="informal", on=first) is None
    assert rules.formal_from(None, to_stage="stage_1", on=first) == first
    assert rules.formal_from(first, to_stage="stage_3", on=date(2021, 4, 9)) == first


def test_raised_formally_it_is_formal_from_raising_and_its_20_working_days_run_from_then(
    ivy, ivys_child
):
    # Good Friday, Easter Monday and the early May bank holiday fall in the 20 working days.
    escalation = _raise(ivys_child, ivy, on=date(2021, 4, 1), formal=True)
    assert (escalation.formal, escalation.formal_on) == (True, date(2021, 4, 1))
    assert escalation.overall_due == date(2021, 5, 4)


def test_raised_informally_it_has_no_20_day_clock_until_it_moves_to_stage_1(ivy, ivys_child):
    escalation = _raise(ivys_child, ivy, on=date(2021, 3, 24), formal=False)
    assert (escalation.formal, escalation.formal_on, escalation.overall_due) == (False, None, None)
    assert escalation.formal_working_days(date(2021, 3, 31)) is None
    assert not escalation.is_past_overall_due_on(date(2021, 6, 1))
    page = client_for(ivy).get(reverse("escalations:detail", args=[escalation.public_id]))
    assert "Not started: the 20 working days run from the day it moves to stage 1" in (
        page.content.decode()
    )

    moved = _move(escalation, ivy, to_stage="stage_1", on=date(2021, 4, 1))

    assert (moved.formal, moved.formal_on) == (True, date(2021, 4, 1))
    # From raising it would have been 23 April 2021; from the move it is 4 May 2021.
    assert moved.overall_due == date(2021, 5, 4)
    assert moved.working_days_open(date(2021, 4, 6)) == 7
    assert moved.formal_working_days(date(2021, 4, 6)) == 1
    assert not moved.is_past_overall_due_on(date(2021, 5, 4))
    assert moved.is_past_overall_due_on(date(2021, 5, 5))
    page = client_for(ivy).get(reverse("escalations:detail", args=[moved.public_id]))
    assert "Formal since 1 April 2021" in page.content.decode()
    assert "4 May 2021 (20 working days from 1 April 2021)" in page.content.decode()


def test_a_move_to_stage_1_on_christmas_day_runs_from_the_next_working_day(ivy, ivys_child):
    escalation = _raise(ivys_child, ivy, on=date(2020, 12, 21), formal=False)
    moved = _move(escalation, ivy, to_stage="stage_1", on=date(2020, 12, 25))
    assert moved.formal_on == date(2020, 12, 25)
    # Not counted: 25 December, the weekend, the 28 December substitute day and New Year's Day.
    assert moved.overall_due == date(2021, 1, 26)
    assert moved.formal_working_days(date(2020, 12, 31)) == 3


def test_skipping_from_informal_to_stage_2_is_formal_from_the_skip(ivy, ivys_child):
    escalation = _raise(ivys_child, ivy, on=date(2022, 9, 12), formal=False)
    moved = _move(
        escalation, ivy, to_stage="stage_2", on=date(2022, 9, 19), reason="Urgent safeguarding"
    )
    # The day of the Queen's funeral, a bank holiday: the clock starts on the next working day.
    assert moved.formal_on == date(2022, 9, 19)
    assert moved.overall_due == date(2022, 10, 17)


def test_later_moves_and_reopening_keep_the_day_it_became_formal(ivy, ivys_child):
    escalation = _raise(ivys_child, ivy, on=date(2021, 4, 1), formal=True)
    moved = _move(escalation, ivy, to_stage="stage_2", on=date(2021, 4, 9))
    assert moved.formal_on == date(2021, 4, 1)
    closed = services.escalation_close(
        by=ivy,
        escalation=moved,
        version=moved.version,
        closed_on=date(2021, 4, 20),
        outcome="Agreed",
        area_outcomes={str(a.public_id): ("resolved", "") for a in moved.areas.all()},
    )
    reopened = services.escalation_reopen(
        by=ivy, escalation=closed, version=closed.version, on=date(2021, 5, 10), reason="Again"
    )
    assert reopened.formal_on == date(2021, 4, 1)
    assert reopened.is_past_overall_due_on(date(2021, 5, 10))


def test_an_informal_escalation_reopened_stays_informal(ivy, ivys_child):
    escalation = make_escalation(
        child=ivys_child, by=ivy, stage="informal", closed_on=date(2024, 1, 12)
    )
    reopened = services.escalation_reopen(
        by=ivy, escalation=escalation, version=1, on=date(2024, 2, 1), reason="Again"
    )
    assert (reopened.formal, reopened.formal_on) == (False, None)


@pytest.mark.parametrize(
    "change",
    [
        {"formal_on": None},  # formal, but never became so
        {"formal_on": date(2024, 1, 5)},  # formal before it was raised
        {"formal": False, "stage": "informal"},  # informal with a formal date
    ],
)
def test_the_database_refuses_a_formal_date_that_does_not_fit(ivy, ivys_escalation, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=ivys_escalation.pk).update(**change)


def test_the_figures_count_an_escalation_in_the_year_it_became_formal(ivy, ivys_child, ians_child):
    # Raised informally in March 2021, formal on 1 April 2021: the 2021-22 year's.
    make_escalation(
        child=ivys_child,
        by=ivy,
        raised_on=date(2021, 3, 24),
        formal_on=date(2021, 4, 1),
        stage_started_on=date(2021, 4, 1),
    )
    # Raised formally on the last day of the 2020-21 year.
    make_escalation(child=ians_child, by=ivy, raised_on=date(2021, 3, 31))
    assert escalation_figures(*YEAR_2020)["raised"] == 1
    assert escalation_figures(*YEAR_2020)["children"] == 1
    assert escalation_figures(*YEAR_2021)["raised"] == 1
    assert escalation_figures(*YEAR_2021)["children"] == 1


def test_closed_in_time_means_within_20_working_days_of_becoming_formal(ivy, ivys_child):
    # Formal on 1 April 2021: due 4 May 2021, past Easter and the early May bank holiday.
    for raised_on, closed_on in [
        (date(2021, 4, 1), date(2021, 5, 4)),  # the last day: in time
        (date(2021, 4, 1), date(2021, 5, 5)),  # a day late
        (date(2021, 3, 24), date(2021, 5, 4)),  # late from raising, in time from the move
    ]:
        make_escalation(
            child=ivys_child,
            by=ivy,
            raised_on=raised_on,
            formal_on=date(2021, 4, 1),
            stage_started_on=date(2021, 4, 1),
            closed_on=closed_on,
        )
    figures = escalation_figures(*YEAR_2021)
    assert (figures["raised"], figures["closed_in_time"]) == (3, 2)


def test_the_lists_say_over_20_working_days_only_once_the_formal_days_are_spent(
    mona, ivy, ivys_child
):
    # Raised informally on 8 January 2024; formal from 20 February 2024 (7 working days ago).
    recent = make_escalation(
        child=ivys_child,
        by=ivy,
        raised_on=date(2024, 1, 8),
        formal_on=date(2024, 2, 20),
        stage_started_on=date(2024, 2, 20),
    )
    page = client_for(mona).get(reverse("escalations:list")).content.decode()
    assert reverse("escalations:detail", args=[recent.public_id]) in page
    assert "7 formal" in page
    assert "Over 20 working days" not in page
    Escalation.objects.filter(pk=recent.pk).update(formal_on=date(2024, 1, 8))
    page = client_for(mona).get(reverse("escalations:list")).content.decode()
    assert "Over 20 working days" in page


def test_the_timeline_shows_the_day_an_informal_escalation_became_formal(ivy, ivys_child):
    make_escalation(
        child=ivys_child,
        by=ivy,
        raised_on=date(2024, 1, 8),
        formal_on=date(2024, 1, 15),
        stage_started_on=date(2024, 1, 15),
    )
    entries = child_timeline(ivys_child, kinds={"escalation"})
    assert [(e.day, e.title) for e in entries] == [
        (date(2024, 1, 15), "Escalation became formal"),
        (date(2024, 1, 8), "Informal escalation raised"),
    ]
