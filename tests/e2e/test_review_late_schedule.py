"""An IRO books a review after its due date: asked why and to confirm, then it is flagged."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from core.dates import long_date
from reviews import rules
from tests import factories
from tests.e2e.conftest import JOURNEY_DAY, SHOTS, sign_in
from tests.e2e.test_accessibility import violations
from tests.e2e.test_review_journey import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FLAG = "Scheduled after due date"


def test_iro_books_a_review_after_its_due_date_with_a_reason_and_sees_it_flagged(
    page: Page, live_server, ivy
) -> None:
    today = JOURNEY_DAY
    start = today - timedelta(days=10)
    factories.looked_after_child(
        iro=ivy,
        first_name="Lena",
        last_name="Late",
        start=start,
        date_of_birth=today.replace(year=today.year - 11),
    )
    due = rules.first_review_due(start)
    booked = due + timedelta(days=3)
    sign_in(page, live_server, ivy.email)
    page.get_by_role("link", name="Lena Late").click()
    page.get_by_role("button", name="Schedule the next review").click()
    fill_date(page, "date", booked)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Schedule review").click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"This review is due by {long_date(due)}"
    )
    page.screenshot(path=str(SHOTS / "review-late-schedule-warning.png"), full_page=True)
    assert violations(page) == []
    page.get_by_label("Why is the review being booked for this date?").fill(
        "Lena's mother is in hospital until then"
    )
    page.get_by_label("I confirm the review is to be booked for this date").check()
    page.get_by_role("button", name="Schedule review").click()
    expect(page.get_by_text("Review scheduled for")).to_be_visible()
    expect(page.get_by_text("Lena's mother is in hospital until then")).to_be_visible()

    page.get_by_role("link", name="Back").click()
    expect(page.get_by_text(FLAG).first).to_be_visible()
    page.get_by_role("link", name="My caseload").click()
    row = page.get_by_role("row").filter(has_text="Lena Late")
    expect(row).to_contain_text(FLAG)
    page.screenshot(path=str(SHOTS / "caseload-late-schedule.png"), full_page=True)

    page.get_by_label("Only reviews scheduled after their due date").check()
    page.get_by_label("Name or reference").fill("lena")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Showing 1 of 1 child allocated to you")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Lena Late")).to_contain_text(FLAG)
    page.get_by_label("Due within, or overdue").fill("soon")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert violations(page) == []
