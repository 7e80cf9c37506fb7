"""An IRO records and finalises a review with a RAG rating; the caseload moves the next due date."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.conftest import JOURNEY_DAY, SHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_date(page: Page, name: str, day) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def test_iro_records_and_finalises_a_review_and_the_caseload_shows_the_next_due_date(
    page: Page, live_server, ivy
) -> None:
    today = JOURNEY_DAY
    factories.looked_after_child(
        iro=ivy,
        first_name="Rhys",
        last_name="Review",
        start=today - timedelta(days=10),
        date_of_birth=today.replace(year=today.year - 9),
    )
    sign_in(page, live_server, ivy.email)
    page.get_by_role("link", name="Rhys Review").click()
    page.screenshot(path=str(SHOTS / "child-before-schedule.png"), full_page=True)
    page.get_by_role("button", name="Schedule the next review").click()
    fill_date(page, "date", today)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Schedule review").click()
    expect(page.get_by_text("Review scheduled for")).to_be_visible()

    page.get_by_role("link", name="Record the review").click()
    fill_date(page, "held_on", today)
    page.get_by_role("group", name="How did the review take place?").get_by_label(
        "In person"
    ).check()
    page.get_by_label("The IRO", exact=True).check()
    page.get_by_label("PN1: attended and spoke for themselves").check()
    page.get_by_role("group", name="Did a parent give a meaningful view?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role(
        "group", name="Did a parent have a one-to-one with the IRO before the review?"
    ).get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Was the social worker's report available?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Summary of the review (optional)").fill(
        "Rhys is settled and doing well at school."
    )
    page.get_by_role("button", name="Save draft record").click()
    expect(page.get_by_text("Draft record saved")).to_be_visible()

    page.get_by_role("link", name="Finalise and set RAG rating").click()
    page.get_by_label("Green: the plan is progressing").check()
    page.get_by_role("button", name="Finalise review").click()
    expect(page.get_by_text("Review finalised and RAG rating set")).to_be_visible()
    expect(page.locator("dd").get_by_text("Green")).to_be_visible()

    page.get_by_role("link", name="My caseload").click()
    next_due = today + relativedelta(months=3)
    row = page.get_by_role("row").filter(has_text="Rhys Review")
    expect(row).to_contain_text(next_due.strftime("%-d %b %Y"))
    expect(row).to_contain_text("Green")
    page.screenshot(path=str(SHOTS / "caseload.png"), full_page=True)
