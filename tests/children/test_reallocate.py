"""An IRO leaves: a service manager moves all their children at once, each move audited."""

import html
import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from children import services
from children.models import Allocation, Child
from iro_service.models import User
from tests import factories
from tests.children.conftest import TODAY
from tests.conftest import client_for


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _url(iro: User) -> str:
    return reverse("children:reallocate", args=[iro.public_id])


def _held(iro: User) -> list[Allocation]:
    return list(Allocation.objects.open().filter(iro=iro).order_by("child__last_name"))


def _post(iro: User, moves: dict[Child, str], *, all_to: str = "", **extra: str) -> dict:
    held = _held(iro)
    by_child = {a.child_id: a for a in held}
    data = {
        **_date("start_date", TODAY),
        "reason": "IRO left the service",
        "all_to": all_to,
        "held": ",".join(sorted(str(a.public_id) for a in held)),
        **{f"move_{a.public_id.hex}": "" for a in held},
    }
    for child, to in moves.items():
        data[f"move_{by_child[child.pk].public_id.hex}"] = to
    data.update(extra)
    return data


@pytest.fixture
def leaving(ian) -> tuple[User, list[Child]]:
    """Ian is leaving and holds three children."""
    children = [
        factories.looked_after_child(iro=ian, first_name=name, last_name=last)
        for name, last in (("Cara", "Ash"), ("Dan", "Birch"), ("Eli", "Cedar"))
    ]
    return ian, children


def test_the_reallocation_page_lists_every_child_the_iro_holds(mona, leaving) -> None:
    ian, children = leaving
    page = client_for(mona).get(_url(ian))
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "Reallocate Ian Other's children" in text
    for child in children:
        assert child.full_name in text
        assert child.child_ref in text
    reads = AuditEvent.objects.filter(user=mona, kind=Kind.READ, action=Action.REALLOCATION_VIEW)
    assert set(reads.values_list("child_id", flat=True)) == {c.pk for c in children}


def test_a_manager_moves_every_child_to_one_or_more_iros_each_allocation_audited(
    mona, ivy, leaving
) -> None:
    ian, (cara, dan, eli) = leaving
    nora = factories.IroFactory(full_name="Nora New")
    client = client_for(mona)
    response = client.post(
        _url(ian), _post(ian, {cara: str(nora.public_id)}, all_to=str(ivy.public_id))
    )
    assert response.status_code == 302
    assert not Allocation.objects.open().filter(iro=ian).exists()
    assert Allocation.objects.open().get(child=cara).iro == nora
    assert {a.child for a in Allocation.objects.open().filter(iro=ivy)} == {dan, eli}
    for child in (cara, dan, eli):
        ended = Allocation.objects.get(child=child, iro=ian)
        assert ended.end_date == TODAY
    created = AuditEvent.objects.filter(
        action=Action.ALLOCATION_CREATE, user=mona, kind=Kind.CHANGE
    )
    assert set(created.values_list("child_id", flat=True)) == {cara.pk, dan.pk, eli.pk}
    assert created.get(child=cara).detail == {
        "iro": str(nora.public_id),
        "previous": str(ian.public_id),
    }
    follow = client.get(response["Location"])
    assert "3 children moved from Ian Other" in html.unescape(follow.content.decode())


def test_ending_the_allocations_puts_the_children_in_the_queue_from_that_day(mona, leaving) -> None:
    ian, (cara, dan, eli) = leaving
    response = client_for(mona).post(_url(ian), _post(ian, {}, all_to="end"))
    assert response.status_code == 302
    assert not Allocation.objects.open().filter(child__in=[cara, dan, eli]).exists()
    ended = AuditEvent.objects.filter(action=Action.ALLOCATION_END, user=mona, kind=Kind.CHANGE)
    assert ended.count() == 3
    with time_machine.travel(date(2024, 6, 5)):
        page = client_for(mona).get(reverse("children:unallocated")).content.decode()
    for child in (cara, dan, eli):
        assert child.full_name in page
    assert page.count("3 June 2024") == 3
    assert len(re.findall(r'numeric">2\s', page)) == 3


def test_every_child_must_have_somewhere_to_go(mona, leaving) -> None:
    ian, (cara, _dan, _eli) = leaving
    response = client_for(mona).post(_url(ian), _post(ian, {cara: "end"}))
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Choose who Dan Birch moves to, or end the allocation" in text
    assert "Choose who Eli Cedar moves to, or end the allocation" in text
    assert Allocation.objects.open().filter(iro=ian).count() == 3


def test_a_caseload_that_changed_since_the_page_was_opened_is_refused(mona, ivy, leaving) -> None:
    ian, _children = leaving
    stale = _post(ian, {}, all_to=str(ivy.public_id))
    newcomer = factories.looked_after_child(first_name="Fin", last_name="Dune")
    services.allocation_make(by=mona, child=newcomer, iro=ian, start_date=TODAY)
    response = client_for(mona).post(_url(ian), stale)
    assert response.status_code == 409
    assert "Fin Dune" in response.content.decode()
    assert Allocation.objects.open().filter(iro=ian).count() == 4


