"""Both dashboards in a browser: an IRO follows a figure of their week to its list; a manager
follows a service figure to the children list, filters it, and downloads a table as CSV;
axe-core finds nothing on either dashboard."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from alerts import services as alerts
from children.models import Child
from reviews.services import period_summary_refresh
from tests import factories
from tests.e2e.conftest import JOURNEY_DAY, SHOTS, sign_in
from tests.e2e.test_accessibility import violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service(ivy):
    """Ivy holds one child overdue its first review and one due in a fortnight."""
    factories.looked_after_child(
        iro=ivy, first_name="Owen", last_name="Overdue", start=JOURNEY_DAY - timedelta(days=60)
    )
    factories.looked_after_child(
        iro=ivy, first_name="Sara", last_name="Soon", start=JOURNEY_DAY - timedelta(days=14)
    )
    period_summary_refresh()
    alerts.alerts_scan(today=JOURNEY_DAY)


def test_an_iro_follows_a_figure_of_their_week_to_its_list(page: Page, live_server, ivy, service):
    sign_in(page, live_server, ivy.email)
    expect(page.get_by_role("heading", name="Your week")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("link", name="1 Overdue").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_text("Showing 1 of 2 children")).to_be_visible()
    expect(page.get_by_role("link", name="Owen Overdue")).to_be_visible()


def test_a_manager_follows_a_figure_filters_the_list_and_downloads_a_table(
    page: Page, live_server, mona, service
):
    sign_in(page, live_server, mona.email)
    expect(page.get_by_role("heading", name="Service overview")).to_be_visible()
    page.screenshot(path=str(SHOTS / "service-dashboard.png"), full_page=True)
    assert violations(page) == []

    page.get_by_role("link", name="1 Overdue reviews", exact=True).click()
    expect(page.get_by_text("1 child found")).to_be_visible()
    expect(page.get_by_role("link", name="Owen Overdue")).to_be_visible()
    page.get_by_label("Next review").select_option(label="Due in the next 4 weeks")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Sara Soon")).to_be_visible()
    expect(page.get_by_text("1 child found")).to_be_visible()

    page.go_back()
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the IROs' caseloads (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("IRO,Children,FTE,Per FTE")
    assert "Ivy Reviewer,2," in text


def test_a_manager_filters_the_overview_and_the_figures_open_the_same_children(
    page: Page, live_server, mona, ivy, service
):
    owen = Child.objects.get(first_name="Owen")
    factories.RagRatingFactory(child=owen, rating="red", set_by=ivy)
    period_summary_refresh()
    sign_in(page, live_server, mona.email)
    page.get_by_label("RAG rating", exact=True).select_option(label="Red")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"\?(.*&)?rag=red"))
    expect(page.get_by_role("status")).to_contain_text("Showing the children who match")
    page.screenshot(path=str(SHOTS / "service-dashboard-filtered.png"), full_page=True)
    assert violations(page) == []
    page.get_by_role("link", name="1 Children looked after", exact=True).click()
    expect(page.get_by_text("1 child found")).to_be_visible()
    expect(page.get_by_role("link", name="Owen Overdue")).to_be_visible()
    expect(page.get_by_label("RAG rating", exact=True)).to_have_value("red")
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the RAG ratings (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["Red,1", "Amber,0", "Green,0", "Not rated yet,0"]
