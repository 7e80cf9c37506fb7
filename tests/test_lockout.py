"""Sign-in resists guessing: after 5 wrong passwords for an account from one address, the right
one is refused (with the wrong-password message) until 30 minutes after the last failure."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"
WRONG_MESSAGE = "Enter a correct email address and password"
START = datetime(2026, 12, 4, 9, tzinfo=timezone.get_current_timezone())


def attempt(user, password, address="10.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": user.email, "password": password})
    return response, client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_sixth_attempt_is_refused_even_with_the_right_password_until_the_cool_off(ivy):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            response, _ = attempt(ivy, "guess-guess-guess")
            assert WRONG_MESSAGE in response.content.decode()
        response, client = attempt(ivy, RIGHT)
        assert response.status_code == 200
        assert WRONG_MESSAGE in response.content.decode()  # the same words as a wrong password
        assert not signed_in(client)
        clock.move_to(START + timedelta(minutes=29))
        response, client = attempt(ivy, RIGHT)
        assert not signed_in(client)
        clock.move_to(START + timedelta(minutes=29 + 31))
        response, client = attempt(ivy, RIGHT)
        assert response.status_code == 302
        assert signed_in(client)


def test_the_lock_is_on_the_account_from_that_address_only(ivy, ian):
    for _ in range(5):
        attempt(ivy, "guess-guess-guess")
    assert signed_in(attempt(ivy, RIGHT, address="10.0.0.2")[1])
    assert signed_in(attempt(ian, RIGHT)[1])


def test_signing_in_forgets_earlier_failures(ivy):
    for _ in range(4):
        attempt(ivy, "guess-guess-guess")
    assert signed_in(attempt(ivy, RIGHT)[1])
    for _ in range(4):
        attempt(ivy, "guess-guess-guess")
    assert signed_in(attempt(ivy, RIGHT)[1])
