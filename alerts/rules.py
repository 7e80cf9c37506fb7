"""When each alert is due: thresholds from settings, dates in working days (CPPCR 2010,
reg. 2(1)), read when a scan runs, never at import."""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings

from iro_service.working_days import add_working_days, subtract_working_days

# Local practice, not statute: each can be changed through the environment (see settings).
DEFAULTS = {
    "REVIEW_DUE_SOON_WORKING_DAYS": 10,
    "RECORD_FINALISE_WORKING_DAYS": 5,
    "PRE_MEETING_NOTICE_WORKING_DAYS": 5,
    "RAG_FOLLOW_UP_SOON_WORKING_DAYS": 5,
    "OVERSIGHT_QUARTER_WARNING_DAYS": 21,
    "UNALLOCATED_WORKING_DAYS": 5,
    "ESCALATION_OPEN_WORKING_DAYS": 20,
    "UNPLANNED_MOVE_REVIEW_WORKING_DAYS": 20,
    "UNPLANNED_MOVE_LOOKBACK_DAYS": 90,
    "STAFF_ACCESS_WORKING_DAYS": 10,
    "IV_WAITING_MONTHS": 3,
    "IV_REMATCH_WORKING_DAYS": 20,
    "IV_MATCH_ENDED_LOOKBACK_DAYS": 90,
    "CASELOAD_PER_FTE_LIMIT": 70,
}

# SSDA903 REASON_PLACE_CHANGE codes of a move nobody planned: a carer's or a placement's
# request, the child's wish, an allegation, standards of care, approval ended, closure.
UNPLANNED_MOVE_REASONS = ("CREQB", "CREQO", "CHILD", "ALLEG", "STAND", "APPRR", "CLOSE")


def threshold(name: str) -> int:
    """A threshold from settings.ALERT_THRESHOLDS, or its default (local practice)."""
    configured = getattr(settings, "ALERT_THRESHOLDS", {}) or {}
    return int(configured.get(name, DEFAULTS[name]))


@dataclass(frozen=True)
class Horizon:
    """The scan's day and the cut-off dates every kind compares with, worked out once."""

    today: date

    def working_days_ahead(self, name: str) -> date:
        return add_working_days(self.today, threshold(name))

    def working_days_ago(self, name: str) -> date:
        return subtract_working_days(self.today, threshold(name))

    def days_ago(self, name: str) -> date:
        return self.today - timedelta(days=threshold(name))

    def months_ago(self, name: str) -> date:
        return self.today - relativedelta(months=threshold(name))


def record_finalise_due(held_on: date) -> date:
    """A review's record is due final 5 working days after the meeting (local practice)."""
    return add_working_days(held_on, threshold("RECORD_FINALISE_WORKING_DAYS"))


def quarter_warning_from(quarter_end: date) -> date:
    """The day a quarter's missing oversight is flagged: 3 weeks before it ends (local practice)."""
    return quarter_end - timedelta(days=threshold("OVERSIGHT_QUARTER_WARNING_DAYS"))


def contact_due(last_contact: date, every_weeks: int) -> date:
    """The next contact an in-contact plan asks for: its interval after the last one."""
    return last_contact + timedelta(weeks=every_weeks)


def allocation_due(waiting_since: date) -> date:
    """An IRO allocated within 5 working days of the child's need (IRO Handbook 2010, 2.11)."""
    return add_working_days(waiting_since, threshold("UNALLOCATED_WORKING_DAYS"))


def escalation_overall_due(raised_on: date) -> date:
    """An escalation resolved within 20 working days of raising (IRO Handbook 2010, 6.2)."""
    return add_working_days(raised_on, threshold("ESCALATION_OPEN_WORKING_DAYS"))


def review_after_move_due(moved_on: date) -> date:
    """A review within 20 working days of an unplanned move (CPPCR 2010, reg. 32(2); local)."""
    return add_working_days(moved_on, threshold("UNPLANNED_MOVE_REVIEW_WORKING_DAYS"))


def staff_access_check_by(changed_on: date) -> date:
    """A new account or role is checked by a manager within 10 working days (local practice)."""
    return add_working_days(changed_on, threshold("STAFF_ACCESS_WORKING_DAYS"))


def iv_match_due(referred_on: date) -> date:
    """A child referred for an Independent Visitor is matched within 3 months (local practice)."""
    return referred_on + relativedelta(months=threshold("IV_WAITING_MONTHS"))


def iv_rematch_due(ended_on: date) -> date:
    """A child whose Independent Visitor left is referred again within 20 working days (local)."""
    return add_working_days(ended_on, threshold("IV_REMATCH_WORKING_DAYS"))
