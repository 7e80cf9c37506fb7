"""The escalation services: every allowed and refused move, and the bad input they refuse."""

from datetime import date
from itertools import product

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEvent, Kind
from core.conflicts import EditConflictError
from escalations import services
from escalations.models import AreaOfConcern, Escalation, EscalationEvent, Stage, Status
from escalations.rules import STAGE_ORDER, can_move, is_skip
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db

HEALTH = services.AreaData(
    area="health", description="No health assessment", action_required="Book it"
)
CONTACT = services.AreaData(
    area="contact", description="Sibling contact stopped", action_required="Restart it"
)
PAIRS = list(product(STAGE_ORDER, STAGE_ORDER))
ALLOWED = [p for p in PAIRS if can_move(*p)]
REFUSED = [p for p in PAIRS if not can_move(*p)]


def _raise(child, by, **kwargs):
    fields = {
        "raised_on": date(2024, 1, 8),
        "formal": True,
        "summary": "Drift in the plan",
        "areas": [HEALTH, CONTACT],
        "addressed_to_name": "Jo Bloggs",
        "addressed_to_role": "Team manager",
    }
    return services.escalation_raise(by=by, child=child, **{**fields, **kwargs})


def _move(escalation, by, to_stage, reason="", on=date(2024, 1, 15)):
    return services.escalation_move(
        by=by,
        escalation=escalation,
        to_stage=to_stage,
        expected_stage=escalation.stage,
        version=escalation.version,
        on=on,
        addressed_to_name="Sam Senior",
        addressed_to_role="Service manager",
        reason=reason,
    )


def test_raising_records_the_escalation_its_areas_history_and_an_audit_row(ivy, ivys_child):
    escalation = _raise(ivys_child, ivy)
    assert (escalation.stage, escalation.formal, escalation.status) == ("stage_1", True, "open")
    assert escalation.stage_started_on == date(2024, 1, 8)
    assert [a.area for a in escalation.areas.all()] == ["health", "contact"]
    assert list(escalation.events.values_list("kind", "stage")) == [("raised", "stage_1")]
    audit = AuditEvent.objects.get(action="escalation.raise")
    assert (audit.child, audit.user, audit.object_id) == (
        ivys_child,
        ivy,
        str(escalation.public_id),
    )


def test_an_informal_escalation_starts_at_the_informal_stage(ivy, ivys_child):
    escalation = _raise(ivys_child, ivy, formal=False)
    assert (escalation.stage, escalation.formal) == ("informal", False)


def test_raising_with_no_area_of_concern_is_refused_and_saves_nothing(ivy, ivys_child):
    with pytest.raises(ValidationError, match="Add at least one area of concern"):
        _raise(ivys_child, ivy, areas=[])
    assert not Escalation.objects.exists()


def test_raising_in_the_future_is_refused(ivy, ivys_child):
    with pytest.raises(ValidationError, match="today or in the past"):
        _raise(ivys_child, ivy, raised_on=date(2999, 1, 1))


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED, ids=lambda s: s)
def test_every_allowed_move_changes_the_stage_once(ivy, ivys_child, from_stage, to_stage):
    escalation = make_escalation(child=ivys_child, by=ivy, stage=from_stage)
    reason = "Team manager on leave" if is_skip(from_stage, to_stage) else ""
    moved = _move(escalation, ivy, to_stage, reason=reason)
    moved.refresh_from_db()
    assert (moved.stage, moved.formal, moved.version) == (to_stage, True, 2)
    assert moved.stage_started_on == date(2024, 1, 15)
    event = moved.events.get(kind__in=["escalated", "skipped"])
    assert event.kind == ("skipped" if reason else "escalated")
    assert event.reason == reason
    assert AuditEvent.objects.get(action="escalation.move").detail == {
        "from": from_stage,
        "to": to_stage,
        "skip": bool(reason),
    }


