"""The seed_demo command: prints the demo logins, loads once, refuses bad dates."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from children.demo import DEMO_LOGINS, DEMO_PASSWORD
from children.models import Child


@pytest.fixture(autouse=True)
def fixed_clock():
    """The demo is built up to 31 March 2025: the clock stands on the day after."""
    with time_machine.travel(date(2025, 4, 1), tick=False):
        yield


def demo_children():
    return Child.objects.filter(created_by__email="manager@demo.example")


def test_command_prints_the_logins_and_if_empty_is_a_no_op(db):
    out = StringIO()
    call_command("seed_demo", "--children=40", "--seed=3", "--today=2025-03-31", stdout=out)
    text = out.getvalue()
    for role, email in DEMO_LOGINS:
        assert role in text
        assert email in text
    assert text.count(DEMO_PASSWORD) == 3
    assert "7.8 FTE" in text
    count = demo_children().count()
    assert demo_children().looked_after_on(date(2025, 3, 31)).count() == 40

    again = StringIO()
    call_command("seed_demo", "--if-empty", stdout=again)
    assert "Demo data already loaded" in again.getvalue()
    assert demo_children().count() == count
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_demo", stdout=StringIO())


def test_command_rejects_a_malformed_or_future_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today=31/03/2025", stdout=StringIO())
    with pytest.raises(CommandError, match="future"):
        call_command("seed_demo", "--today=2999-01-01", stdout=StringIO())
    assert not demo_children().exists()
