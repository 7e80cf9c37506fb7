"""An IRO signs in, finds a child on their caseload and opens the child's page."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_iro_signs_in_and_opens_a_child_from_their_caseload(
    page: Page, live_server, ivy, ivys_child
) -> None:
    sign_in(page, live_server, ivy.email)
    expect(page.get_by_role("heading", name="Your week")).to_be_visible()
    page.get_by_role("link", name="Amy Own").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amy Own")
    expect(page.get_by_text("Ivy Reviewer since")).to_be_visible()
    page.screenshot(path=str(SHOTS / "child-page.png"), full_page=True)


def test_wrong_password_shows_an_error_summary(page: Page, live_server, ivy) -> None:
    sign_in(page, live_server, ivy.email, password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title("Error: Sign in – IRO Oversight")  # noqa: RUF001 - GOV.UK title dash


def test_manager_adds_a_child_with_a_date_error_then_corrects_it(
    page: Page, live_server, mona
) -> None:
    sign_in(page, live_server, mona.email)
    page.get_by_role("button", name="Add a child").click()
    page.get_by_label("Child reference").fill("E2E0001")
    page.get_by_label("First name").fill("Eve")
    page.get_by_label("Last name").fill("Tester")
    page.locator("#id_date_of_birth_0").fill("1")
    page.locator("#id_date_of_birth_1").fill("1")
    page.locator("#id_date_of_birth_2").fill("2099")
    page.get_by_label("Female").check()
    page.get_by_label("Ethnicity").select_option("WBRI")
    page.locator("#id_start_date_0").fill("2")
    page.locator("#id_start_date_1").fill("1")
    page.locator("#id_start_date_2").fill("2024")
    page.get_by_label("Legal status").select_option("C1")
    page.get_by_label("Placement type").select_option("U6")
    page.get_by_label("Placement provider").select_option("PR1")
    page.locator("input[name=in_area][value=true]").check()
    page.get_by_role("button", name="Add child").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date of birth must be today or in the past"
    )
    page.locator("#id_date_of_birth_2").fill("2016")
    page.get_by_role("button", name="Add child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Eve Tester")
    expect(page.get_by_text("Eve Tester has been added")).to_be_visible()


def test_the_managers_header_fits_one_line_at_1280_px(page: Page, live_server, mona) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, mona.email)
    tops = page.locator(".govuk-service-navigation__item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    sign_out = page.get_by_role("button", name="Sign out")
    box = sign_out.bounding_box()
    assert box is not None
    assert box["height"] < 40  # one line, not wrapped