@pytest.mark.parametrize(("from_stage", "to_stage"), REFUSED, ids=lambda s: s)
def test_every_refused_move_leaves_the_escalation_alone(ivy, ivys_child, from_stage, to_stage):
    escalation = make_escalation(child=ivys_child, by=ivy, stage=from_stage)
    with pytest.raises(ValidationError) as error:
        _move(escalation, ivy, to_stage, reason="A reason")
    assert "can only move to a later stage" in str(error.value)
    escalation.refresh_from_db()
    assert (escalation.stage, escalation.version) == (from_stage, 1)
    assert not EscalationEvent.objects.filter(kind__in=["escalated", "skipped"]).exists()


@pytest.mark.parametrize(("from_stage", "to_stage"), [p for p in ALLOWED if is_skip(*p)])
def test_skipping_a_stage_without_a_reason_is_refused(ivy, ivys_child, from_stage, to_stage):
    escalation = make_escalation(child=ivys_child, by=ivy, stage=from_stage)
    with pytest.raises(ValidationError) as error:
        _move(escalation, ivy, to_stage, reason="   ")
    assert error.value.message_dict == {"reason": ["Enter the reason for skipping a stage"]}
    escalation.refresh_from_db()
    assert escalation.stage == from_stage


def test_an_unknown_stage_is_refused(ivy, ivys_escalation):
    with pytest.raises(ValidationError, match="Select the stage"):
        _move(ivys_escalation, ivy, "stage_9")


def test_escalating_a_closed_escalation_is_refused(ivy, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy, closed_on=date(2024, 1, 10))
    with pytest.raises(ValidationError, match="closed: reopen it before escalating it"):
        _move(escalation, ivy, "stage_2")


def test_escalating_before_the_stage_started_is_refused(ivy, ivys_escalation):
    with pytest.raises(ValidationError, match="on or after the current stage started"):
        _move(ivys_escalation, ivy, "stage_2", on=date(2024, 1, 5))


def test_a_move_from_a_stale_page_is_a_conflict(ivy, mona, ivys_escalation):
    stale = Escalation.objects.get(pk=ivys_escalation.pk)
    _move(ivys_escalation, mona, "stage_2")
    with pytest.raises(EditConflictError, match="It is now open at stage 2"):
        _move(stale, ivy, "stage_2")
    ivys_escalation.refresh_from_db()
    assert (ivys_escalation.stage, ivys_escalation.version) == ("stage_2", 2)


def test_a_response_is_recorded_at_the_current_stage(ivy, mona, ivys_escalation):
    event = services.escalation_record_response(
        by=mona,
        escalation=ivys_escalation,
        version=1,
        on=date(2024, 1, 10),
        responder_name="Tom Team",
        responder_role="Team manager",
        text="Visit booked",
    )
    assert (event.kind, event.stage, event.by, event.responder_name) == (
        "response",
        "stage_1",
        mona,
        "Tom Team",
    )
    ivys_escalation.refresh_from_db()
    assert ivys_escalation.version == 2
    assert AuditEvent.objects.filter(action="escalation.respond", user=mona).exists()


def test_a_response_dated_before_the_escalation_is_refused(ivy, ivys_escalation):
    with pytest.raises(ValidationError) as error:
        services.escalation_record_response(
            by=ivy,
            escalation=ivys_escalation,
            version=1,
            on=date(2024, 1, 5),
            responder_name="Tom",
            responder_role="TM",
            text="Late",
        )
    assert error.value.message_dict["on"] == [
        "The date of the response must be on or after the date the escalation was raised, "
        "8 January 2024"
    ]
    assert not EscalationEvent.objects.filter(kind="response").exists()


def test_a_response_to_a_closed_escalation_is_refused(ivy, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy, closed_on=date(2024, 1, 10))
    with pytest.raises(ValidationError, match="closed"):
        services.escalation_record_response(
            by=ivy,
            escalation=escalation,
            version=1,
            on=date(2024, 1, 10),
            responder_name="Tom",
            responder_role="TM",
            text="Too late",
        )


