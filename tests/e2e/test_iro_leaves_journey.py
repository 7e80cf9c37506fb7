"""An IRO leaves: the admin is told a manager must move their children first, the manager
moves them all at once, and then the admin can mark the IRO as left."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.conftest import JOURNEY_DAY, SHOTS, sign_in
from tests.e2e.test_accessibility import violations
from tests.e2e.test_review_journey import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _mark_left(page: Page, name: str) -> None:
    page.get_by_role("link", name=name).click()
    page.get_by_role("link", name=f"Change account of {name}").click()
    page.get_by_label("Account is active").uncheck()
    fill_date(page, "left_on", JOURNEY_DAY)
    page.get_by_role("button", name="Save").click()


def test_a_manager_moves_a_leaving_iros_children_so_the_admin_can_mark_them_left(
    page: Page, live_server, ada, mona, ivy, ian
) -> None:
    first = factories.looked_after_child(iro=ian, first_name="Lia", last_name="Moved")
    second = factories.looked_after_child(iro=ian, first_name="Max", last_name="Waits")

    sign_in(page, live_server, ada.email)
    _mark_left(page, "Ian Other")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Ian Other still holds 2 children: a service manager must reallocate them"
    )
    expect(page.get_by_text("Lia Moved")).to_have_count(0)
    _sign_out(page)

    sign_in(page, live_server, mona.email)
    page.get_by_role("link", name="Unallocated children").click()
    page.get_by_role("link", name="Reallocate Ian Other's children").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reallocate Ian Other's children")
    page.get_by_role("button", name="Move the children").click()  # nobody chosen yet
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose who Lia Moved moves to, or end the allocation"
    )
    assert violations(page) == []
    page.get_by_label("Move every child to").select_option(label="Ivy Reviewer")
    page.get_by_label(f"Max Waits ({second.child_ref})").select_option("end")
    page.get_by_label("Reason (optional)").fill("IRO left the service")
    page.screenshot(path=str(SHOTS / "reallocate-iro.png"), full_page=True)
    page.get_by_role("button", name="Move the children").click()
    expect(page.get_by_text("2 children moved from Ian Other")).to_be_visible()
    waiting = page.get_by_role("table", name="1 child waiting")
    expect(waiting.get_by_role("link", name="Max Waits", exact=True)).to_be_visible()
    page.get_by_role("link", name="All children").click()
    page.get_by_role("link", name="Lia Moved").click()
    expect(page.get_by_text("Ivy Reviewer since")).to_be_visible()
    assert first.allocations.get(end_date=None).iro == ivy
    _sign_out(page)

    sign_in(page, live_server, ada.email)
    _mark_left(page, "Ian Other")
    expect(page.get_by_text("Account for Ian Other saved")).to_be_visible()
    expect(page.get_by_text("Left the service on")).to_be_visible()


def test_a_manager_changes_cover_then_ends_it_today(page: Page, live_server, mona, ivy, ian):
    from children import services

    services.cover_arrange(
        by=mona,
        absent_iro=ian,
        covering_iro=ivy,
        start_date=JOURNEY_DAY,
        end_date=None,
    )
    sign_in(page, live_server, mona.email)
    page.get_by_role("link", name="Cover", exact=True).click()
    page.get_by_role("link", name="Change cover of Ian Other by Ivy Reviewer").click()
    fill_date(page, "end_date", JOURNEY_DAY + timedelta(days=365))
    assert violations(page) == []
    page.get_by_role("button", name="Save cover").click()
    expect(page.get_by_text("Cover saved: Ivy Reviewer covering Ian Other")).to_be_visible()
    page.screenshot(path=str(SHOTS / "cover-changed.png"), full_page=True)
    page.get_by_role("button", name="End the cover of Ian Other by Ivy Reviewer today").click()
    expect(page.get_by_text("Cover ended today: Ivy Reviewer covering Ian Other")).to_be_visible()
    assert violations(page) == []
