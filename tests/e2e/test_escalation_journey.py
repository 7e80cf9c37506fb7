"""An IRO raises an escalation to a named person, a manager records a response, the IRO
escalates and resolves it; the IRO's own list shows what is overdue until it is answered."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import JOURNEY_DAY, SHOTS, sign_in
from tests.escalations.conftest import make_escalation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(page: Page, name: str, day) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_escalation_from_raising_to_resolution(
    page: Page, live_server, ivy, mona, ivys_child
) -> None:
    today = JOURNEY_DAY
    sign_in(page, live_server, ivy.email)
    page.get_by_role("link", name="Amy Own").click()
    page.get_by_role("link", name="Raise an escalation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise an escalation")

    # Nothing filled in: the error summary asks for an area of concern.
    page.locator("input[name=formal][value=true]").check()
    page.locator("#id_addressed_to_name").fill("Jo Bloggs")
    page.locator("#id_addressed_to_role").fill("Team manager")
    page.get_by_label("Summary of the concern").fill("The permanence plan has drifted.")
    page.get_by_role("button", name="Raise escalation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Add at least one area of concern")

    page.locator("#id_areas-0-area").select_option("care_plan_drift")
    page.locator("#id_areas-0-description").fill("No permanence plan at the second review.")
    page.locator("#id_areas-0-action_required").fill("Hold a permanence planning meeting.")
    page.locator("#id_areas-1-area").select_option("health")
    page.locator("#id_areas-1-description").fill("Review health assessment overdue.")
    page.locator("#id_areas-1-action_required").fill("Book the assessment.")
    page.get_by_role("button", name="Raise escalation").click()
    expect(page.get_by_text("Escalation raised", exact=True).first).to_be_visible()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Stage 1 (team manager)")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Jo Bloggs, Team manager")
    escalation_url = page.url
    _sign_out(page)

    sign_in(page, live_server, mona.email)
    page.get_by_role("link", name="Escalations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open escalations")
    page.get_by_role("link", name="Amy Own").click()
    page.get_by_role("link", name="Record a response").click()
    expect(page.get_by_label("Who responded?")).to_have_value("Jo Bloggs")
    page.get_by_label("Who responded?").fill("Tom Team")
    page.get_by_label("Their role").fill("Team manager")
    page.get_by_label("What did they say?").fill("Planning meeting booked for next month.")
    page.get_by_role("button", name="Record a response").click()
    expect(page.get_by_text("Response recorded").first).to_be_visible()
    expect(page.get_by_text("From Tom Team, Team manager")).to_be_visible()
    _sign_out(page)

    sign_in(page, live_server, ivy.email)
    page.goto(escalation_url)
    page.get_by_role("link", name="Escalate to a later stage").click()
    page.get_by_label("Stage 2 (service manager)").check()
    page.locator("#id_addressed_to_name").fill("Sam Senior")
    page.locator("#id_addressed_to_role").fill("Service manager")
    page.get_by_role("button", name="Escalate to a later stage").click()
    expect(page.get_by_text("Escalation moved to a later stage")).to_be_visible()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Stage 2 (service manager)")
    expect(page.get_by_text("To Sam Senior, Service manager")).to_be_visible()

    page.get_by_role("link", name="Resolve and close").click()
    page.get_by_role("button", name="Resolve and close the escalation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the outcome for care plan drift"
    )
    page.locator("fieldset", has_text="Outcome for area 1").get_by_label(
        "Resolved", exact=True
    ).check()
    page.locator("fieldset", has_text="Outcome for area 2").get_by_label("Partly resolved").check()
    page.get_by_label("Overall outcome").fill("Plan agreed; health assessment booked.")
    _fill_date(page, "closed_on", today)
    page.get_by_role("button", name="Resolve and close the escalation").click()
    expect(page.get_by_text("Escalation closed", exact=True).first).to_be_visible()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Resolved at")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Stage 2 (service manager)")
    page.screenshot(path=str(SHOTS / "escalation-detail.png"), full_page=True)


def test_managers_list_of_open_escalations(
    browser: Browser, live_server, ivy, ian, mona, ivys_child, ians_child
) -> None:
    today = JOURNEY_DAY
    make_escalation(child=ivys_child, by=ivy, raised_on=today - timezone.timedelta(days=20))
    make_escalation(child=ians_child, by=ian, stage="stage_2", raised_on=today, areas=("contact",))
    page = browser.new_page()
    sign_in(page, live_server, mona.email)
    page.get_by_role("link", name="Escalations", exact=True).click()
    expect(page.get_by_text("2 open escalations found")).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True)).to_be_visible()
    page.screenshot(path=str(SHOTS / "escalation-list.png"), full_page=True)
    page.get_by_label("Response overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 open escalation found")).to_be_visible()
    page.close()


def test_iros_own_list_shows_an_overdue_response_until_it_is_recorded(
    page: Page, live_server, ivy, mona, ivys_child
) -> None:
    today = JOURNEY_DAY
    make_escalation(child=ivys_child, by=ivy, raised_on=today - timezone.timedelta(days=14))
    sign_in(page, live_server, ivy.email)
    page.get_by_role("link", name="My escalations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My open escalations")
    row = page.get_by_role("row", name="Amy Own")
    expect(row).to_contain_text("Stage 1 (team manager)")
    expect(row).to_contain_text("To Jo Bloggs, Team manager")
    expect(row.get_by_text("Overdue", exact=True)).to_be_visible()
    page.screenshot(path=str(SHOTS / "escalation-mine.png"), full_page=True)
    _sign_out(page)

    sign_in(page, live_server, mona.email)
    page.get_by_role("link", name="Escalations", exact=True).click()
    page.get_by_role("link", name="Amy Own").click()
    page.get_by_role("link", name="Record a response").click()
    page.get_by_label("What did they say?").fill("Meeting booked.")
    page.get_by_role("button", name="Record a response").click()
    expect(page.get_by_text("Response recorded").first).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Response overdue")).to_have_count(0)
    _sign_out(page)

    sign_in(page, live_server, ivy.email)
    page.get_by_role("link", name="My escalations", exact=True).click()
    row = page.get_by_role("row", name="Amy Own")
    expect(row).to_contain_text(f"Response received {today:%-d %b %Y}")
    expect(row.get_by_text("Overdue", exact=True)).to_have_count(0)
