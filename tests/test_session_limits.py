"""Sessions end: 30 minutes without a request, or 12 hours after signing in whatever the
activity; the session is ended on the server, and the next page asks to sign in again."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 4, 9, tzinfo=timezone.get_current_timezone())


def opens(client, url: str) -> bool:
    response = client.get(url)
    return not (response.status_code == 302 and response["Location"].startswith(reverse("login")))


def test_a_session_idle_for_31_minutes_is_ended_and_asks_to_sign_in(ivy):
    url = reverse("reviews:caseload")
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(ivy)
        assert opens(client, url)
        clock.move_to(START + timedelta(minutes=29))
        assert opens(client, url)  # within 30 minutes of the last request
        clock.move_to(START + timedelta(minutes=29 + 31))
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        assert not Session.objects.exists()  # ended on the server, not only in the browser
        page = client.get(response["Location"]).content.decode()
        assert "You have been signed out" in page
        assert not opens(client, url)


def test_activity_keeps_a_session_only_until_12_hours_after_signing_in(ivy):
    url = reverse("reviews:caseload")
    with time_machine.travel(START, tick=False) as clock:
        client = client_for(ivy)
        for minutes in range(20, 12 * 60, 20):
            clock.move_to(START + timedelta(minutes=minutes))
            assert opens(client, url), minutes
        clock.move_to(START + timedelta(hours=12, minutes=1))
        assert not opens(client, url)


def test_a_deactivated_user_is_out_at_once(ivy):
    client = client_for(ivy)
    url = reverse("reviews:caseload")
    assert opens(client, url)
    ivy.is_active = False
    ivy.save()
    assert not opens(client, url)
