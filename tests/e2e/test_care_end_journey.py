"""A service manager records the end of a child's care: the IRO, plan and match end with it."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from core.dates import long_date
from tests import factories
from tests.e2e.conftest import JOURNEY_DAY, SHOTS, sign_in
from tests.e2e.test_accessibility import violations
from tests.e2e.test_review_journey import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_records_the_end_of_care_and_the_child_page_shows_all_it_ended(
    page: Page, live_server, mona, ivy
) -> None:
    child = factories.looked_after_child(
        iro=ivy, first_name="Cleo", last_name="Ceased", start=date(2024, 4, 1)
    )
    factories.ContactPlanFactory(child=child, start_date=date(2024, 5, 6))
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    factories.IvMatchFactory(child=child, visitor=visitor, start_date=date(2024, 6, 3))
    today = JOURNEY_DAY

    sign_in(page, live_server, mona.email)
    page.get_by_role("link", name="All children").click()
    page.get_by_role("link", name="Cleo Ceased").click()
    expect(page.get_by_text("Ivy Reviewer since")).to_be_visible()
    page.get_by_role("link", name="Record the end of care").click()
    fill_date(page, "end_date", today)
    page.get_by_label("Reason the child ceased to be looked after").select_option("E4A")
    page.get_by_role("button", name="Record end of care").click()

    expect(page.get_by_text("Cleo Ceased is recorded as no longer looked after")).to_be_visible()
    expect(page.get_by_text("Not looked after", exact=True)).to_be_visible()
    expect(page.get_by_text("Ivy Reviewer since")).to_have_count(0)
    expect(
        page.get_by_text(f"The in-contact plan agreed on 6 May 2024 ended on {long_date(today)}")
    ).to_be_visible()
    expect(
        page.get_by_text(
            f"Matched with Vera Visitor from 3 June 2024 to {long_date(today)} "
            "(Ceased to be looked after)"
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name="Log a contact")).to_have_count(0)
    assert violations(page) == []
    page.screenshot(path=str(SHOTS / "care-ended.png"), full_page=True)
