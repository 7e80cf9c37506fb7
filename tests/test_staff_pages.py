"""Admins manage staff accounts, roles and FTE; every new account and role change is audited."""

import html
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from children.models import Allocation
from iro_service import services
from iro_service.models import Role, User
from iro_service.services import StaffDetails
from tests import factories
from tests.conftest import client_for


def staff_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Nina New",
        "email": "Nina.New@Council.example",
        "job_title": "IRO",
        "role": Role.IRO.value,
        "fte": "0.6",
        "is_active": "on",
        **overrides,
    }


def test_admin_adds_an_iro_with_their_fte(ada) -> None:
    response = client_for(ada).post(reverse("staff:create"), staff_data())
    user = User.objects.get(email="nina.new@council.example")
    assert response.status_code == 302
    assert (user.fte, user.role_names, user.has_usable_password()) == (
        Decimal("0.6"),
        ["IRO"],
        False,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fte": ""}, "Enter the IRO&#x27;s FTE, from 0.1 to 1.0"),
        ({"fte": "1.5"}, "FTE must be between 0.1 and 1.0"),
        ({"email": ""}, "Enter the email address"),
        ({"role": ""}, "Select the role"),
    ],
)
def test_bad_staff_details_show_a_message_and_save_nothing(ada, overrides, message) -> None:
    response = client_for(ada).post(reverse("staff:create"), staff_data(**overrides))
    assert message in response.content.decode()
    assert not User.objects.filter(full_name="Nina New").exists()


def edit_data(member: User, **overrides: str) -> dict[str, str]:
    current = {
        "full_name": member.full_name,
        "email": member.email,
        "role": member.role,
        "fte": str(member.fte or ""),
        "version": str(member.version),
    }
    return staff_data(**{**current, **overrides})


@time_machine.travel(date(2024, 7, 1), tick=False)
def test_admin_changes_a_role_and_marks_an_iro_with_no_children_as_left(ada, ivy) -> None:
    client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]),
        edit_data(
            ivy,
            role=Role.MANAGER.value,
            is_active="",
            left_on_0="1",
            left_on_1="6",
            left_on_2="2024",
        ),
    )
    ivy.refresh_from_db()
    assert ivy.role_names == ["Service manager"]
    assert (ivy.is_active, str(ivy.left_on)) == (False, "2024-06-01")


def test_a_role_change_leaves_an_audit_row_with_before_and_after(ada, ivy) -> None:
    client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]), edit_data(ivy, role=Role.MANAGER.value)
    )
    event = AuditEvent.objects.get(action=Action.STAFF_ROLE_CHANGE)
    assert (event.user, event.role, event.kind, event.object_id, event.method) == (
        ada,
        Role.ADMIN.value,
        Kind.CHANGE,
        str(ivy.public_id),
        "POST",
    )
    assert event.changes == {"role": {"before": "IRO", "after": "Service manager"}}
    assert event.path == reverse("staff:edit", args=[ivy.public_id])


def test_an_admin_cannot_give_themselves_a_role(ada) -> None:
    response = client_for(ada).post(
        reverse("staff:edit", args=[ada.public_id]),
        edit_data(ada, role=Role.MANAGER.value, fte=""),
    )
    ada.refresh_from_db()
    assert "You cannot change your own role" in response.content.decode()
    assert ada.role_names == [Role.ADMIN.value]
    assert not ada.has_perm("children.view_all_children")
    assert not AuditEvent.objects.filter(action=Action.STAFF_ROLE_CHANGE).exists()


def test_a_new_account_is_audited_with_its_role(ada) -> None:
    client_for(ada).post(reverse("staff:create"), staff_data())
    member = User.objects.get(email="nina.new@council.example")
    event = AuditEvent.objects.get(action=Action.STAFF_CREATE)
    assert (event.user, event.object_id) == (ada, str(member.public_id))
    assert event.changes["role"] == {"before": None, "after": "IRO"}


def test_other_changes_are_audited_with_before_and_after_and_no_role_row(ada, ivy) -> None:
    client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]), edit_data(ivy, fte="0.8", job_title="Senior")
    )
    event = AuditEvent.objects.get(action=Action.STAFF_UPDATE)
    assert event.changes["fte"] == {"before": "1.00", "after": "0.8"}
    assert event.changes["job_title"] == {"before": "", "after": "Senior"}
    assert not AuditEvent.objects.filter(action=Action.STAFF_ROLE_CHANGE).exists()


def test_the_staff_page_shows_the_role_change_history(ada, ivy) -> None:
    client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]), edit_data(ivy, role=Role.MANAGER.value)
    )
    page = client_for(ada).get(reverse("staff:detail", args=[ivy.public_id])).content.decode()
    assert "Changed a member of staff&#x27;s role" in page
    assert "IRO to Service manager" in page


