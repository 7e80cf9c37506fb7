"""Every signed-in page says no-store; every response carries the Permissions-Policy; passwords
are hashed with Argon2 (issue 14)."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_childs_page_is_never_stored_by_a_browser_or_proxy(ivy, ivys_child):
    response = client_for(ivy).get(reverse("children:detail", args=[ivys_child.public_id]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_download_of_childrens_data_is_never_stored_either(mona, ivys_child):
    response = client_for(mona).get(reverse("dashboards:download", args=["waiting"]))
    assert "no-store" in response["Cache-Control"]


def test_every_response_denies_the_browser_features_the_app_never_uses(db):
    response = client_for(None).get(reverse("login"))
    policy = response["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy
    assert "microphone=()" in policy


def test_passwords_are_stored_with_argon2_and_older_hashes_upgraded(settings, db):
    from django.contrib.auth.hashers import check_password, identify_hasher, make_password

    from iro_service.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    stored = make_password("correct-horse-battery")
    assert identify_hasher(stored).algorithm == "argon2"
    old = make_password("correct-horse-battery", hasher="pbkdf2_sha256")
    upgraded = []
    assert check_password("correct-horse-battery", old, setter=upgraded.append)
    assert upgraded == ["correct-horse-battery"]  # re-hashed with Argon2 on the next sign-in
