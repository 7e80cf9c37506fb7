"""axe-core checks the main pages against WCAG 2.2 A and AA rules, in Chromium."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(page: Page) -> list[str]:
    """axe-core's findings on the page, once the page has loaded (a form's POST may still be on its way)."""
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    assert result["passes"], "axe-core ran no rules: is the page loaded?"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.fixture
def case(ivy, ians_child):
    child = factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own")
    review = factories.held_review(child, held_on=date(2023, 4, 28), status="draft")
    return child, review


def test_iro_pages_have_no_accessibility_violations(page: Page, live_server, ivy, case) -> None:
    child, review = case
    sign_in(page, live_server, ivy.email)
    found = {}
    for url in [
        reverse("reviews:caseload"),
        reverse("children:detail", args=[child.public_id]),
        reverse("reviews:timeline", args=[child.public_id]),
        reverse("reviews:detail", args=[review.public_id]),
        reverse("reviews:record", args=[review.public_id]),
        reverse("reviews:oversight_add", args=[child.public_id]),
        reverse("escalations:raise", args=[child.public_id]),
        reverse("support:contact_plan", args=[child.public_id]),
        reverse("escalations:mine"),
        reverse("reviews:caseload") + "?q=Amy&rag=&due_within=2&due_unit=weeks",
    ]:
        page.goto(live_server.url + url)
        found[url] = violations(page)
    assert found == {url: [] for url in found}


def test_manager_pages_and_error_states_have_no_accessibility_violations(
    page: Page, live_server, mona, ivy, case
) -> None:
    child, _ = case
    sign_in(page, live_server, mona.email)
    found = {}
    for url in [
        reverse("children:list"),
        reverse("children:unallocated"),
        reverse("children:create"),
        reverse("escalations:list"),
        reverse("support:iv_list"),
        reverse("children:allocate", args=[child.public_id]),
        reverse("home"),
        reverse("children:cover"),
        reverse("children:reallocate", args=[ivy.public_id]),
    ]:
        page.goto(live_server.url + url)
        found[url] = violations(page)
    page.goto(live_server.url + reverse("children:create"))
    page.get_by_role("button", name="Add child").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    found["add a child, with errors"] = violations(page)
    assert found == {url: [] for url in found}


def test_admin_pages_have_no_accessibility_violations(page: Page, live_server, ada, ivy) -> None:
    sign_in(page, live_server, ada.email)
    found = {}
    for url in [
        reverse("staff:list"),
        reverse("staff:detail", args=[ivy.public_id]),
        reverse("staff:edit", args=[ivy.public_id]),
        reverse("staff:create"),
    ]:
        page.goto(live_server.url + url)
        found[url] = violations(page)
    page.goto(live_server.url + reverse("staff:create"))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    found["add a member of staff, with errors"] = violations(page)
    assert found == {url: [] for url in found}


def test_sign_in_page_has_no_accessibility_violations(page: Page, live_server) -> None:
    page.goto(live_server.url + reverse("login"))
    assert violations(page) == []