def _outcomes(escalation, outcome="resolved"):
    return {str(a.public_id): (outcome, "") for a in escalation.areas.all()}


def test_closing_records_each_areas_outcome_and_the_level_reached(ivy, ivys_escalation):
    outcomes = _outcomes(ivys_escalation)
    first = next(iter(outcomes))
    outcomes[first] = ("partly_resolved", "Visits restarted; assessment still awaited")
    closed = services.escalation_close(
        by=ivy,
        escalation=ivys_escalation,
        version=1,
        closed_on=date(2024, 1, 12),
        outcome="Plan back on track",
        area_outcomes=outcomes,
    )
    assert (closed.status, closed.closed_on, closed.resolved_at_stage) == (
        "closed",
        date(2024, 1, 12),
        "stage_1",
    )
    assert sorted(closed.areas.values_list("outcome", flat=True)) == [
        "partly_resolved",
        "resolved",
    ]
    assert closed.events.filter(kind="closed").count() == 1


def test_closing_with_an_area_without_an_outcome_is_refused_and_saves_nothing(ivy, ivys_escalation):
    outcomes = _outcomes(ivys_escalation)
    health = ivys_escalation.areas.get(area="health")
    outcomes[str(health.public_id)] = ("", "")
    with pytest.raises(ValidationError, match="Health has none"):
        services.escalation_close(
            by=ivy,
            escalation=ivys_escalation,
            version=1,
            closed_on=date(2024, 1, 12),
            outcome="Done",
            area_outcomes=outcomes,
        )
    ivys_escalation.refresh_from_db()
    assert ivys_escalation.status == "open"
    assert not AreaOfConcern.objects.exclude(outcome="").exists()


def test_closing_before_the_escalation_was_raised_is_refused(ivy, ivys_escalation):
    with pytest.raises(ValidationError, match="on or after the date the escalation was raised"):
        services.escalation_close(
            by=ivy,
            escalation=ivys_escalation,
            version=1,
            closed_on=date(2024, 1, 1),
            outcome="Done",
            area_outcomes=_outcomes(ivys_escalation),
        )


def test_reopening_needs_a_reason_and_returns_to_the_stage_reached(ivy, ivys_child):
    escalation = make_escalation(
        child=ivys_child, by=ivy, stage="stage_2", closed_on=date(2024, 1, 12)
    )
    with pytest.raises(ValidationError, match="Enter the reason for reopening"):
        services.escalation_reopen(
            by=ivy, escalation=escalation, version=1, on=date(2024, 2, 1), reason=" "
        )
    reopened = services.escalation_reopen(
        by=ivy,
        escalation=escalation,
        version=1,
        on=date(2024, 2, 1),
        reason="Contact stopped again",
    )
    assert (reopened.status, reopened.stage, reopened.closed_on, reopened.resolved_at_stage) == (
        "open",
        "stage_2",
        None,
        "",
    )
    assert reopened.stage_started_on == date(2024, 2, 1)
    assert reopened.events.get(kind="reopened").reason == "Contact stopped again"


def test_reopening_an_open_escalation_is_refused(ivy, ivys_escalation):
    with pytest.raises(ValidationError, match="already open"):
        services.escalation_reopen(
            by=ivy,
            escalation=ivys_escalation,
            version=1,
            on=date(2024, 2, 1),
            reason="Why not",
        )


def test_the_database_refuses_a_closed_escalation_without_a_date_or_level(ivy, ivys_escalation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=ivys_escalation.pk).update(status=Status.CLOSED)


def test_the_database_refuses_closing_before_raising(ivy, ivys_escalation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=ivys_escalation.pk).update(
            status=Status.CLOSED, closed_on=date(2023, 1, 1), resolved_at_stage=Stage.STAGE_1
        )


def test_the_database_refuses_a_formal_escalation_at_the_informal_stage(ivy, ivys_escalation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=ivys_escalation.pk).update(stage=Stage.INFORMAL)


