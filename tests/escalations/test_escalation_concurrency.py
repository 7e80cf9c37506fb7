"""Two people escalating the same escalation at the same moment make one stage change."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections

from core.conflicts import EditConflictError
from escalations import services
from escalations.models import Escalation, EscalationEvent
from tests.escalations.conftest import make_escalation


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_moves_make_one_stage_change_and_one_conflict(ivy, mona, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def move(name: str, user, to_stage: str, reason: str) -> None:
        stale = Escalation.objects.get(pk=escalation.pk)
        barrier.wait()
        try:
            services.escalation_move(
                by=user,
                escalation=stale,
                to_stage=to_stage,
                expected_stage="stage_1",
                version=1,
                on=date(2024, 1, 15),
                addressed_to_name="Sam Senior",
                addressed_to_role="Service manager",
                reason=reason,
            )
            results[name] = "moved"
        except EditConflictError as conflict:
            results[name] = conflict
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=move, args=("ivy", ivy, "stage_2", "")),
        threading.Thread(target=move, args=("mona", mona, "stage_3", "Director asked")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["EditConflictError", "str"]
    escalation.refresh_from_db()
    assert escalation.version == 2
    moves = EscalationEvent.objects.filter(escalation=escalation, kind__in=["escalated", "skipped"])
    assert moves.count() == 1
    assert escalation.stage == moves.get().stage
    conflict = next(r for r in results.values() if not isinstance(r, str))
    assert "Someone else moved or changed this escalation" in str(conflict)
