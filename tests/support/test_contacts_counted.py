"""An in-contact plan counts every contact with the child, however the IRO wrote it down."""

from datetime import date

import pytest
from django.urls import reverse

from support.selectors import support_summary
from tests import factories
from tests.conftest import client_for

TODAY = date(2024, 6, 3)

pytestmark = [pytest.mark.django_db]


def _note(client, child, day: date, kind: str = "contact_child") -> None:
    response = client.post(
        reverse("reviews:oversight_add", args=[child.public_id]),
        {
            "noted_on_0": str(day.day),
            "noted_on_1": str(day.month),
            "noted_on_2": str(day.year),
            "kind": kind,
            "text": "Saw Amy at school; she likes her new carers.",
        },
    )
    assert response.status_code == 302, response.content.decode()


def test_an_oversight_note_of_contact_with_the_child_counts_as_the_last_contact(
    ivy, ivys_child
) -> None:
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8), every_weeks=6)
    _note(client_for(ivy), ivys_child, date(2024, 5, 20))
    page = client_for(ivy).get(reverse("children:detail", args=[ivys_child.public_id]))
    text = page.content.decode()
    assert "None logged" not in text
    assert "20 May 2024 (oversight note: contact with the child)" in text
    assert "1 July 2024" in text  # 20 May + 6 weeks
    summary = support_summary(ivys_child, today=TODAY)
    assert (summary.last_contact.on, summary.next_contact_due, summary.contact_overdue) == (
        date(2024, 5, 20),
        date(2024, 7, 1),
        False,
    )


def test_other_kinds_of_oversight_note_are_not_contacts_with_the_child(ivy, ivys_child) -> None:
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8), every_weeks=6)
    client = client_for(ivy)
    _note(client, ivys_child, date(2024, 5, 20), kind="contact_carer")
    _note(client, ivys_child, date(2024, 5, 21), kind="file_check")
    summary = support_summary(ivys_child, today=TODAY)
    assert summary.last_contact is None
    assert summary.next_contact_due == date(2024, 2, 19)


def test_the_newer_of_a_logged_contact_and_a_contact_note_is_the_last_contact(
    ivy, ivys_child
) -> None:
    plan = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    factories.ContactLogFactory(child=ivys_child, plan=plan, contacted_on=date(2024, 5, 28))
    _note(client_for(ivy), ivys_child, date(2024, 5, 20))
    last = support_summary(ivys_child, today=TODAY).last_contact
    assert (last.on, last.how) == (date(2024, 5, 28), "phone call")
