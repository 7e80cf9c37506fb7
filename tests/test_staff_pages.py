"""Admins manage staff accounts, roles and FTE; everyone signs in with their email address."""

from decimal import Decimal

import pytest
from django.urls import reverse

from iro_service.models import Role, User
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


def test_admin_changes_a_role_and_marks_an_iro_as_left(ada, ivy) -> None:
    client_for(ada).post(
        reverse("staff:edit", args=[ivy.public_id]),
        staff_data(
            full_name="Ivy Reviewer",
            email=ivy.email,
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
    assert client_for(ivy).get(reverse("home"))["Location"] == reverse("reviews:caseload")
    assert client_for(mona).get(reverse("home"))["Location"] == reverse("children:list")
    assert client_for(ada).get(reverse("home"))["Location"] == reverse("staff:list")
