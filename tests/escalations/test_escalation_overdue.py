"""'Response overdue' lasts only until the response to the current stage is recorded."""

from datetime import date

import pytest
from django.urls import reverse

from escalations import services
from escalations.models import Escalation
from tests.conftest import client_for
from tests.escalations.conftest import TODAY, make_escalation

pytestmark = pytest.mark.django_db


def _respond(escalation: Escalation, by, on: date) -> None:
    services.escalation_record_response(
        by=by,
        escalation=escalation,
        version=escalation.version,
        on=on,
        responder_name="Tom Team",
        responder_role="Team manager",
        text="Visit booked",
    )


def _screens(ivy, mona, escalation: Escalation) -> dict[str, str]:
    """Every page that says whether the escalation's response is overdue, as its reader sees it."""
    detail = reverse("escalations:detail", args=[escalation.public_id])
    child = reverse("children:detail", args=[escalation.child.public_id])
    return {
        "detail": client_for(ivy).get(detail).content.decode(),
        "managers' list": client_for(mona).get(reverse("escalations:list")).content.decode(),
        "managers' overdue filter": client_for(mona)
        .get(reverse("escalations:list"), {"overdue": "on"})
        .content.decode(),
        "IRO's list": client_for(ivy).get(reverse("escalations:mine")).content.decode(),
        "child page": client_for(ivy).get(child).content.decode(),
        "respond page": client_for(ivy)
        .get(reverse("escalations:respond", args=[escalation.public_id]))
        .content.decode(),
    }


def test_recording_the_response_clears_overdue_on_every_screen_that_showed_it(
    ivy, mona, ivys_child
):
    # Raised on 8 January 2024 at stage 1: the response was due on 15 January.
    escalation = make_escalation(child=ivys_child, by=ivy)
    link = reverse("escalations:detail", args=[escalation.public_id])
    before = _screens(ivy, mona, escalation)
    assert "Response overdue" in before["detail"]
    assert ">Overdue<" in before["managers' list"]
    assert link in before["managers' overdue filter"]
    assert ">Overdue<" in before["IRO's list"]
    assert "Response overdue" in before["child page"]
    assert "response overdue" in before["respond page"]

    _respond(escalation, mona, on=date(2024, 1, 22))

    after = _screens(ivy, mona, Escalation.objects.get(pk=escalation.pk))
    for screen, page in after.items():
        said = page.replace("Response overdue only", "").lower()
        assert "response overdue" not in said, screen
        if screen != "child page":  # where a review's own "Overdue" tag may stand
            assert ">overdue<" not in said, screen
    assert link not in after["managers' overdue filter"]
    assert link in after["managers' list"]
    assert "Response received 22 January 2024" in after["detail"]
    assert "Response received 22 Jan 2024" in after["IRO's list"]
    assert Escalation.objects.overdue_on(TODAY).count() == 0
    assert not Escalation.objects.get().is_overdue_on(TODAY)


def test_a_response_at_an_earlier_stage_does_not_answer_the_current_one(ivy, mona, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy)
    _respond(escalation, mona, on=date(2024, 1, 10))
    services.escalation_move(
        by=ivy,
        escalation=Escalation.objects.get(),
        to_stage="stage_2",
        expected_stage="stage_1",
        version=2,
        on=date(2024, 1, 15),
        addressed_to_name="Sam Senior",
        addressed_to_role="Service manager",
    )
    moved = Escalation.objects.get()
    # Stage 2 began on 15 January: its response was due on 22 January and has not come.
    assert moved.responded_on is None
    assert moved.is_overdue_on(TODAY)
    assert list(Escalation.objects.overdue_on(TODAY)) == [moved]


def test_a_response_dated_before_the_current_stage_began_is_refused(ivy, mona, ivys_child):
    escalation = make_escalation(
        child=ivys_child, by=ivy, stage="stage_2", stage_started_on=date(2024, 1, 15)
    )
    with pytest.raises(Exception, match="on or after the current stage started, 15 January 2024"):
        _respond(escalation, mona, on=date(2024, 1, 12))


def test_reopening_waits_for_a_new_response(ivy, mona, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy, closed_on=date(2024, 1, 12))
    Escalation.objects.filter(pk=escalation.pk).update(responded_on=date(2024, 1, 10))
    reopened = services.escalation_reopen(
        by=ivy, escalation=escalation, version=1, on=date(2024, 2, 1), reason="Stopped again"
    )
    assert reopened.responded_on is None
    # Reopened on 1 February: the response was due on 8 February.
    assert reopened.is_overdue_on(TODAY)


def test_the_first_response_date_stands_when_more_responses_follow(ivy, mona, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy)
    _respond(escalation, mona, on=date(2024, 1, 12))
    _respond(Escalation.objects.get(), mona, on=date(2024, 1, 19))
    assert Escalation.objects.get().responded_on == date(2024, 1, 12)
