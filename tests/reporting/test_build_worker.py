"""An edition built by a real Celery worker over Redis, as production builds it: the request
queues the task when its transaction commits; a worker picks it up and the edition is ready."""

import time
from datetime import date

import pytest
from django.urls import reverse

from reporting.models import Edition, EditionStatus
from tests.conftest import client_for
from tests.reporting.test_figures import child_in_care, review

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_SECONDS = 120


def test_a_worker_on_redis_builds_the_edition_a_manager_asked_for(mona, ivy, start_celery_worker):
    start_celery_worker()
    child = child_in_care(iro=ivy, start=date(2022, 6, 6))
    review(child, date(2023, 9, 4), due=date(2023, 10, 1))

    response = client_for(mona).post(reverse("reporting:home"), {"year": "2023-24"})

    assert response.status_code == 302
    edition = Edition.objects.get()
    deadline = time.monotonic() + WAIT_SECONDS
    while edition.in_progress and time.monotonic() < deadline:
        time.sleep(0.5)
        edition.refresh_from_db()
    assert edition.status == EditionStatus.READY, edition.failure
    assert edition.figures["children"]["looked_after_at_end"] == 1
    assert set(edition.files.values_list("format", flat=True)) >= {"pdf", "docx", "xlsx", "csv"}
    # The task delivered again (a worker restart, acks_late) claims nothing and changes nothing.
    from reporting.tasks import build_edition

    build_edition.delay(edition.pk).get(timeout=30)
    assert Edition.objects.get().finished_at == edition.finished_at
