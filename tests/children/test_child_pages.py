"""Adding, changing and allocating children through the pages, good input and bad."""

import html
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from children.models import Allocation, Child, Episode, PeriodOfCare
from tests import factories
from tests.children.conftest import TODAY
from tests.conftest import client_for


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def admit_data(**overrides: object) -> dict[str, str]:
    data = {
        "child_ref": "N123456",
        "first_name": "Nia",
        "last_name": "Newcome",
        "sex": "F",
        "ethnicity": "MWBC",
        "disability": "false",
        **date_fields("date_of_birth", date(2015, 6, 1)),
        **date_fields("start_date", TODAY - timedelta(days=3)),
        "legal_status": "C1",
        "placement_type": "U6",
        "placement_provider": "PR1",
        "placement_postcode": "le1 2ab",
        "in_area": "true",
    }
    data.update(overrides)
    return data


def test_manager_adds_a_child_who_becomes_looked_after(mona) -> None:
    response = client_for(mona).post(reverse("children:create"), admit_data())
    child = Child.objects.get(child_ref="N123456")
    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", args=[child.public_id])
    episode = Episode.objects.get(child=child)
    assert (episode.reason_new_episode, episode.legal_status, episode.placement_postcode) == (
        "S",
        "C1",
        "LE1 2AB",
    )
    assert PeriodOfCare.objects.get(child=child).end_date is None
    assert AuditEvent.objects.filter(child=child, action="child.create", user=mona).exists()
    assert child.created_by == mona


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            date_fields("date_of_birth", TODAY + timedelta(days=1)),
            "date_of_birth",
            "The date of birth must be today or in the past",
        ),
        (
            {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2015"},
            "date_of_birth",
            "The date of birth must be a real date",
        ),
        ({"first_name": ""}, "first_name", "Enter the first name"),
        ({"legal_status": "Q9"}, "legal_status", "Select a valid choice"),
        (
            date_fields("start_date", date(2014, 1, 1)),
            "start_date",
            "The date the child became looked after must be on or after their date of birth",
        ),
    ],
)
def test_bad_child_details_show_a_message_and_save_nothing(mona, overrides, field, message) -> None:
    response = client_for(mona).post(reverse("children:create"), admit_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Child.objects.exists()


def test_a_second_child_with_the_same_reference_is_refused(mona) -> None:
    factories.ChildFactory(child_ref="N123456")
    response = client_for(mona).post(reverse("children:create"), admit_data())
    assert "A child with this reference is already recorded" in response.content.decode()
    assert Child.objects.count() == 1


def test_placement_code_not_valid_in_the_year_is_refused(mona, ivys_child) -> None:
    """K3 came in 2024-25 (validator rule 146): a change dated 2023 cannot use K3, one dated 2024 can."""
    data = {
        "reason_new_episode": "P",
        "legal_status": "C2",
        "placement_type": "K3",
        "placement_provider": "PR4",
        "in_area": "true",
        "reason_place_change": "CARPL",
    }
    earlier = factories.looked_after_child(start=date(2022, 6, 1))
    refused = client_for(mona).post(
        reverse("children:episode_create", args=[earlier.public_id]),
        {**date_fields("start_date", date(2023, 1, 10)), **data},
    )
    assert "K3 is not a valid code in 2022-23" in refused.content.decode()
    assert Episode.objects.filter(child=earlier).count() == 1
    url = reverse("children:episode_create", args=[ivys_child.public_id])
    accepted = client_for(mona).post(url, {**date_fields("start_date", date(2024, 5, 1)), **data})
    assert accepted.status_code == 302
    assert Episode.objects.filter(child=ivys_child, placement_type="K3").exists()


def test_iro_records_a_placement_move_which_closes_the_current_episode(ivy, ivys_child) -> None:
    response = client_for(ivy).post(
        reverse("children:episode_create", args=[ivys_child.public_id]),
        {
            **date_fields("start_date", date(2024, 5, 1)),
            "reason_new_episode": "P",
            "legal_status": "C2",
            "placement_type": "K2",
            "placement_provider": "PR4",
            "in_area": "false",
            "reason_place_change": "CARPL",
        },
    )
    assert response.status_code == 302
    first, second = Episode.objects.filter(child=ivys_child).order_by("start_date")
    assert (first.end_date, first.reason_ceased) == (date(2024, 5, 1), "X1")
    assert (second.placement_type, second.end_date) == ("K2", None)
    assert AuditEvent.objects.filter(child=ivys_child, action="episode.create").exists()


def test_a_change_dated_before_the_current_episode_is_refused(ivy, ivys_child) -> None:
    response = client_for(ivy).post(
        reverse("children:episode_create", args=[ivys_child.public_id]),
        {
            **date_fields("start_date", date(2023, 1, 1)),
            "reason_new_episode": "P",
            "legal_status": "C2",
            "placement_type": "K2",
            "placement_provider": "PR4",
            "in_area": "true",
        },
    )
    assert (
        "The change must be after the current episode started on 3 April 2023"
        in response.content.decode()
    )
    assert Episode.objects.filter(child=ivys_child).count() == 1


def test_an_episode_ending_before_it_starts_or_overlapping_another_fails_validation(
    ivys_child,
) -> None:
    from django.core.exceptions import ValidationError

    period = ivys_child.periods.get()
    backwards = Episode(
        child=ivys_child,
        period=period,
        start_date=date(2023, 6, 1),
        end_date=date(2023, 5, 1),
        reason_new_episode="P",
        legal_status="C2",
        placement_type="U4",
        placement_provider="PR1",
    )
    with pytest.raises(ValidationError) as error:
        backwards.full_clean()
    assert "The end date must be on or after the start date" in str(error.value)
    overlapping = Episode(
        child=ivys_child,
        period=period,
        start_date=date(2023, 5, 1),
        end_date=date(2023, 6, 1),
        reason_new_episode="P",
        legal_status="C2",
        placement_type="U4",
        placement_provider="PR1",
    )
    with pytest.raises(ValidationError) as error:
        overlapping.full_clean()
    assert "Dates overlap the episode from 3 April 2023 (still open)" in str(error.value)


def test_ending_care_closes_the_episode_period_and_allocation(ivy, ivys_child) -> None:
    response = client_for(ivy).post(
        reverse("children:period_end", args=[ivys_child.public_id]),
        {**date_fields("end_date", date(2024, 3, 1)), "reason_ceased": "E4A"},
    )
    assert response.status_code == 302
    period = ivys_child.periods.get()
    assert (period.end_date, period.reason_ceased) == (date(2024, 3, 1), "E4A")
    assert not Allocation.objects.open().filter(child=ivys_child).exists()
    assert not Episode.objects.open().filter(child=ivys_child).exists()


def test_manager_reallocates_a_child_and_the_history_keeps_both_iros(
    mona, ivy, ian, ivys_child
) -> None:
    response = client_for(mona).post(
        reverse("children:allocate", args=[ivys_child.public_id]),
        {"iro": ian.pk, **date_fields("start_date", date(2024, 2, 1)), "reason": "Sibling has Ian"},
    )
    assert response.status_code == 302
    old, new = Allocation.objects.filter(child=ivys_child).order_by("start_date")
    assert (old.iro, old.end_date) == (ivy, date(2024, 2, 1))
    assert (new.iro, new.end_date) == (ian, None)
    page = (
        client_for(mona)
        .get(reverse("children:detail", args=[ivys_child.public_id]))
        .content.decode()
    )
    assert "Ivy Reviewer" in page
    assert "Ian Other" in page


def test_allocation_to_an_inactive_iro_is_refused(mona, ivys_child) -> None:
    gone = factories.IroFactory(is_active=False)
    response = client_for(mona).post(
        reverse("children:allocate", args=[ivys_child.public_id]),
        {"iro": gone.pk, **date_fields("start_date", date(2024, 2, 1))},
    )
    assert "Choose an active IRO" in response.content.decode()
    assert Allocation.objects.filter(child=ivys_child).count() == 1


def test_a_second_open_allocation_is_refused_by_the_database(ivy, ian, ivys_child) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(child=ivys_child, iro=ian, start_date=date(2024, 1, 1))


def test_allocating_the_same_iro_again_is_refused_with_a_message(mona, ivy, ivys_child) -> None:
    response = client_for(mona).post(
        reverse("children:allocate", args=[ivys_child.public_id]),
        {"iro": ivy.pk, **date_fields("start_date", date(2024, 2, 1))},
    )
    assert "is already allocated to Ivy Reviewer" in response.content.decode()


def test_two_people_editing_a_child_the_second_save_is_refused(mona, ivy, ivys_child) -> None:
    url = reverse("children:edit", args=[ivys_child.public_id])
    base = {
        "child_ref": ivys_child.child_ref,
        "first_name": "Amy",
        "last_name": "Own",
        "sex": "F",
        "ethnicity": "WBRI",
        **date_fields("date_of_birth", ivys_child.date_of_birth),
        "version": str(ivys_child.version),
    }
    first = client_for(mona).post(url, {**base, "preferred_name": "Ames"})
    second = client_for(ivy).post(url, {**base, "preferred_name": "Amelia"})
    assert first.status_code == 302
    assert second.status_code == 409
    assert (
        "Someone else saved a change to this child's details while you were editing"
        in html.unescape(second.content.decode())
    )
    ivys_child.refresh_from_db()
    assert (ivys_child.preferred_name, ivys_child.version) == ("Ames", 2)


def test_archiving_removes_the_child_from_lists_but_keeps_the_record(mona, ivys_child) -> None:
    client = client_for(mona)
    response = client.post(
        reverse("children:archive", args=[ivys_child.public_id]),
        {"reason": "Duplicate"},
        follow=True,
    )
    assert "The record of Amy Own has been archived" in response.content.decode()
    assert Child.objects.filter(pk=ivys_child.pk, archive_reason="Duplicate").exists()
    assert ivys_child.public_id.hex not in client.get(
        reverse("children:list")
    ).content.decode().replace("-", "")


def test_children_list_searches_by_name_and_reference_and_filters(mona, ivy, ian) -> None:
    a = factories.looked_after_child(iro=ivy, first_name="Zara", last_name="Khan", child_ref="ZK1")
    factories.looked_after_child(iro=ian, first_name="Tom", last_name="Jones", child_ref="TJ2")
    client = client_for(mona)
    by_name = client.get(reverse("children:list"), {"q": "zara"}).content.decode()
    by_ref = client.get(reverse("children:list"), {"q": "tj2"}).content.decode()
    by_iro = client.get(reverse("children:list"), {"iro": str(ivy.public_id)}).content.decode()
    assert "Zara Khan" in by_name
    assert "Tom Jones" not in by_name
    assert "Tom Jones" in by_ref
    assert "Zara Khan" not in by_ref
    assert "Zara Khan" in by_iro
    assert "Tom Jones" not in by_iro
    assert a.child_ref in by_iro


def test_unallocated_queue_shows_working_days_waited(mona) -> None:
    child = factories.looked_after_child(
        first_name="Wai", last_name="Ting", start=date(2020, 12, 18)
    )
    with time_machine.travel(date(2020, 12, 29)):
        page = client_for(mona).get(reverse("children:unallocated")).content.decode()
    assert child.full_name in page
    # 21-24 Dec, then 29 Dec (25 Dec and the 28 Dec substitute Boxing Day are not working days)
    assert re.search(r'numeric">5\s', page)
    assert "Within target" in page


@pytest.mark.parametrize("size", [20, 200])
def test_children_list_runs_a_fixed_number_of_queries(
    mona, ivy, django_assert_max_num_queries, size
) -> None:
    for _ in range(size):
        factories.looked_after_child(iro=ivy)
    client = client_for(mona)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("children:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [20, 200])
def test_caseload_runs_a_fixed_number_of_queries(ivy, django_assert_max_num_queries, size) -> None:
    for _ in range(size):
        factories.looked_after_child(iro=ivy)
    client = client_for(ivy)
    with django_assert_max_num_queries(12):  # 12: the header's count of new alerts (2)
        response = client.get(reverse("reviews:caseload"))
    assert response.content.decode().count("/children/") >= size


@pytest.mark.parametrize("size", [20, 200])
def test_unallocated_queue_runs_a_fixed_number_of_queries(
    mona, django_assert_max_num_queries, size
) -> None:
    for _ in range(size):
        factories.looked_after_child()
    client = client_for(mona)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("children:unallocated"))
    assert response.status_code == 200


def test_child_page_shows_current_placement_and_histories(mona, ivys_child) -> None:
    page = (
        client_for(mona)
        .get(reverse("children:detail", args=[ivys_child.public_id]))
        .content.decode()
    )
    assert "U4 Foster placement with other foster carer (long term fostering)" in page
    assert "PR1 Own provision (by the local authority)" in page
    assert "C2 Full care order" in page
    assert "Ivy Reviewer since" in page


def test_linking_a_sibling_suggests_their_iro_when_allocating(mona, ivy, ivys_child) -> None:
    newcomer = factories.looked_after_child(first_name="Sam", last_name="Own", child_ref="SIB1")
    client = client_for(mona)
    response = client.post(
        reverse("children:sibling_add", args=[newcomer.public_id]),
        {"child_ref": ivys_child.child_ref},
    )
    assert response.status_code == 302
    assert list(newcomer.siblings.all()) == [ivys_child]
    assert list(ivys_child.siblings.all()) == [newcomer]
    page = html.unescape(
        client.get(reverse("children:allocate", args=[newcomer.public_id])).content.decode()
    )
    assert "Siblings share an IRO where possible: their IRO is Ivy Reviewer" in page
    assert AuditEvent.objects.filter(action="sibling.link", child=ivys_child).exists()


def test_linking_an_unknown_or_same_child_as_sibling_is_refused(mona, ivys_child) -> None:
    client = client_for(mona)
    url = reverse("children:sibling_add", args=[ivys_child.public_id])
    assert (
        "No child you can see has this reference"
        in client.post(url, {"child_ref": "NOPE"}).content.decode()
    )
    assert (
        "A child cannot be their own sibling"
        in client.post(url, {"child_ref": ivys_child.child_ref}).content.decode()
    )
    assert not ivys_child.siblings.exists()


def test_manager_arranges_cover_and_the_covering_iro_sees_the_caseload(
    mona, ivy, ian, ians_child
) -> None:
    response = client_for(mona).post(
        reverse("children:cover"),
        {
            "absent_iro": ian.pk,
            "covering_iro": ivy.pk,
            **date_fields("start_date", TODAY),
        },
    )
    assert response.status_code == 302
    assert (
        client_for(ivy).get(reverse("children:detail", args=[ians_child.public_id])).status_code
        == 200
    )


def test_cover_by_the_same_iro_or_ending_before_it_starts_is_refused(mona, ivy) -> None:
    client = client_for(mona)
    same = client.post(
        reverse("children:cover"),
        {
            "absent_iro": ivy.pk,
            "covering_iro": ivy.pk,
            **date_fields("start_date", date(2024, 1, 8)),
        },
    )
    backwards = client.post(
        reverse("children:cover"),
        {
            "absent_iro": ivy.pk,
            "covering_iro": factories.IroFactory().pk,
            **date_fields("start_date", date(2024, 1, 8)),
            **date_fields("end_date", date(2024, 1, 1)),
        },
    )
    assert "Choose a different IRO to cover" in same.content.decode()
    assert "The end date must be on or after the start date" in backwards.content.decode()


def test_a_child_whose_iro_allocation_ended_waits_from_that_day(mona, ivy) -> None:
    child = factories.looked_after_child(
        first_name="Left", last_name="Behind", start=date(2020, 1, 6)
    )
    factories.AllocationFactory(
        child=child, iro=ivy, start_date=date(2020, 1, 8), end_date=date(2020, 12, 18)
    )
    with time_machine.travel(date(2020, 12, 29)):
        page = client_for(mona).get(reverse("children:unallocated")).content.decode()
    assert "18 December 2020" in page
    assert re.search(r'numeric">5\s', page)


def test_the_allocate_page_offers_each_iro_with_the_children_they_hold_now(
    mona, ivy, ian, ivys_child
) -> None:
    ended = factories.looked_after_child(iro=ian)
    Allocation.objects.filter(child=ended).update(end_date=date(2024, 5, 1))
    child = factories.looked_after_child()
    page = client_for(mona).get(reverse("children:allocate", args=[child.public_id]))
    text = html.unescape(page.content.decode())
    assert re.search(r">Ivy Reviewer \(1 child", text)
    assert re.search(r">Ian Other \(0 child", text)


def test_the_allocate_page_runs_the_same_queries_for_two_iros_or_thirty(
    mona, ivy, ian, django_assert_num_queries
) -> None:
    child = factories.looked_after_child()
    url = reverse("children:allocate", args=[child.public_id])
    client = client_for(mona)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(28):
        iro = factories.IroFactory()
        factories.looked_after_child(iro=iro)
    with django_assert_num_queries(len(few)):
        page = client.get(url)
    assert page.content.decode().count("<option value=") == 31  # "Select an IRO" and 30