def test_raising_before_the_child_was_born_is_refused(ivy, ivys_child):
    with pytest.raises(ValidationError) as error:
        _raise(ivys_child, ivy, raised_on=date(2012, 5, 16))
    assert error.value.message_dict["raised_on"] == [
        "Date raised must be on or after the child's date of birth"
    ]
    assert not Escalation.objects.exists()


def test_a_summary_longer_than_the_limit_is_refused(ivy, ivys_child):
    with pytest.raises(ValidationError) as error:
        _raise(ivys_child, ivy, summary="x" * 10_001)
    assert "summary" in error.value.message_dict
    assert not Escalation.objects.exists()


def test_a_response_dated_in_the_future_is_refused(ivy, ivys_escalation):
    with pytest.raises(ValidationError) as error:
        services.escalation_record_response(
            by=ivy,
            escalation=ivys_escalation,
            version=1,
            on=date(2024, 3, 1),
            responder_name="Tom",
            responder_role="TM",
            text="Tomorrow",
        )
    assert error.value.message_dict["on"] == [
        "The date of the response must be today or in the past"
    ]


def test_a_move_audits_the_fields_it_changed_before_and_after(ivy, ivys_escalation):
    _move(ivys_escalation, ivy, "stage_2")
    audit = AuditEvent.objects.get(action="escalation.move")
    assert audit.kind == Kind.CHANGE
    assert audit.changes == {
        "stage": {"before": "stage_1", "after": "stage_2"},
        "stage_started_on": {"before": "2024-01-08", "after": "2024-01-15"},
        "addressed_to_name": {"before": "Jo Bloggs", "after": "Sam Senior"},
        "addressed_to_role": {"before": "Team manager", "after": "Service manager"},
    }


def test_closing_audits_its_changes_and_marks_the_outcome_changed_without_copying_it(
    ivy, ivys_escalation
):
    services.escalation_close(
        by=ivy,
        escalation=ivys_escalation,
        version=1,
        closed_on=date(2024, 1, 12),
        outcome="Plan back on track",
        area_outcomes=_outcomes(ivys_escalation),
    )
    changes = AuditEvent.objects.get(action="escalation.close").changes
    assert changes["status"] == {"before": "open", "after": "closed"}
    assert changes["closed_on"] == {"before": None, "after": "2024-01-12"}
    assert changes["outcome"] == {"changed": True}
    assert "Plan back on track" not in str(changes)


def _respond(escalation, by, version):
    return services.escalation_record_response(
        by=by,
        escalation=escalation,
        version=version,
        on=date(2024, 1, 10),
        responder_name="Tom",
        responder_role="TM",
        text="Said so",
    )


def _close(escalation, by, version):
    return services.escalation_close(
        by=by,
        escalation=escalation,
        version=version,
        closed_on=date(2024, 1, 12),
        outcome="Done",
        area_outcomes=_outcomes(escalation),
    )


@pytest.mark.parametrize("change", [_respond, _close], ids=["respond", "close"])
def test_a_change_from_a_stale_page_is_a_conflict_naming_where_it_now_stands(
    ivy, mona, ivys_escalation, change
):
    _respond(ivys_escalation, mona, version=1)
    with pytest.raises(EditConflictError, match="It is now open at stage 1"):
        change(ivys_escalation, ivy, version=1)
    ivys_escalation.refresh_from_db()
    assert (ivys_escalation.version, ivys_escalation.status) == (2, "open")
    assert ivys_escalation.events.filter(kind="response").count() == 1


def test_reopening_from_a_stale_page_is_a_conflict(ivy, mona, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy, closed_on=date(2024, 1, 12))
    services.escalation_reopen(
        by=mona, escalation=escalation, version=1, on=date(2024, 2, 1), reason="Contact stopped"
    )
    with pytest.raises(EditConflictError, match="It is now open at stage 1"):
        services.escalation_reopen(
            by=ivy, escalation=escalation, version=1, on=date(2024, 2, 2), reason="Again"
        )
    assert escalation.events.filter(kind="reopened").count() == 1