def test_managers_see_new_accounts_and_role_changes_on_their_home_page(ada, ivy, mona) -> None:
    client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]), edit_data(ivy, role=Role.MANAGER.value)
    )
    client_for(ada).post(reverse("staff:create"), staff_data())
    page = client_for(mona).get(reverse("home")).content.decode()
    assert "Role changed from IRO to Service manager" in page
    assert "Nina New" in page
    assert "New account: IRO" in page


def test_marking_an_iro_who_still_holds_children_as_left_is_refused(ada, ivy, ivys_child) -> None:
    response = client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]), edit_data(ivy, is_active="")
    )
    ivy.refresh_from_db()
    assert "still holds 1 child" in response.content.decode()
    assert ivy.is_active


def test_an_admin_refused_is_told_how_many_children_and_never_their_names(
    ada, ivy, ivys_child
) -> None:
    factories.looked_after_child(iro=ivy, first_name="Zed", last_name="Second")
    response = client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]),
        edit_data(ivy, left_on_0="31", left_on_1="5", left_on_2="2024"),
    )
    text = html.unescape(response.content.decode())
    assert (
        "Ivy Reviewer still holds 2 children: a service manager must reallocate them "
        "before the account is marked as left"
    ) in text
    assert ivys_child.full_name not in text
    assert "Zed Second" not in text
    assert not AuditEvent.objects.filter(user=ada, kind=Kind.READ).exists()
    ivy.refresh_from_db()
    assert ivy.left_on is None


def test_someone_who_may_read_every_child_is_refused_with_the_list_of_the_children(
    mona, ivy, ivys_child
) -> None:
    second = factories.looked_after_child(iro=ivy, first_name="Zed", last_name="Second")
    with pytest.raises(ValidationError) as error:
        services.staff_update(
            by=mona,
            member=ivy,
            version=ivy.version,
            details=StaffDetails(
                full_name=ivy.full_name,
                email=ivy.email,
                job_title="",
                fte=ivy.fte,
                role=Role.IRO.value,
                is_active=False,
            ),
        )
    message = error.value.message_dict["left_on"][0]
    assert message == (
        "Ivy Reviewer still holds 2 children: Amy Own "
        f"({ivys_child.child_ref}) and Zed Second ({second.child_ref}). Reallocate them "
        "before the account is marked as left"
    )
    reads = AuditEvent.objects.filter(user=mona, kind=Kind.READ)
    assert set(reads.values_list("child_id", flat=True)) == {ivys_child.pk, second.pk}


def test_an_iro_who_holds_children_cannot_be_given_another_role(ada, ivy, ivys_child) -> None:
    response = client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]),
        edit_data(ivy, role=Role.MANAGER.value),
    )
    assert "still holds 1 child" in response.content.decode()
    ivy.refresh_from_db()
    assert ivy.role_names == ["IRO"]


def test_an_iros_staff_page_says_how_many_children_they_hold(ada, ivy, ivys_child) -> None:
    page = client_for(ada).get(reverse("staff:detail", args=[ivy.public_id])).content.decode()
    assert "Holds 1 child" in page
    assert ivys_child.full_name not in page


def test_two_admins_editing_one_account_the_second_save_answers_409(ada, ivy) -> None:
    other_admin = factories.AdminFactory()
    stale = edit_data(ivy, job_title="From the second admin")
    client_for(ada).post(reverse("staff:edit", args=[ivy.public_id]), edit_data(ivy, fte="0.5"))
    response = client_for(other_admin).post(reverse("staff:edit", args=[ivy.public_id]), stale)
    ivy.refresh_from_db()
    assert response.status_code == 409
    assert ivy.fte == Decimal("0.50")
    assert ivy.job_title != "From the second admin"


def test_staff_list_shows_the_services_iro_count_and_fte(ada) -> None:
    factories.IroFactory(fte=Decimal("0.8"))
    factories.IroFactory(fte=Decimal("1.0"))
    factories.IroFactory(fte=Decimal("0.5"), is_active=False)
    page = client_for(ada).get(reverse("staff:list")).content.decode()
    assert "2 active IROs, 1.8 FTE in total" in page


