"""Each stage is addressed to a named person: recorded at raising and at every move."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from escalations import services
from escalations.models import Escalation
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


RAISE = {
    **_date("raised_on", date(2024, 1, 8)),
    "formal": "true",
    "summary": "Drift in the plan",
    "areas-0-area": "health",
    "areas-0-description": "No assessment",
    "areas-0-action_required": "Book it",
}


def _move(**changes: str) -> dict[str, str]:
    return {
        "version": "1",
        "stage": "stage_1",
        "to_stage": "stage_2",
        **_date("on", date(2024, 1, 15)),
        **changes,
    }


def test_raising_names_who_it_is_to_and_the_page_and_history_show_them(ivy, ivys_child):
    client = client_for(ivy)
    response = client.post(
        reverse("escalations:raise", args=[ivys_child.public_id]),
        RAISE | {"addressed_to_name": "Jo Bloggs", "addressed_to_role": "Team manager"},
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert (escalation.addressed_to_name, escalation.addressed_to_role) == (
        "Jo Bloggs",
        "Team manager",
    )
    raised = escalation.events.get(kind="raised")
    assert (raised.addressed_to_name, raised.addressed_to_role) == ("Jo Bloggs", "Team manager")
    page = client.get(response["Location"]).content.decode()
    assert "Addressed to</dt>" in page
    assert "Jo Bloggs, Team manager</dd>" in page
    assert "To Jo Bloggs, Team manager</p>" in page


def test_raising_without_saying_who_it_is_to_is_refused_with_a_message_for_each_part(
    ivy, ivys_child
):
    response = client_for(ivy).post(
        reverse("escalations:raise", args=[ivys_child.public_id]), RAISE
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="#id_addressed_to_name">Enter the name of the person the escalation is to' in page
    )
    assert (
        '<a href="#id_addressed_to_role">Enter the role of the person the escalation is to' in page
    )
    assert not Escalation.objects.exists()


def test_each_move_names_who_the_new_stage_is_to_and_the_history_keeps_both(ivy, ivys_child):
    escalation = make_escalation(
        child=ivys_child, by=ivy, addressed_to=("Jo Bloggs", "Team manager")
    )
    client = client_for(ivy)
    url = reverse("escalations:move", args=[escalation.public_id])
    refused = client.post(url, _move())
    assert "Enter the name of the person the escalation is to" in refused.content.decode()

    moved = client.post(
        url, _move(addressed_to_name="Sam Senior", addressed_to_role="Service manager")
    )
    assert moved.status_code == 302
    escalation.refresh_from_db()
    assert escalation.addressed_to == "Sam Senior, Service manager"
    assert list(escalation.events.values_list("kind", "addressed_to_name")) == [
        ("raised", "Jo Bloggs"),
        ("escalated", "Sam Senior"),
    ]
    page = client.get(moved["Location"]).content.decode()
    assert "Sam Senior, Service manager</dd>" in page
    assert "To Jo Bloggs, Team manager</p>" in page
    assert "To Sam Senior, Service manager</p>" in page


def test_the_services_refuse_a_stage_addressed_to_nobody(ivy, ivys_child):
    with pytest.raises(ValidationError) as error:
        services.escalation_raise(
            by=ivy,
            child=ivys_child,
            raised_on=date(2024, 1, 8),
            formal=True,
            summary="Drift",
            areas=[services.AreaData("health", "No assessment", "Book it")],
            addressed_to_name="  ",
            addressed_to_role="Team manager",
        )
    assert error.value.message_dict == {
        "addressed_to_name": ["Enter the name of the person the escalation is to"]
    }
    escalation = make_escalation(child=ivys_child, by=ivy)
    with pytest.raises(ValidationError) as error:
        services.escalation_move(
            by=ivy,
            escalation=escalation,
            to_stage="stage_2",
            expected_stage="stage_1",
            version=1,
            on=date(2024, 1, 15),
            addressed_to_name="Sam Senior",
            addressed_to_role="",
        )
    assert error.value.message_dict == {
        "addressed_to_role": ["Enter the role of the person the escalation is to"]
    }
    escalation.refresh_from_db()
    assert (escalation.stage, escalation.version) == ("stage_1", 1)


def test_the_database_refuses_a_name_without_a_role(ivy, ivys_escalation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=ivys_escalation.pk).update(addressed_to_role="")


def test_the_response_form_starts_from_the_person_the_stage_is_to(ivy, ivys_child):
    escalation = make_escalation(
        child=ivys_child, by=ivy, addressed_to=("Jo Bloggs", "Team manager")
    )
    page = (
        client_for(ivy)
        .get(reverse("escalations:respond", args=[escalation.public_id]))
        .content.decode()
    )
    assert 'value="Jo Bloggs"' in page
    assert 'value="Team manager"' in page
    assert (
        "Current stage: <strong>Stage 1 (team manager)</strong>, to Jo Bloggs, Team manager" in page
    )


def test_an_escalation_recorded_before_names_were_kept_says_so(ivy, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy, addressed_to=("", ""))
    page = (
        client_for(ivy)
        .get(reverse("escalations:detail", args=[escalation.public_id]))
        .content.decode()
    )
    assert "Not recorded" in page
