"""The reason for a placement change lives on the episode that ended (SSDA903 rule 225)."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from children import codes
from children.models import Episode
from tests import factories
from tests.conftest import client_for


def _move(**overrides: str) -> dict[str, str]:
    return {
        "start_date_0": "1",
        "start_date_1": "5",
        "start_date_2": "2024",
        "reason_new_episode": "P",
        "legal_status": "C2",
        "placement_type": "K2",
        "placement_provider": "PR4",
        "in_area": "false",
        "reason_place_change": "CARPL",
        **overrides,
    }


def _episodes(child) -> list[Episode]:
    return list(Episode.objects.filter(child=child).order_by("start_date"))


def test_the_reason_for_a_move_is_written_on_the_placement_that_ended(ivy, ivys_child) -> None:
    response = client_for(ivy).post(
        reverse("children:episode_create", args=[ivys_child.public_id]), _move()
    )
    assert response.status_code == 302
    ended, new = _episodes(ivys_child)
    assert (ended.end_date, ended.reason_ceased, ended.reason_place_change) == (
        date(2024, 5, 1),
        "X1",
        "CARPL",
    )
    assert new.reason_place_change == ""
    event = AuditEvent.objects.get(action=Action.EPISODE_CREATE, child=ivys_child, kind=Kind.CHANGE)
    assert event.detail == {"ended": str(ended.public_id), "reason_place_change": "CARPL"}


def test_the_child_page_shows_the_reason_against_the_placement_that_ended(ivy, ivys_child) -> None:
    client = client_for(ivy)
    client.post(reverse("children:episode_create", args=[ivys_child.public_id]), _move())
    page = client.get(reverse("children:detail", args=[ivys_child.public_id])).content.decode()
    table = page.split("Episodes of care", 1)[1]
    rows = table.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    new_row, ended_row = rows.split("</tr>")[:2]
    assert "Change to/implementation of care plan" in ended_row
    assert "Change to/implementation of care plan" not in new_row


def test_a_change_of_placement_needs_the_reason_the_last_one_ended(ivy, ivys_child) -> None:
    response = client_for(ivy).post(
        reverse("children:episode_create", args=[ivys_child.public_id]),
        _move(reason_place_change=""),
    )
    assert "Select why the previous placement ended" in response.content.decode()
    assert len(_episodes(ivys_child)) == 1


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"reason_new_episode": "L", "placement_type": "U4", "placement_provider": "PR1"}, "L"),
        ({"placement_type": "T4"}, "temporary"),
    ],
)
def test_no_reason_is_asked_for_a_change_of_legal_status_or_a_temporary_placement(
    ivy, ivys_child, overrides, why
) -> None:
    response = client_for(ivy).post(
        reverse("children:episode_create", args=[ivys_child.public_id]),
        _move(reason_place_change="", **overrides),
    )
    assert response.status_code == 302, why
    assert _episodes(ivys_child)[0].reason_place_change == ""


def test_an_open_episode_cannot_hold_a_reason_for_a_placement_change(ivys_child) -> None:
    episode = ivys_child.episodes.get()
    episode.reason_place_change = "CARPL"
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert error.value.message_dict["reason_place_change"] == [
        "Only a placement that ended in a change (X1) has a reason for the placement change"
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=episode.pk).update(reason_place_change="CARPL")


def test_the_reason_is_checked_against_the_codes_of_the_year_the_episode_ended(ivys_child):
    """A code new in 2024-25 is valid on an episode that began in 2023-24 and ended in 2024-25."""
    real = codes.codes_on

    def codes_on(field: str, day: date) -> dict[str, str]:
        found = dict(real(field, day))
        if field == "REASON_PLACE_CHANGE" and codes.collection_year(day) >= 2024:
            found["NEWCD"] = "A code new in 2024-25"
        return found

    episode = ivys_child.episodes.get()  # from 3 April 2023
    episode.end_date, episode.reason_ceased = date(2024, 5, 1), "X1"
    with mock.patch("children.codes.codes_on", side_effect=codes_on):
        episode.reason_place_change = "NEWCD"
        episode.full_clean()
        episode.end_date = date(2024, 3, 1)
        with pytest.raises(ValidationError) as error:
            episode.full_clean()
    assert error.value.message_dict["reason_place_change"] == [
        "NEWCD is not a valid code in 2023-24"
    ]


def test_a_return_to_care_asks_for_no_reason_for_a_placement_change(mona) -> None:
    child = factories.ChildFactory()
    factories.EpisodeFactory(
        period=factories.PeriodFactory(
            child=child, start_date=date(2023, 4, 3), end_date=date(2024, 1, 8)
        ),
        end_date=date(2024, 1, 8),
        reason_ceased="E4A",
    )
    page = client_for(mona).get(reverse("children:episode_create", args=[child.public_id]))
    assert "reason_place_change" not in page.content.decode()
