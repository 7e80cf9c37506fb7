"""A manager builds the annual report, watches it build and become ready, reads it and
downloads the PDF; an IRO cannot reach the report pages."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SHOTS, sign_in
from tests.e2e.test_accessibility import violations
from tests.reporting.test_figures import child_in_care, review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_builds_the_report_and_downloads_the_pdf(
    page: Page, live_server, mona, ivy, start_celery_worker
) -> None:
    for place in ("U4", "K2", "P1"):
        child = child_in_care(iro=ivy, start=date(2028, 6, 5), place=place)
        review(child, date(2030, 9, 2), due=date(2030, 10, 1))

    sign_in(page, live_server, mona.email)
    page.get_by_role("link", name="Annual report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual IRO report")
    assert violations(page) == []
    page.get_by_label("Reporting year (1 April to 31 March)").select_option("2030-31")
    page.get_by_role("button", name="Build the report").click()

    # No worker yet: the edition waits in the queue and the page says so.
    expect(page.get_by_role("heading", level=1)).to_have_text("2030-31")
    expect(page.locator("#edition-step")).to_contain_text("Waiting for a worker")
    expect(page.locator("progress")).to_be_visible()
    assert violations(page) == []
    page.screenshot(path=str(SHOTS / "report-building.png"), full_page=True)

    start_celery_worker()
    # The page polls and opens the report when it is ready.
    expect(page.get_by_role("heading", name="Download")).to_be_visible(timeout=90_000)
    expect(
        page.get_by_role(
            "table", name="Placement type (children looked after on 31 March) by provider"
        )
    ).to_contain_text("Foster placement")
    assert violations(page) == []
    page.screenshot(path=str(SHOTS / "report-ready.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF for the Corporate Parenting Board").click()
    download = download_info.value
    assert download.suggested_filename == "iro-annual-report-2030-31.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    page.get_by_role("link", name="The report for children and young people").click()
    assert violations(page) == []
    page.screenshot(path=str(SHOTS / "report-for-children.png"), full_page=True)


def test_the_narrative_and_complaint_forms_by_keyboard_and_with_errors(
    page: Page, live_server, mona
) -> None:
    sign_in(page, live_server, mona.email)
    page.goto(f"{live_server.url}/report/")
    page.get_by_role("link", name="Write the narrative for 2030-31").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Narrative for 2030-31")
    assert violations(page) == []
    page.get_by_label("Introduction").fill("A year of <b>steady</b> work.")
    page.get_by_role("group", name="Priority 1").get_by_label("Priority area").fill("Participation")
    page.get_by_role("button", name="Save the narrative").press("Enter")
    expect(page.get_by_text("Narrative for 2030-31 saved")).to_be_visible()

    page.get_by_role("link", name="Complaints about the IRO service").click()
    assert violations(page) == []
    page.get_by_role("link", name="Record a complaint").click()
    page.get_by_role("button", name="Save the complaint").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select who complained")
    expect(summary).to_be_focused()
    assert violations(page) == []
    page.screenshot(path=str(SHOTS / "complaint-errors.png"), full_page=True)


def test_an_iro_cannot_reach_the_report(page: Page, live_server, ivy) -> None:
    sign_in(page, live_server, ivy.email)
    expect(page.get_by_role("link", name="Annual report")).to_have_count(0)
    response = page.goto(f"{live_server.url}/report/")
    assert response is not None
    assert response.status == 403
