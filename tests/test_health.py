"""The health check a load balancer polls: no sign-in, nothing about anyone, one query."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_answers_ok_without_signing_in(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_health_takes_only_get(client):
    assert client.post(reverse("health")).status_code == 405
