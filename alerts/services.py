"""Writes of alerts: the scan that raises and clears them, reading them, the daily digest.

The scan is one transaction: a worker killed part-way leaves the alerts as they were. The
partial unique constraint on open alerts makes a second open alert for one condition
impossible, so two scans at once, or a retried one, raise nothing twice.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alerts import selectors
from alerts.conditions import CONDITIONS, Found, Scope
from alerts.models import Alert, AlertRead, AlertSettings, Digest, DigestStatus, Scan
from audit.models import Action, AuditEvent, Kind
from audit.writer import record_reads
from iro_service.models import User
from reviews.services import period_summary_store

logger = logging.getLogger(__name__)

# One scan of every child at a time (PostgreSQL); SQLite runs one writer at a time anyway.
SCAN_LOCK = 7_331_101
STAFF_ACTIONS = frozenset({Action.STAFF_CREATE, Action.STAFF_ROLE_CHANGE})
UNSCOPED_KINDS = frozenset(kind for kind, (_, scoped) in CONDITIONS.items() if not scoped)


@dataclass
class KindCount:
    raised: int = 0
    open: int = 0
    cleared: int = 0


@dataclass
class ScanResult:
    today: date
    counts: dict[str, KindCount] = field(default_factory=dict)

    @property
    def raised(self) -> int:
        return sum(count.raised for count in self.counts.values())

    @property
    def cleared(self) -> int:
        return sum(count.cleared for count in self.counts.values())

    @property
    def open(self) -> int:
        return sum(count.open for count in self.counts.values())


def _take_scan_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])


def _open_alerts(child_ids: list[int] | None) -> dict[str, dict[tuple[int, date], int]]:
    rows = Alert.objects.open()
    if child_ids is not None:
        rows = rows.filter(Q(child_id__in=child_ids) | Q(kind__in=sorted(UNSCOPED_KINDS)))
    existing: dict[str, dict[tuple[int, date], int]] = defaultdict(dict)
    for pk, kind, subject_id, due_on in rows.values_list("pk", "kind", "subject_id", "due_on"):
        existing[kind][(subject_id, due_on)] = pk
    return existing


def _compare(
    kind: str, found: Iterable[Found], existing: dict[tuple[int, date], int], today: date
) -> tuple[list[Alert], list[int], int]:
    """The alerts to raise and the ids to clear for one kind, and how many stay open."""
    since_subjects = {subject: pk for (subject, _), pk in existing.items()}
    keep: set[int] = set()
    new: list[Alert] = []
    for item in found:
        if item.due_on is None:  # a "since" kind: any open alert of the subject is this one
            pk = since_subjects.get(item.subject_id)
        else:
            pk = existing.get((item.subject_id, item.due_on))
        if pk is not None:
            keep.add(pk)
            continue
        new.append(
            Alert(
                kind=kind,
                subject_id=item.subject_id,
                link_ref=item.link_ref,
                child_id=item.child_id,
                staff_id=item.staff_id,
                due_on=item.due_on or today,
                reason=item.reason[:300],
            )
        )
    # The same condition found twice in one pass (two rows of one subject) is raised once.
    unique = {(alert.subject_id, alert.due_on): alert for alert in new}
    cleared = [pk for pk in existing.values() if pk not in keep]
    return list(unique.values()), cleared, len(keep) + len(unique)


def alerts_scan(
    *, today: date | None = None, child_ids: list[int] | None = None, trigger: str = "schedule"
) -> ScanResult:
    """Raise an alert for every condition found that has none open, and clear every open
    alert whose condition is no longer found; `child_ids` rechecks just those children."""
    today = today or timezone.localdate()
    started = timezone.now()
    result = ScanResult(today)
    with transaction.atomic():
        if child_ids is None:
            _take_scan_lock()
        scope = Scope(today, child_ids)
        existing = _open_alerts(child_ids)
        raising: list[Alert] = []
        clearing: list[int] = []
        for kind, (condition, _) in CONDITIONS.items():
            new, cleared, still_open = _compare(kind, condition(scope), existing[kind], today)
            raising += new
            clearing += cleared
            result.counts[kind] = KindCount(len(new), still_open, len(cleared))
        # The scan has worked out every child's next review due: it stores it (and the latest
        # rating) too, so what a lost save left stale is put right within the hour (ADR 0017).
        period_summary_store(
            {child: due.due for child, due in scope.next_due.items()},
            child_ids=child_ids,
            today=today,
        )
        Alert.objects.bulk_create(raising, ignore_conflicts=True)
        if clearing:
            Alert.objects.filter(pk__in=clearing, cleared_at__isnull=True).update(
                cleared_at=timezone.now()
            )
        if child_ids is None:
            Scan.objects.create(
                trigger=trigger,
                today=today,
                started_at=started,
                finished_at=timezone.now(),
                counts={kind: vars(count) for kind, count in result.counts.items()},
            )
    return result


def on_change(event: AuditEvent) -> None:
    """After a change to a child's record (or a staff account's role) commits, recheck the
    alerts it may have raised or resolved; the next full scan catches any recheck lost."""
    from alerts import tasks
    from core.queue import queue_on_commit

    if event.kind != Kind.CHANGE:
        return
    if event.child_id is not None:
        queue_on_commit(tasks.recheck_alerts, [event.child_id])
    elif event.action in STAFF_ACTIONS:
        queue_on_commit(tasks.recheck_alerts, [])


def alerts_mark_read(*, user: User, alerts: Iterable[Alert]) -> int:
    """Mark alerts as read by `user`: still listed, no longer counted as new."""
    rows = [AlertRead(alert=alert, user=user) for alert in alerts]
    AlertRead.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def alert_settings_save(*, user: User, daily_digest: bool) -> AlertSettings:
    """Turn the user's daily digest email on or off."""
    chosen, _ = AlertSettings.objects.update_or_create(
        user=user, defaults={"daily_digest": daily_digest}
    )
    return chosen


