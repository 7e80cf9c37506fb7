"""An allocation's dates make sense: within the child's care, never ahead; cover can change."""

import html
import re
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from children import services
from children.models import Allocation, CoverArrangement
from tests import factories
from tests.children.conftest import TODAY
from tests.conftest import client_for


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


# Allocations -------------------------------------------------------------------------------


def test_an_allocation_cannot_start_before_the_childs_period_of_care(mona, ian, ivys_child):
    with pytest.raises(ValidationError) as error:
        services.allocation_make(by=mona, child=ivys_child, iro=ian, start_date=date(2023, 4, 2))
    assert error.value.message_dict["start_date"] == [
        "The allocation must start on or after Amy Own's period of care began on 3 April 2023"
    ]


def test_an_allocation_before_the_current_period_is_refused_when_the_child_returned(mona, ian):
    child = factories.ChildFactory(first_name="Ray", last_name="Turner")
    factories.EpisodeFactory(
        period=factories.PeriodFactory(
            child=child, start_date=date(2021, 1, 4), end_date=date(2022, 1, 4)
        ),
        end_date=date(2022, 1, 4),
        reason_ceased="E4A",
    )
    factories.EpisodeFactory(period=factories.PeriodFactory(child=child, start_date=TODAY))
    with pytest.raises(ValidationError) as error:
        services.allocation_make(by=mona, child=child, iro=ian, start_date=date(2021, 6, 1))
    assert "period of care began on 3 June 2024" in error.value.message_dict["start_date"][0]
    assert not Allocation.objects.filter(child=child).exists()


def test_an_allocation_cannot_start_in_the_future(mona, ian, ivys_child) -> None:
    with pytest.raises(ValidationError) as error:
        services.allocation_make(
            by=mona, child=ivys_child, iro=ian, start_date=TODAY + timedelta(days=1)
        )
    assert error.value.message_dict["start_date"] == [
        "The allocation start date must be today or in the past"
    ]
    assert Allocation.objects.get(child=ivys_child).end_date is None


def test_the_allocation_form_names_the_dates_it_accepts(mona, ian, ivys_child) -> None:
    response = client_for(mona).post(
        reverse("children:allocate", args=[ivys_child.public_id]),
        {"iro": ian.pk, **_date("start_date", date(2022, 1, 10))},
    )
    assert (
        "The date the allocation starts must be between 3 April 2023 and 3 June 2024"
        in html.unescape(response.content.decode())
    )
    assert Allocation.objects.filter(child=ivys_child).count() == 1


def test_a_future_allocation_already_held_leaves_the_child_in_the_unallocated_queue(
    mona, ian
) -> None:
    child = factories.looked_after_child(
        first_name="Fay", last_name="Later", start=date(2024, 5, 27)
    )
    factories.AllocationFactory(child=child, iro=ian, start_date=TODAY + timedelta(days=7))
    page = client_for(mona).get(reverse("children:unallocated")).content.decode()
    assert "Fay Later" in page
    assert "27 May 2024" in page
    assert re.search(r'numeric">5\s', page)  # 28-31 May and 3 June; 27 May was a bank holiday


def test_allocating_to_an_iro_who_left_on_or_before_the_start_is_refused(mona, ivys_child):
    leaver = factories.IroFactory(full_name="Lee Leaver", left_on=date(2024, 5, 1))
    for start in (date(2024, 5, 1), date(2024, 5, 2)):
        with pytest.raises(ValidationError) as error:
            services.allocation_make(by=mona, child=ivys_child, iro=leaver, start_date=start)
        assert error.value.message_dict["iro"] == [
            "Lee Leaver left the service on 1 May 2024: choose an active IRO"
        ]


def test_allocating_to_an_inactive_iro_is_refused_by_the_service(mona, ivys_child) -> None:
    gone = factories.IroFactory(full_name="Gil Gone", is_active=False)
    with pytest.raises(ValidationError) as error:
        services.allocation_make(by=mona, child=ivys_child, iro=gone, start_date=TODAY)
    assert error.value.message_dict["iro"] == ["Gil Gone is not active: choose an active IRO"]


# Cover --------------------------------------------------------------------------------------


