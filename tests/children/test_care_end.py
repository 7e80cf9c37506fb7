"""When a child's care ends, everything that only runs while they are looked after ends with it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from children import lifecycle, services
from children.lifecycle import CareEnded
from children.models import Allocation, PeriodOfCare
from escalations.models import Escalation, Status
from support.models import InContactPlan, IvMatch, IvReferral
from tests import factories
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

ENDED_ON = date(2024, 5, 31)
CEASED = "Ceased to be looked after"


def _end_care(user, child, day: date = ENDED_ON, reason: str = "E4A"):
    return client_for(user).post(
        reverse("children:period_end", args=[child.public_id]),
        {
            "end_date_0": str(day.day),
            "end_date_1": str(day.month),
            "end_date_2": str(day.year),
            "reason_ceased": reason,
        },
    )


def test_ending_care_through_the_page_ends_the_iro_plan_match_and_wait_that_day(
    ivy, mona, ivys_child
) -> None:
    plan = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    match = factories.IvMatchFactory(child=ivys_child, start_date=date(2024, 3, 4))
    waiting = factories.IvReferralFactory(child=ivys_child, referred_on=date(2024, 1, 8))
    escalation = make_escalation(child=ivys_child, by=ivy)

    response = _end_care(mona, ivys_child)

    assert response.status_code == 302
    allocation = Allocation.objects.get(child=ivys_child)
    assert allocation.end_date == ENDED_ON
    plan.refresh_from_db()
    assert plan.end_date == ENDED_ON
    match.refresh_from_db()
    assert (match.end_date, match.end_reason) == (ENDED_ON, CEASED)
    waiting.refresh_from_db()
    assert (waiting.closed_on, waiting.closed_reason) == (ENDED_ON, CEASED)
    escalation.refresh_from_db()
    assert (escalation.status, escalation.closed_on) == (Status.OPEN, None)
    # Each ending is its own audited change, made by the manager, in the request that ended care.
    changes = AuditEvent.objects.filter(child=ivys_child, kind=Kind.CHANGE, user=mona)
    assert set(changes.values_list("action", flat=True)) >= {
        Action.PERIOD_END,
        Action.ALLOCATION_END,
        Action.CONTACT_PLAN_END,
        Action.IV_MATCH_END,
        Action.IV_REFERRAL_CLOSE,
    }
    assert changes.get(action=Action.IV_MATCH_END).changes["end_date"] == {
        "before": None,
        "after": "2024-05-31",
    }
    assert {event.path for event in changes} == {
        reverse("children:period_end", args=[ivys_child.public_id])
    }


def test_an_open_escalation_stays_open_for_a_manager_to_close_after_care_ends(
    ivy, mona, ivys_child
) -> None:
    escalation = make_escalation(child=ivys_child, by=ivy)
    _end_care(mona, ivys_child)
    assert Escalation.objects.get(pk=escalation.pk).status == Status.OPEN
    page = client_for(mona).get(reverse("escalations:detail", args=[escalation.public_id]))
    assert page.status_code == 200


def test_ended_plan_and_match_are_shown_as_ended_on_the_child_page(mona, ivys_child) -> None:
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    factories.IvMatchFactory(child=ivys_child, visitor=visitor, start_date=date(2024, 3, 4))
    _end_care(mona, ivys_child)
    page = client_for(mona).get(reverse("children:detail", args=[ivys_child.public_id]))
    text = page.content.decode()
    assert "The in-contact plan agreed on 8 January 2024 ended on 31 May 2024" in text
    assert "Matched with Vera Visitor from 4 March 2024 to 31 May 2024" in text
    assert CEASED in text
    assert "Log a contact" not in text


def test_a_plan_or_match_started_after_the_day_care_ended_ends_the_day_it_started(
    mona, ivys_child
) -> None:
    """Care recorded as ended in the past: nothing can end before it began."""
    plan = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 5, 20))
    _end_care(mona, ivys_child, day=date(2024, 5, 10))
    plan.refresh_from_db()
    assert plan.end_date == date(2024, 5, 20)


def test_a_step_that_fails_undoes_the_whole_end_of_care(
    mona, ivys_child, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    seen: list[CareEnded] = []

    def refuse(event: CareEnded) -> None:
        seen.append(event)
        raise ValidationError("Something stops the end of care")

    monkeypatch.setattr(lifecycle, "_steps", [*lifecycle._steps, refuse])
    with pytest.raises(ValidationError):
        services.period_end(by=mona, child=ivys_child, end_date=ENDED_ON, reason_ceased="E4A")
    assert [(e.child, e.on, e.by) for e in seen] == [(ivys_child, ENDED_ON, mona)]
    assert PeriodOfCare.objects.get(child=ivys_child).end_date is None
    assert Allocation.objects.open().filter(child=ivys_child).exists()
    assert InContactPlan.objects.get(pk=plan.pk).end_date is None
    assert not IvMatch.objects.exists()
    assert not IvReferral.objects.exists()


def test_a_child_who_returns_to_care_starts_with_no_plan_or_match(mona, ivys_child) -> None:
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    factories.IvMatchFactory(child=ivys_child, start_date=date(2024, 3, 4))
    _end_care(mona, ivys_child)
    response = client_for(mona).post(
        reverse("children:episode_create", args=[ivys_child.public_id]),
        {
            "start_date_0": "3",
            "start_date_1": "6",
            "start_date_2": "2024",
            "reason_new_episode": "S",
            "legal_status": "V2",
            "placement_type": "U6",
            "placement_provider": "PR1",
            "in_area": "true",
        },
    )
    assert response.status_code == 302
    assert not InContactPlan.objects.open().filter(child=ivys_child).exists()
    assert not IvMatch.objects.open().filter(child=ivys_child).exists()