# The daily digest -----------------------------------------------------------------------------


def digest_recipients(*, day: date) -> list[int]:
    """Active users who asked for the digest and have not been sent one on `day`."""
    sent = Digest.objects.filter(day=day).values("user_id")
    return list(
        User.objects.active()
        .filter(alert_settings__daily_digest=True)
        .exclude(pk__in=sent)
        .values_list("pk", flat=True)
    )


def _claim(user_id: int, day: date) -> Digest | None:
    """The day's digest row, claimed for sending; None when it was sent or is being sent."""
    try:
        with transaction.atomic():
            return Digest.objects.create(user_id=user_id, day=day, status=DigestStatus.SENDING)
    except IntegrityError:
        pass
    # A failed send is retried by claiming it again; a sent or sending one never is.
    claimed = Digest.objects.filter(user_id=user_id, day=day, status=DigestStatus.FAILED).update(
        status=DigestStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    return Digest.objects.get(user_id=user_id, day=day) if claimed else None


def digest_message(*, user: User, alerts: list[Alert], day: date) -> EmailMultiAlternatives:
    """The digest email: kinds, due dates, child references and links; never a child's name."""
    base = settings.SITE_URL.rstrip("/")
    groups = selectors.grouped(alerts, today=day)
    for group in groups:
        for row in group.rows:
            row.url = base + reverse("alerts:open", args=[row.alert.public_id])
    context = {
        "user": user,
        "day": day,
        "count": len(alerts),
        "groups": groups,
        "alerts_url": base + reverse("alerts:list"),
        "settings_url": base + reverse("alerts:settings"),
    }
    subject = render_to_string("emails/alert-digest-subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/alert-digest-body.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("emails/alert-digest-body.html", context), "text/html"
    )
    return message


def digest_send(*, user_id: int, day: date) -> Digest | None:
    """Send `user_id` the day's digest at most once: the row is claimed (one per user and day,
    by constraint) before the email goes; a failed send is marked for retry and re-raised."""
    digest = _claim(user_id, day)
    if digest is None:
        return None
    user = User.objects.get(pk=user_id)
    alerts = list(selectors.alerts_for(user).select_related("child").order_by("due_on", "pk"))
    if not alerts:
        Digest.objects.filter(pk=digest.pk).update(status=DigestStatus.SENT, alert_count=0)
        return digest
    try:
        digest_message(user=user, alerts=alerts, day=day).send()
    except Exception as error:
        Digest.objects.filter(pk=digest.pk).update(
            status=DigestStatus.FAILED, failure=f"{type(error).__name__}: {error}"[:300]
        )
        raise
    Digest.objects.filter(pk=digest.pk).update(
        status=DigestStatus.SENT, alert_count=len(alerts), sent_at=timezone.now(), failure=""
    )
    # The email names children by reference: each child in it is a read by its recipient.
    record_reads(
        user=user,
        action=Action.ALERT_DIGEST,
        children={alert.child for alert in alerts if alert.child is not None},
    )
    return digest