@pytest.fixture
def cover(mona, ivy, ian) -> CoverArrangement:
    return services.cover_arrange(
        by=mona, absent_iro=ian, covering_iro=ivy, start_date=date(2024, 5, 20), end_date=None
    )


def _change_url(cover: CoverArrangement) -> str:
    return reverse("children:cover_change", args=[cover.public_id])


def test_a_manager_changes_when_cover_ends_and_the_change_is_audited(mona, cover) -> None:
    response = client_for(mona).post(
        _change_url(cover),
        {
            **_date("start_date", date(2024, 5, 20)),
            **_date("end_date", date(2024, 6, 14)),
            "version": str(cover.version),
        },
    )
    assert response.status_code == 302
    cover.refresh_from_db()
    assert (cover.end_date, cover.version) == (date(2024, 6, 14), 2)
    event = AuditEvent.objects.get(action=Action.COVER_UPDATE)
    assert (event.user, event.kind, event.object_id) == (mona, Kind.CHANGE, str(cover.public_id))
    assert event.changes == {"end_date": {"before": None, "after": "2024-06-14"}}


def test_a_manager_ends_cover_today_and_the_colleague_no_longer_sees_the_caseload(
    mona, ivy, ians_child, cover
) -> None:
    assert (
        client_for(ivy).get(reverse("children:detail", args=[ians_child.public_id])).status_code
        == 200
    )
    response = client_for(mona).post(
        reverse("children:cover_end", args=[cover.public_id]),
        {"version": str(cover.version)},
    )
    assert response.status_code == 302
    cover.refresh_from_db()
    assert cover.end_date == TODAY
    assert AuditEvent.objects.filter(action=Action.COVER_END, user=mona).exists()
    with time_machine.travel(date(2024, 6, 4)):
        assert (
            client_for(ivy).get(reverse("children:detail", args=[ians_child.public_id])).status_code
            == 404
        )


def test_a_change_to_cover_saved_from_a_stale_form_is_refused(mona, cover) -> None:
    stale = str(cover.version)
    services.cover_update(
        by=mona,
        cover=cover,
        version=cover.version,
        start_date=cover.start_date,
        end_date=date(2024, 6, 7),
    )
    response = client_for(mona).post(
        _change_url(cover),
        {
            **_date("start_date", date(2024, 5, 20)),
            **_date("end_date", date(2024, 6, 30)),
            "version": stale,
        },
    )
    assert response.status_code == 409
    assert CoverArrangement.objects.get(pk=cover.pk).end_date == date(2024, 6, 7)


def test_cover_cannot_end_before_it_starts_or_end_today_before_it_has_begun(mona, ivy, ian):
    planned = services.cover_arrange(
        by=mona, absent_iro=ian, covering_iro=ivy, start_date=date(2024, 7, 1), end_date=None
    )
    response = client_for(mona).post(
        reverse("children:cover_change", args=[planned.public_id]),
        {
            **_date("start_date", date(2024, 7, 1)),
            **_date("end_date", date(2024, 6, 28)),
            "version": str(planned.version),
        },
    )
    assert "The end date must be on or after the start date" in response.content.decode()
    with pytest.raises(ValidationError) as error:
        services.cover_end(by=mona, cover=planned, version=planned.version)
    assert "This cover starts on 1 July 2024" in error.value.messages[0]
    assert CoverArrangement.objects.get(pk=planned.pk).end_date is None


def test_the_cover_page_offers_to_change_or_end_each_arrangement(mona, cover) -> None:
    page = client_for(mona).get(reverse("children:cover")).content.decode()
    assert html.escape(_change_url(cover)) in page or _change_url(cover) in page
    assert reverse("children:cover_end", args=[cover.public_id]) in page


def test_an_iro_cannot_change_or_end_cover(ivy, cover) -> None:
    assert client_for(ivy).get(_change_url(cover)).status_code == 403
    response = client_for(ivy).post(
        reverse("children:cover_end", args=[cover.public_id]),
        {"version": str(cover.version)},
    )
    assert response.status_code == 403
    assert CoverArrangement.objects.get(pk=cover.pk).end_date is None


def test_an_unknown_cover_arrangement_is_not_found(mona) -> None:
    url = reverse("children:cover_change", args=[uuid.uuid4()])
    assert client_for(mona).get(url).status_code == 404
