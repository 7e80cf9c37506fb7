"""The scan raises each condition exactly once, clears what is resolved, raises again what
returns, leaves nothing half done, and runs the same queries at any caseload."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from alerts import services
from alerts.kinds import AlertKind
from alerts.models import Alert, Scan
from children.models import Child
from tests import factories
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 3)  # the fixed clock's day


def unallocated_children(count: int) -> list[Child]:
    """Children in care since April with no IRO: each raises one "waiting for an IRO"."""
    return [factories.looked_after_child(start=date(2024, 4, 2)) for _ in range(count)]


def test_a_second_scan_raises_nothing_new():
    unallocated_children(3)
    first = services.alerts_scan(today=TODAY)
    second = services.alerts_scan(today=TODAY)
    assert first.counts[AlertKind.UNALLOCATED].raised == 3
    assert second.counts[AlertKind.UNALLOCATED].raised == 0
    assert second.counts[AlertKind.UNALLOCATED].open == 3
    assert second.raised == 0
    assert Alert.objects.count() == first.raised == first.open


def test_a_second_open_alert_for_the_same_condition_is_impossible():
    [child] = unallocated_children(1)
    services.alerts_scan(today=TODAY)
    alert = Alert.objects.get(kind=AlertKind.UNALLOCATED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            kind=alert.kind,
            subject_id=alert.subject_id,
            link_ref=alert.link_ref,
            child=child,
            due_on=alert.due_on,
            reason="again",
        )


def test_a_condition_that_returns_after_its_alert_cleared_raises_a_new_one(ivy):
    [child] = unallocated_children(1)
    services.alerts_scan(today=TODAY)
    allocation = factories.AllocationFactory(child=child, iro=ivy, start_date=date(2024, 5, 1))
    cleared = services.alerts_scan(today=TODAY)
    assert cleared.counts[AlertKind.UNALLOCATED].cleared == 1
    # The allocation is found to be a mistake and removed: the child waits again.
    allocation.delete()
    again = services.alerts_scan(today=TODAY)
    assert again.counts[AlertKind.UNALLOCATED].raised == 1
    rows = Alert.objects.filter(child=child, kind=AlertKind.UNALLOCATED).order_by("pk")
    assert [row.is_open for row in rows] == [False, True]
    assert rows[0].due_on == rows[1].due_on  # same condition, same due date: allowed once closed


def test_a_scan_that_dies_part_way_leaves_nothing_half_done(monkeypatch):
    unallocated_children(2)
    services.alerts_scan(today=TODAY)
    before = set(Alert.objects.values_list("pk", "cleared_at"))
    factories.looked_after_child(start=date(2024, 4, 2))
    Child.objects.filter(pk=Alert.objects.first().child_id).update(archived_at=FIXED_NOW)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    # Dies after raising the new alert and before the scan's record is written.
    monkeypatch.setattr(Scan.objects, "create", killed)
    with pytest.raises(SystemExit):
        services.alerts_scan(today=TODAY)
    # Neither the new child's alerts nor the archived child's clearing were kept.
    assert set(Alert.objects.values_list("pk", "cleared_at")) == before
    assert Scan.objects.count() == 1


def test_a_recheck_of_one_child_touches_only_that_childs_alerts(ivy):
    first, second = unallocated_children(2)
    services.alerts_scan(today=TODAY)
    factories.AllocationFactory(child=first, iro=ivy, start_date=date(2024, 5, 1))
    factories.AllocationFactory(child=second, iro=ivy, start_date=date(2024, 5, 1))
    services.alerts_scan(today=TODAY, child_ids=[first.pk])
    waiting = Alert.objects.open().filter(kind=AlertKind.UNALLOCATED)
    assert list(waiting.values_list("child", flat=True)) == [second.pk]
    assert Scan.objects.count() == 1  # only full scans are recorded


def test_scan_alerts_command_prints_raised_open_and_cleared_per_kind(capsys):
    unallocated_children(2)
    call_command("scan_alerts", "--today", "2024-06-03")
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("Child waiting for an IRO"))
    assert line.split()[-3:] == ["2", "2", "0"]
    assert "Scanned as on 3 June 2024" in out
    call_command("scan_alerts", "--today", "2024-06-03", "--summary")
    assert "0 raised, 4 open, 0 cleared" in capsys.readouterr().out  # 2 waiting, 2 overdue
    assert Scan.objects.latest().trigger == "command"


def _looked_after_caseload(count: int) -> None:
    iro = factories.IroFactory()
    for _ in range(count):
        child = factories.looked_after_child(iro=iro, start=date(2023, 4, 3))
        factories.held_review(child, held_on=date(2023, 4, 24))
        factories.ContactPlanFactory(child=child, start_date=date(2024, 1, 8), every_weeks=2)
        factories.IvReferralFactory(child=child, referred_on=date(2024, 1, 8))


def test_the_scan_runs_the_same_number_of_queries_at_any_caseload():
    counts = []
    for size in (2, 12):
        _looked_after_caseload(size)
        with CaptureQueriesContext(connection) as first:
            services.alerts_scan(today=TODAY)
        with CaptureQueriesContext(connection) as steady:
            services.alerts_scan(today=TODAY)
        counts.append((len(first), len(steady)))
    assert counts[0] == counts[1]
    assert Alert.objects.filter(kind=AlertKind.IV_WAITING).count() == 14
