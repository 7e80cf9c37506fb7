"""The daily digest: opted in only, references and links but never a child's name, at most
once per user per day however often it is retried, and retried when the mail server fails."""

from datetime import date
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from alerts import services, tasks
from alerts.models import AlertSettings, Digest, DigestStatus
from audit.models import Action, AuditEvent, Kind
from iro_service.celery import app
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 3)


@pytest.fixture
def amy(ivy):
    """Ivy's child, in care since 2 April with no review held: an overdue review."""
    child = factories.looked_after_child(
        iro=ivy, start=date(2024, 4, 2), first_name="Amelia", last_name="Ownsworth"
    )
    services.alerts_scan(today=TODAY)
    AlertSettings.objects.create(user=ivy, daily_digest=True)
    return child


def test_the_digest_names_children_by_reference_and_links_each_alert(ivy, amy, settings):
    settings.SITE_URL = "https://iro.example.gov.uk"
    services.digest_send(user_id=ivy.pk, day=TODAY)
    [email] = mail.outbox
    html = email.alternatives[0][0]
    assert email.to == ["ivy@council.example"]
    assert email.subject == "IRO Oversight: 1 alert for you on Monday 3 June"
    for part in (email.subject, email.body, html):
        assert "Amelia" not in part
        assert "Ownsworth" not in part
    alert = amy.alerts.get()
    link = f"https://iro.example.gov.uk/alerts/{alert.public_id}/"
    for part in (email.body, html):
        assert f"Child {amy.child_ref}" in part
        assert link in part
        assert "Review overdue" in part
    assert Digest.objects.get(user=ivy, day=TODAY).status == DigestStatus.SENT
    assert AuditEvent.objects.filter(
        user=ivy, kind=Kind.READ, action=Action.ALERT_DIGEST, child=amy
    ).exists()


def test_the_digest_goes_at_most_once_a_day(ivy, amy):
    services.digest_send(user_id=ivy.pk, day=TODAY)
    assert services.digest_send(user_id=ivy.pk, day=TODAY) is None
    assert len(mail.outbox) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Digest.objects.create(user=ivy, day=TODAY, status=DigestStatus.SENDING)
    services.digest_send(user_id=ivy.pk, day=date(2024, 6, 4))
    assert len(mail.outbox) == 2


def test_a_digest_claimed_by_a_worker_that_died_is_never_sent_again(ivy, amy):
    # The worker claimed the day and may have sent the email before it died: sending again
    # could send it twice, so it is not.
    Digest.objects.create(user=ivy, day=TODAY, status=DigestStatus.SENDING)
    assert services.digest_send(user_id=ivy.pk, day=TODAY) is None
    assert mail.outbox == []


def test_a_failed_send_is_retried_with_backoff_and_sent_once(ivy, amy, monkeypatch):
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)
    assert tasks.send_digest.retry_backoff
    app.conf.task_always_eager = True
    try:
        # Eagerly, a retry runs at once, inside the first attempt (in a worker: after backoff).
        tasks.send_digest.apply(args=[ivy.pk, TODAY.isoformat()], throw=False)
    finally:
        app.conf.task_always_eager = False
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    digest = Digest.objects.get(user=ivy, day=TODAY)
    assert (digest.status, digest.attempts, digest.failure) == (DigestStatus.SENT, 2, "")


def test_only_people_who_asked_and_were_not_yet_sent_one_get_a_digest(ivy, ian, amy):
    AlertSettings.objects.create(user=ian, daily_digest=False)
    assert services.digest_recipients(day=TODAY) == [ivy.pk]
    services.digest_send(user_id=ivy.pk, day=TODAY)
    assert services.digest_recipients(day=TODAY) == []


def test_no_email_when_nothing_is_open(ivy):
    AlertSettings.objects.create(user=ivy, daily_digest=True)
    digest = services.digest_send(user_id=ivy.pk, day=TODAY)
    assert mail.outbox == []
    assert Digest.objects.get(pk=digest.pk).alert_count == 0