def test_a_move_the_service_refuses_is_shown_against_the_child_and_nothing_moves(
    mona, ivy, leaving
) -> None:
    ian, (cara, _dan, _eli) = leaving
    Allocation.objects.filter(child=cara, iro=ian).update(start_date=date(2024, 6, 3))
    response = client_for(mona).post(
        _url(ian),
        _post(ian, {}, all_to=str(ivy.public_id), **_date("start_date", date(2024, 5, 1))),
    )
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert (
        "Cara Ash: The new allocation must start on or after the current one began on 3 June 2024"
        in text
    )
    assert Allocation.objects.open().filter(iro=ian).count() == 3


def test_the_iro_moving_away_is_not_offered_as_where_to_go(mona, ivy, leaving) -> None:
    ian, _children = leaving
    gone = factories.IroFactory(full_name="Gil Gone", is_active=False)
    page = client_for(mona).get(_url(ian)).content.decode()
    assert f'value="{ivy.public_id}"' in page
    assert f'value="{ian.public_id}"' not in page
    assert f'value="{gone.public_id}"' not in page


def test_only_a_service_manager_may_reallocate_an_iros_children(ivy, ada, leaving) -> None:
    ian, _children = leaving
    for user in (ivy, ada):
        assert client_for(user).get(_url(ian)).status_code == 403
        assert client_for(user).post(_url(ian), _post(ian, {}, all_to="end")).status_code == 403
    assert Allocation.objects.open().filter(iro=ian).count() == 3
    assert AuditEvent.objects.filter(kind=Kind.REFUSAL, user__in=[ivy, ada]).count() == 4


def test_someone_who_is_no_iro_and_holds_no_child_has_no_reallocation_page(mona, ada) -> None:
    assert client_for(mona).get(_url(ada)).status_code == 404


def test_the_unallocated_page_links_to_each_iros_reallocation_page(mona, leaving) -> None:
    ian, _children = leaving
    left = factories.IroFactory(full_name="Lea Left", left_on=date(2024, 5, 31), is_active=False)
    factories.AllocationFactory(
        child=factories.looked_after_child(), iro=left, start_date=date(2024, 1, 8)
    )
    page = html.unescape(client_for(mona).get(reverse("children:unallocated")).content.decode())
    assert _url(ian) in page
    assert _url(left) in page
    assert "Left the service on 31 May 2024" in page


def test_the_children_list_filtered_by_iro_links_to_their_reallocation_page(mona, leaving):
    ian, _children = leaving
    page = client_for(mona).get(reverse("children:list"), {"iro": str(ian.public_id)})
    assert _url(ian) in page.content.decode()


@pytest.mark.parametrize("size", [10, 60])
def test_the_reallocation_page_runs_a_fixed_number_of_queries(
    mona, ian, ivy, django_assert_max_num_queries, size
) -> None:
    for _ in range(size):
        factories.looked_after_child(iro=ian)
    client = client_for(mona)
    with django_assert_max_num_queries(12):
        response = client.get(_url(ian))
    assert response.status_code == 200


# The unallocated page's IROs and the children each holds, counted at any size -----------


def _caseloads(mona: User) -> dict[str, int]:
    response = client_for(mona).get(reverse("children:unallocated"))
    return {person.full_name: person.caseload for person in response.context["caseloads"]}


def test_the_unallocated_page_counts_only_the_children_each_iro_holds_now(mona, ivy, leaving):
    _ian, children = leaving
    Allocation.objects.filter(child=children[0]).update(end_date=date(2024, 5, 1))
    factories.AllocationFactory(
        child=factories.looked_after_child(), iro=ivy, start_date=date(2023, 4, 5)
    )
    assert _caseloads(mona) == {"Ian Other": 2, "Ivy Reviewer": 1}


def test_the_unallocated_page_lists_iros_with_none_and_holders_who_are_no_longer_iros(
    mona, ivy, ada
) -> None:
    moved_on = factories.ManagerFactory(full_name="Mo Moved")
    factories.AllocationFactory(
        child=factories.looked_after_child(), iro=moved_on, start_date=date(2023, 4, 5)
    )
    assert _caseloads(mona) == {"Ivy Reviewer": 0, "Mo Moved": 1}


def test_those_who_left_still_holding_children_come_first(mona, ivy, leaving) -> None:
    left = factories.IroFactory(full_name="Zoe Left", left_on=date(2024, 5, 31), is_active=False)
    factories.AllocationFactory(
        child=factories.looked_after_child(), iro=left, start_date=date(2023, 4, 5)
    )
    factories.IroFactory(full_name="Abe Left Empty", left_on=date(2024, 5, 31), is_active=False)
    assert list(_caseloads(mona)) == ["Zoe Left", "Abe Left Empty", "Ian Other", "Ivy Reviewer"]


def test_the_unallocated_page_runs_the_same_queries_for_two_iros_or_thirty(
    mona, ivy, leaving, django_assert_num_queries
) -> None:
    def unallocated() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("children:unallocated")).status_code == 200
        return len(queries)

    client = client_for(mona)
    client.get(reverse("children:unallocated"))
    few = unallocated()
    for _ in range(28):
        iro = factories.IroFactory()
        for _ in range(2):
            factories.looked_after_child(iro=iro)
    with django_assert_num_queries(few):
        response = client.get(reverse("children:unallocated"))
    assert len(response.context["caseloads"]) == 30
