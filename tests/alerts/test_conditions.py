"""Each kind of alert on crafted data, the clock fixed: raised on the first day it should be,
not the day before, and cleared when the thing is done. Dates cross Christmas 2024 (25 and
26 December and 1 January are bank holidays) and weekends, so a count of calendar days
instead of working days fails here."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from alerts import services
from alerts.kinds import AlertKind
from alerts.models import Alert
from escalations.models import Stage, Status
from iro_service.services import StaffDetails, staff_add
from reviews.models import Decision, OversightNote, RagRating, Review, ReviewStatus
from support.models import ContactLog
from tests import factories
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def scan(day: date) -> None:
    with time_machine.travel(datetime.combine(day, time(7, 5), tzinfo=LONDON), tick=False):
        services.alerts_scan(today=day)


def open_alerts(kind: str) -> list[Alert]:
    return list(Alert.objects.open().filter(kind=kind))


def first_raised_on(kind: str, day: date) -> None:
    """Not raised the day before `day`; raised on `day`."""
    scan(day - timedelta(days=1))
    assert open_alerts(kind) == [], f"{kind} raised a day early"
    scan(day)
    assert len(open_alerts(kind)) == 1, f"{kind} not raised on {day}"


def meeting(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def child_reviewed_twice(ivy):
    """In care since April 2023, reviews held on time; the last on Monday 8 July 2024, so the
    next is due by Wednesday 8 January 2025 (reg. 33(3): 6 months)."""
    child = factories.looked_after_child(iro=ivy)
    for held in (date(2023, 4, 24), date(2023, 7, 17), date(2024, 1, 15), date(2024, 7, 8)):
        factories.held_review(child, held_on=held)
    return child


def book(child, when: datetime, **fields) -> Review:
    period = child.periods.get(end_date=None)
    return Review.objects.create(
        child=child,
        period=period,
        kind="later",
        due_date=date(2025, 1, 8),
        counted_from=date(2024, 7, 8),
        status=ReviewStatus.SCHEDULED,
        scheduled_for=when,
        format="in_person",
        **fields,
    )


# Reviews -------------------------------------------------------------------------------------


def test_review_due_unscheduled_is_raised_ten_working_days_ahead_across_christmas(
    child_reviewed_twice,
):
    # Ten working days before Wednesday 8 January 2025 is Friday 20 December: 25, 26 December
    # and 1 January do not count, nor do the weekends.
    first_raised_on(AlertKind.REVIEW_DUE_UNSCHEDULED, date(2024, 12, 20))
    alert = open_alerts(AlertKind.REVIEW_DUE_UNSCHEDULED)[0]
    assert alert.due_on == date(2025, 1, 8)
    assert alert.child == child_reviewed_twice
    assert "8 January 2025" in alert.reason


def test_booking_the_review_clears_review_due_unscheduled(child_reviewed_twice):
    scan(date(2024, 12, 20))
    book(child_reviewed_twice, meeting(date(2025, 1, 7)))
    scan(date(2024, 12, 20))
    assert open_alerts(AlertKind.REVIEW_DUE_UNSCHEDULED) == []
    assert Alert.objects.filter(kind=AlertKind.REVIEW_DUE_UNSCHEDULED).count() == 1


def test_a_review_is_overdue_the_day_after_it_was_due_and_holding_it_clears(child_reviewed_twice):
    first_raised_on(AlertKind.REVIEW_OVERDUE, date(2025, 1, 9))
    assert open_alerts(AlertKind.REVIEW_DUE_UNSCHEDULED) == []  # overdue replaces due soon
    factories.held_review(child_reviewed_twice, held_on=date(2025, 1, 9))
    scan(date(2025, 1, 9))
    assert open_alerts(AlertKind.REVIEW_OVERDUE) == []


def test_a_child_who_left_care_has_no_review_alerts(child_reviewed_twice):
    period = child_reviewed_twice.periods.get(end_date=None)
    child_reviewed_twice.episodes.update(end_date=date(2024, 12, 1), reason_ceased="E11")
    period.end_date = date(2024, 12, 1)
    period.save()
    scan(date(2025, 1, 9))
    assert Alert.objects.filter(child=child_reviewed_twice).count() == 0


def test_review_booked_after_its_due_date_in_uk_time(child_reviewed_twice):
    # 23:30 UTC on 8 January is still 8 January in winter; in summer the same instant is the
    # next day in the UK, so a booking at 00:30 BST on the 9th of July is after 8 July.
    review = book(child_reviewed_twice, datetime(2025, 1, 8, 23, 30, tzinfo=ZoneInfo("UTC")))
    scan(date(2024, 12, 2))
    assert open_alerts(AlertKind.REVIEW_SCHEDULED_LATE) == []
    Review.objects.filter(pk=review.pk).update(scheduled_for=meeting(date(2025, 1, 10)))
    scan(date(2024, 12, 2))
    [alert] = open_alerts(AlertKind.REVIEW_SCHEDULED_LATE)
    assert alert.link_ref == review.public_id
    assert "2 days after it is due" in alert.reason
    Review.objects.filter(pk=review.pk).update(scheduled_for=meeting(date(2025, 1, 7)))
    scan(date(2024, 12, 2))
    assert open_alerts(AlertKind.REVIEW_SCHEDULED_LATE) == []


def test_review_booked_after_midnight_bst_is_late(child_reviewed_twice):
    review = book(child_reviewed_twice, datetime(2024, 7, 8, 23, 30, tzinfo=ZoneInfo("UTC")))
    Review.objects.filter(pk=review.pk).update(due_date=date(2024, 7, 8))
    scan(date(2024, 7, 1))
    assert len(open_alerts(AlertKind.REVIEW_SCHEDULED_LATE)) == 1


def test_record_not_finalised_five_working_days_after_the_meeting(ivy):
    child = factories.looked_after_child(iro=ivy)
    review = factories.held_review(child, held_on=date(2024, 12, 20), status="draft")
    # Friday 20 December + 5 working days = Tuesday 31 December (25, 26 Dec not counted).
    first_raised_on(AlertKind.RECORD_NOT_FINALISED, date(2025, 1, 1))
    assert open_alerts(AlertKind.RECORD_NOT_FINALISED)[0].due_on == date(2024, 12, 31)
    Review.objects.filter(pk=review.pk).update(status="final", finalised_on=date(2025, 1, 2))
    scan(date(2025, 1, 2))
    assert open_alerts(AlertKind.RECORD_NOT_FINALISED) == []


def test_pre_meeting_oversight_due_raised_five_working_days_before_it_is_due(
    child_reviewed_twice,
):
    # Review on Monday 30 December: oversight due 2 working days before, Tuesday 24 December;
    # raised once that is within 5 working days: from Tuesday 17 December.
    review = book(child_reviewed_twice, meeting(date(2024, 12, 30)))
    first_raised_on(AlertKind.PRE_MEETING_DUE, date(2024, 12, 17))
    assert open_alerts(AlertKind.PRE_MEETING_DUE)[0].due_on == date(2024, 12, 24)
    Review.objects.filter(pk=review.pk).update(pre_meeting_done_on=date(2024, 12, 23))
    scan(date(2024, 12, 23))
    assert open_alerts(AlertKind.PRE_MEETING_DUE) == []


def test_decision_past_its_due_date_until_done(ivy):
    child = factories.looked_after_child(iro=ivy)
    review = factories.held_review(child, held_on=date(2024, 11, 4))
    decision = Decision.objects.create(
        review=review,
        text="Arrange a dental check",
        owner="Social worker",
        due_date=date(2024, 12, 20),
    )
    first_raised_on(AlertKind.DECISION_OVERDUE, date(2024, 12, 21))
    assert open_alerts(AlertKind.DECISION_OVERDUE)[0].link_ref == decision.public_id
    Decision.objects.filter(pk=decision.pk).update(status="done", completed_on=date(2024, 12, 23))
    scan(date(2024, 12, 23))
    assert open_alerts(AlertKind.DECISION_OVERDUE) == []


# Oversight between reviews -------------------------------------------------------------------


def _rating(child, by, *, due: date, rating: str = "amber") -> RagRating:
    return RagRating.objects.create(
        child=child,
        rating=rating,
        set_on=due - timedelta(weeks=8),
        set_by=by,
        follow_up_from=due - timedelta(weeks=3),
        follow_up_due=due,
    )


def test_rag_follow_up_due_soon_then_overdue_then_done(ivy):
    child = factories.looked_after_child(iro=ivy)
    rating = _rating(child, ivy, due=date(2025, 1, 3))
    # Friday 3 January less 5 working days: Tuesday 24 December.
    first_raised_on(AlertKind.RAG_FOLLOW_UP_DUE, date(2024, 12, 24))
    scan(date(2025, 1, 4))
    assert open_alerts(AlertKind.RAG_FOLLOW_UP_DUE) == []
    [overdue] = open_alerts(AlertKind.RAG_FOLLOW_UP_OVERDUE)
    assert overdue.due_on == date(2025, 1, 3)
    RagRating.objects.filter(pk=rating.pk).update(followed_up_on=date(2025, 1, 6))
    scan(date(2025, 1, 6))
    assert open_alerts(AlertKind.RAG_FOLLOW_UP_OVERDUE) == []


def test_only_the_latest_rating_asks_for_a_follow_up(ivy):
    child = factories.looked_after_child(iro=ivy)
    _rating(child, ivy, due=date(2024, 10, 4))
    _rating(child, ivy, due=date(2025, 3, 7), rating="green")
    scan(date(2024, 12, 2))
    assert open_alerts(AlertKind.RAG_FOLLOW_UP_OVERDUE) == []


def test_no_oversight_this_quarter_from_three_weeks_before_it_ends(ivy):
    child = factories.looked_after_child(iro=ivy)
    OversightNote.objects.create(
        child=child, author=ivy, noted_on=date(2024, 9, 16), kind="file_check", text="Checked"
    )
    newcomer = factories.looked_after_child(iro=ivy, start=date(2024, 12, 16))
    first_raised_on(AlertKind.OVERSIGHT_QUARTER, date(2024, 12, 10))
    [alert] = open_alerts(AlertKind.OVERSIGHT_QUARTER)
    assert (alert.child, alert.due_on) == (child, date(2024, 12, 31))
    scan(date(2024, 12, 20))
    assert [a.child for a in open_alerts(AlertKind.OVERSIGHT_QUARTER)] == [child]  # not newcomer
    assert newcomer.pk
    OversightNote.objects.create(
        child=child, author=ivy, noted_on=date(2024, 12, 20), kind="sw_update", text="Update"
    )
    scan(date(2024, 12, 20))
    assert open_alerts(AlertKind.OVERSIGHT_QUARTER) == []


def test_in_contact_plan_contact_overdue_until_a_contact_is_logged(ivy):
    child = factories.looked_after_child(iro=ivy)
    plan = factories.ContactPlanFactory(child=child, start_date=date(2024, 11, 4), every_weeks=2)
    first_raised_on(AlertKind.CONTACT_OVERDUE, date(2024, 11, 19))
    assert open_alerts(AlertKind.CONTACT_OVERDUE)[0].due_on == date(2024, 11, 18)
    ContactLog.objects.create(
        child=child, plan=plan, contacted_on=date(2024, 11, 19), method="phone"
    )
    scan(date(2024, 11, 19))
    assert open_alerts(AlertKind.CONTACT_OVERDUE) == []
    # The next contact is due two weeks after the last: overdue again from 4 December.
    scan(date(2024, 12, 4))
    assert open_alerts(AlertKind.CONTACT_OVERDUE)[0].due_on == date(2024, 12, 3)


def test_escalation_response_overdue_after_five_working_days(ivy, ivys_child):
    escalation = make_escalation(
        child=ivys_child, by=ivy, stage=Stage.INFORMAL, raised_on=date(2024, 12, 20)
    )
    # Friday 20 December + 5 working days = Tuesday 31 December; overdue from 1 January.
    first_raised_on(AlertKind.ESCALATION_RESPONSE_OVERDUE, date(2025, 1, 1))
    assert open_alerts(AlertKind.ESCALATION_RESPONSE_OVERDUE)[0].due_on == date(2024, 12, 31)
    type(escalation).objects.filter(pk=escalation.pk).update(responded_on=date(2025, 1, 2))
    scan(date(2025, 1, 2))
    assert open_alerts(AlertKind.ESCALATION_RESPONSE_OVERDUE) == []


# For the service managers --------------------------------------------------------------------


def test_child_unallocated_over_five_working_days_until_allocated(ivy):
    child = factories.looked_after_child(start=date(2024, 12, 20))
    first_raised_on(AlertKind.UNALLOCATED, date(2025, 1, 1))
    assert open_alerts(AlertKind.UNALLOCATED)[0].due_on == date(2024, 12, 31)
    factories.AllocationFactory(child=child, iro=ivy, start_date=date(2025, 1, 2))
    scan(date(2025, 1, 2))
    assert open_alerts(AlertKind.UNALLOCATED) == []


def test_escalation_open_over_twenty_working_days_until_closed(ivy, ivys_child):
    escalation = make_escalation(child=ivys_child, by=ivy, raised_on=date(2024, 12, 2))
    # 2 December + 20 working days = Thursday 2 January 2025 (three bank holidays between).
    first_raised_on(AlertKind.ESCALATION_LONG_OPEN, date(2025, 1, 3))
    type(escalation).objects.filter(pk=escalation.pk).update(
        status=Status.CLOSED, closed_on=date(2025, 1, 6), resolved_at_stage=Stage.STAGE_1
    )
    scan(date(2025, 1, 6))
    assert open_alerts(AlertKind.ESCALATION_LONG_OPEN) == []


def _move(child, *, on: date, reason: str) -> None:
    episode = child.episodes.get(end_date=None)
    episode.end_date, episode.reason_ceased, episode.reason_place_change = on, "X1", reason
    episode.save()
    factories.EpisodeFactory(
        period=episode.period, start_date=on, reason_new_episode="P", placement_type="U5"
    )


def test_unplanned_move_is_raised_at_once_and_cleared_by_a_review(ivy):
    child = factories.looked_after_child(iro=ivy)
    _move(child, on=date(2024, 12, 20), reason="CREQB")
    first_raised_on(AlertKind.UNPLANNED_MOVE, date(2024, 12, 20))
    [alert] = open_alerts(AlertKind.UNPLANNED_MOVE)
    # 20 working days after Friday 20 December: Wednesday 22 January.
    assert alert.due_on == date(2025, 1, 22)
    assert "CREQB" in alert.reason
    factories.held_review(child, held_on=date(2025, 1, 14))
    scan(date(2025, 1, 14))
    assert open_alerts(AlertKind.UNPLANNED_MOVE) == []


def test_unplanned_move_with_a_review_booked_in_time_is_not_raised(ivy):
    child = factories.looked_after_child(iro=ivy)
    _move(child, on=date(2024, 12, 20), reason="ALLEG")
    period = child.periods.get(end_date=None)
    Review.objects.create(
        child=child,
        period=period,
        kind="unknown",
        status=ReviewStatus.SCHEDULED,
        scheduled_for=meeting(date(2025, 1, 22)),
    )
    scan(date(2024, 12, 23))
    assert open_alerts(AlertKind.UNPLANNED_MOVE) == []
    Review.objects.filter(child=child).update(scheduled_for=meeting(date(2025, 1, 23)))
    scan(date(2024, 12, 23))
    assert len(open_alerts(AlertKind.UNPLANNED_MOVE)) == 1


def test_a_planned_move_raises_nothing(ivy):
    child = factories.looked_after_child(iro=ivy)
    _move(child, on=date(2024, 12, 20), reason="CARPL")
    scan(date(2024, 12, 23))
    assert open_alerts(AlertKind.UNPLANNED_MOVE) == []


def test_new_account_alert_lasts_ten_working_days(ada):
    with time_machine.travel(datetime(2024, 12, 20, 10, tzinfo=LONDON), tick=False):
        member = staff_add(
            by=ada,
            details=StaffDetails(
                full_name="Nia New",
                email="nia@council.example",
                job_title="IRO",
                fte=Decimal("1.0"),
                role="IRO",
            ),
        )
    scan(date(2024, 12, 20))
    [alert] = open_alerts(AlertKind.STAFF_ACCESS)
    assert alert.staff == member
    assert alert.reason == "New account as IRO by Ada Admin on 20 December 2024"
    # 20 December + 10 working days = Wednesday 8 January: checked by then, then it goes.
    assert alert.due_on == date(2025, 1, 8)
    scan(date(2025, 1, 8))
    assert len(open_alerts(AlertKind.STAFF_ACCESS)) == 1
    scan(date(2025, 1, 9))
    assert open_alerts(AlertKind.STAFF_ACCESS) == []


def test_iv_match_ended_until_the_child_is_referred_again(mona):
    child = factories.looked_after_child()
    match = factories.IvMatchFactory(child=child, start_date=date(2024, 3, 4))
    type(match).objects.filter(pk=match.pk).update(end_date=date(2024, 12, 20), end_reason="Moved")
    first_raised_on(AlertKind.IV_MATCH_ENDED, date(2024, 12, 20))
    factories.IvReferralFactory(child=child, referred_on=date(2025, 1, 6))
    scan(date(2025, 1, 6))
    assert open_alerts(AlertKind.IV_MATCH_ENDED) == []


def test_child_waiting_over_three_months_for_an_iv_until_matched(mona):
    child = factories.looked_after_child()
    referral = factories.IvReferralFactory(child=child, referred_on=date(2024, 9, 20))
    first_raised_on(AlertKind.IV_WAITING, date(2024, 12, 21))
    assert open_alerts(AlertKind.IV_WAITING)[0].due_on == date(2024, 12, 20)
    type(referral).objects.filter(pk=referral.pk).update(
        closed_on=date(2025, 1, 6), closed_reason="Matched"
    )
    scan(date(2025, 1, 6))
    assert open_alerts(AlertKind.IV_WAITING) == []


def test_iro_over_seventy_children_per_fte_until_reallocated(mona):
    iro = factories.IroFactory(fte=Decimal("0.5"))
    children = [factories.looked_after_child(iro=iro) for _ in range(36)]
    scan(date(2024, 12, 2))
    [alert] = open_alerts(AlertKind.CASELOAD_OVER)
    assert alert.staff == iro
    assert alert.reason.startswith("36 children on 0.5 FTE: 72 per FTE")
    # Still over the next day: the same alert, not a new one ("since" keeps its first date).
    scan(date(2024, 12, 3))
    assert [a.pk for a in open_alerts(AlertKind.CASELOAD_OVER)] == [alert.pk]
    assert open_alerts(AlertKind.CASELOAD_OVER)[0].due_on == date(2024, 12, 2)
    children[0].allocations.update(end_date=date(2024, 12, 3))
    scan(date(2024, 12, 4))
    assert open_alerts(AlertKind.CASELOAD_OVER) == []  # 35 on 0.5 is 70: at the limit, not over


def test_a_scan_that_runs_days_late_catches_up(child_reviewed_twice):
    scan(date(2024, 12, 20))
    assert len(open_alerts(AlertKind.REVIEW_DUE_UNSCHEDULED)) == 1
    # No scan over Christmas (Redis down, say): the next one finds the review now overdue.
    scan(date(2025, 1, 13))
    assert open_alerts(AlertKind.REVIEW_DUE_UNSCHEDULED) == []
    [overdue] = open_alerts(AlertKind.REVIEW_OVERDUE)
    assert overdue.reason == "Later review was due by 8 January 2025: 5 days overdue"
