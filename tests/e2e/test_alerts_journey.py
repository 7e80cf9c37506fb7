"""An IRO sees how many alerts need them, opens the list, follows one, does what it asks,
and finds the alert gone; the alert pages pass axe-core."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alerts import services
from iro_service.celery import app
from tests import factories
from tests.e2e.conftest import JOURNEY_DAY, SHOTS, sign_in
from tests.e2e.test_accessibility import violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_celery():
    """Tasks run where they are queued, as in `make run`: the save's recheck happens at once."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_iro_follows_an_alert_does_the_thing_and_the_alert_is_gone(
    page: Page, live_server, ivy, eager_celery
) -> None:
    today = JOURNEY_DAY
    child = factories.looked_after_child(
        iro=ivy, first_name="Cara", last_name="Contact", start=today - timedelta(days=15)
    )
    factories.held_review(child, held_on=today - timedelta(days=5))
    factories.ContactPlanFactory(child=child, start_date=today - timedelta(weeks=3), every_weeks=2)
    services.alerts_scan(today=today)

    sign_in(page, live_server, ivy.email)
    header = page.get_by_role("link", name="Alerts 1 new")
    expect(header).to_be_visible()
    header.click()
    expect(page.get_by_role("heading", name="Your alerts")).to_be_visible()
    expect(page.get_by_role("heading", name="In-contact plan contact overdue")).to_be_visible()
    page.screenshot(path=str(SHOTS / "alerts-list.png"), full_page=True)
    assert violations(page) == []

    page.get_by_role(
        "link", name=f"Open in-contact plan contact overdue for {child.child_ref}"
    ).click()
    expect(page.get_by_role("heading", name="Log a contact with the child")).to_be_visible()
    page.locator("#id_contacted_on_0").fill(str(today.day))
    page.locator("#id_contacted_on_1").fill(str(today.month))
    page.locator("#id_contacted_on_2").fill(str(today.year))
    page.get_by_label("Phone call").check()
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_text("Contact logged")).to_be_visible()

    expect(page.get_by_role("link", name="Alerts", exact=True)).to_be_visible()
    page.get_by_role("link", name="Alerts", exact=True).click()
    expect(page.get_by_text("No open alerts: nothing needs you now.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "alerts-cleared.png"), full_page=True)


def test_manager_alert_pages_have_no_accessibility_violations(
    page: Page, live_server, mona, ivy
) -> None:
    factories.looked_after_child(iro=ivy, start=JOURNEY_DAY - timedelta(days=60))
    factories.looked_after_child(start=JOURNEY_DAY - timedelta(days=30))
    services.alerts_scan(today=JOURNEY_DAY)
    sign_in(page, live_server, mona.email)
    found = {}
    for url in [
        reverse("alerts:list"),
        reverse("alerts:team"),
        reverse("alerts:team_iro", args=[ivy.public_id]),
        reverse("alerts:schedule"),
        reverse("alerts:settings"),
    ]:
        page.goto(live_server.url + url)
        found[url] = violations(page)
    assert found == {url: [] for url in found}