def test_sign_in_is_by_email_whatever_its_case(client, ivy) -> None:
    response = client.post(
        reverse("login"), {"username": "IVY@Council.Example", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_each_role_lands_on_its_own_start_page(ivy, mona, ada) -> None:
    assert client_for(ivy).get(reverse("home"))["Location"] == reverse("dashboards:iro")
    assert client_for(mona).get(reverse("home")).status_code == 200
    assert client_for(ada).get(reverse("home"))["Location"] == reverse("staff:list")


# The staff list at scale: a page at a time, searched and filtered, in a fixed query count --


def _staff_rows(response) -> list[User]:
    return list(response.context["page_obj"].object_list)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_staff_list_shows_fifty_a_page_and_the_rest_on_the_next(ada) -> None:
    for n in range(60):
        factories.IroFactory(full_name=f"Iro {n:02d}")
    client = client_for(ada)
    first = client.get(reverse("staff:list"))
    second = client.get(reverse("staff:list"), {"page": "2"})
    shown = _staff_rows(first) + _staff_rows(second)
    assert (len(_staff_rows(first)), len(_staff_rows(second))) == (50, 11)
    assert {member.pk for member in shown} == set(User.objects.values_list("pk", flat=True))
    assert "61 members of staff found" in first.content.decode()
    assert 'class="govuk-pagination"' in first.content.decode()
    assert 'aria-label="Page 2"' in first.content.decode()


def test_staff_list_puts_active_accounts_first_then_by_name(ada) -> None:
    factories.IroFactory(full_name="Zara Active")
    factories.IroFactory(full_name="Abe Left", is_active=False)
    names = [m.full_name for m in _staff_rows(client_for(ada).get(reverse("staff:list")))]
    assert names == ["Ada Admin", "Zara Active", "Abe Left"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", ""])
def test_a_bad_page_number_shows_a_page_of_staff_not_an_error(ada, page) -> None:
    for _ in range(55):
        factories.IroFactory()
    response = client_for(ada).get(reverse("staff:list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number in (1, 2)
    assert _staff_rows(response)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("nina", {"Nina Search"}),
        ("NINA search", {"Nina Search"}),
        ("finance.example", {"Fred Other"}),
        ("o", {"Fred Other", "Nina Search"}),
        ("nobody", set()),
    ],
)
def test_staff_list_finds_staff_by_every_word_in_their_name_or_email(ada, q, found) -> None:
    factories.IroFactory(full_name="Nina Search", email="n.s@council.example")
    factories.ManagerFactory(full_name="Fred Other", email="fred@finance.example")
    response = client_for(ada).get(reverse("staff:list"), {"q": q})
    assert {m.full_name for m in _staff_rows(response)} - {"Ada Admin"} == found
    page = response.content.decode()
    assert f'value="{q}"' in page
    assert '<label class="govuk-label govuk-label--s" for="id_q">Name or email</label>' in page


def test_a_search_that_finds_nobody_says_so(ada) -> None:
    page = client_for(ada).get(reverse("staff:list"), {"q": "nobody"}).content.decode()
    assert "0 members of staff found" in page
    assert "No staff match the search." in page


def test_staff_list_filters_by_role_and_ignores_a_role_that_does_not_exist(ada, ivy, mona) -> None:
    client = client_for(ada)
    iros = client.get(reverse("staff:list"), {"role": Role.IRO.value})
    assert [m.full_name for m in _staff_rows(iros)] == ["Ivy Reviewer"]
    assert f'<option value="{Role.IRO.value}" selected>' in iros.content.decode()
    managers = client.get(reverse("staff:list"), {"role": Role.MANAGER.value, "q": "mona"})
    assert [m.full_name for m in _staff_rows(managers)] == ["Mona Manager"]
    everyone = client.get(reverse("staff:list"), {"role": "Superhero"})
    assert len(_staff_rows(everyone)) == 3


def test_staff_list_pages_keep_the_search_and_filter(ada) -> None:
    for n in range(55):
        factories.IroFactory(full_name=f"Paged Iro {n:02d}")
    page = client_for(ada).get(reverse("staff:list"), {"q": "paged", "role": Role.IRO.value})
    assert "?q=paged&amp;role=IRO&amp;page=2" in page.content.decode()


def test_staff_list_caseload_counts_only_the_children_held_now(ada, ivy, ian) -> None:
    for _ in range(2):
        factories.looked_after_child(iro=ivy)
    ended = factories.looked_after_child(iro=ian)
    Allocation.objects.filter(child=ended).update(end_date=date(2024, 5, 1))
    caseloads = {
        m.full_name: m.caseload for m in _staff_rows(client_for(ada).get(reverse("staff:list")))
    }
    assert caseloads == {"Ada Admin": 0, "Ian Other": 0, "Ivy Reviewer": 2}


def test_staff_list_runs_the_same_queries_for_three_staff_or_sixty(
    ada, ivy, django_assert_num_queries
) -> None:
    factories.looked_after_child(iro=ivy)
    client = client_for(ada)
    client.get(reverse("staff:list"))
    few = _queries(client, reverse("staff:list"))
    for n in range(57):
        member = factories.IroFactory(full_name=f"Many {n:02d}", fte=Decimal("0.5"))
        factories.looked_after_child(iro=member)
    with django_assert_num_queries(few):
        page = client.get(reverse("staff:list"))
    assert len(_staff_rows(page)) == 50
    assert "58 active IROs, 29.5 FTE in total" in page.content.decode()
    with django_assert_num_queries(few):
        client.get(reverse("staff:list"), {"q": "many", "role": Role.IRO.value, "page": "2"})
