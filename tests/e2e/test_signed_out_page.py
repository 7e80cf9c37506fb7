"""The page a timed-out session lands on says why, and passes axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_signed_out_page_says_why_and_passes_axe(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}{reverse('login')}?next=/caseload/&timed_out=1")
    expect(page.get_by_role("region", name="Important")).to_contain_text("You have been signed out")
    assert violations(page) == []
