"""The demo council's report records: a complaint or two a year about the service (the seed
had one, from a parent, resolved at stage 1) and the narrative of its last complete year."""

from datetime import date, timedelta

from iro_service.models import User
from iro_service.working_days import add_working_days, is_working_day
from reporting.models import Complaint, ComplaintOutcome, ComplaintStage, Narrative
from reporting.rules import ReportingYear

COMPLAINTS = (
    # (months into the year, who, about, stage, outcome, working days to close)
    (5, "parent", "Communication from an IRO before a review", "stage_1", "resolved", 14),
    (9, "carer", "The review was rearranged at short notice", "stage_1", "partly_upheld", 18),
)
NARRATIVE = {
    "introduction": (
        "This report tells the Corporate Parenting Board how the Independent Reviewing "
        "Officer service reviewed the care plans of the children in the council's care this "
        "year, and what it saw of the council as their corporate parent.\n\n"
        "IROs chaired every child's statutory review, kept in touch with children between "
        "reviews, and challenged plans that drifted."
    ),
    "achievements": (
        "More young people aged 16 and over chaired their own review, with their IRO's "
        "support.\n\nIROs added an oversight note to each child's record at least once a "
        "quarter for most children, and rated every child red, amber or green after their "
        "review."
    ),
    "next_steps": (
        "Offer every young person aged 16 and over the chance to chair their review.\n\n"
        "Ask children, parents and carers for feedback after each review.\n\n"
        "Bring caseloads back within the IRO Handbook's 50 to 70 children for each IRO."
    ),
    "priorities": [
        {
            "area": "Children take part in their reviews",
            "measurement": "Participation of children aged 4 and over, and reviews chaired by "
            "young people",
            "impact": "Children feel heard and shape the decisions made about them",
            "action": "Pilot preparation workshops with the Children in Care Council",
        },
        {
            "area": "Timely, well-prepared reviews",
            "measurement": "Reviews in timescale; social workers' reports available",
            "impact": "Plans progress without drift or delay",
            "action": "Track reports due with team managers two weeks before each review",
        },
    ],
}


def _working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def build_demo_report_records(*, today: date, history_years: int, created_by: User) -> int:
    """Complaints in each complete reporting year of the history, one in a year and two the
    next in turn, and the last complete year's narrative. Returns the complaints written."""
    last = ReportingYear.last_complete(today)
    complaints = []
    for back in range(history_years):
        year = ReportingYear(last.first - back)
        for months, who, about, stage, outcome, days in COMPLAINTS[: 1 + back % 2]:
            received = _working_day_on_or_after(year.start + timedelta(days=30 * months))
            closed = add_working_days(received, days)
            complaint = Complaint(
                received_on=received,
                complainant=who,
                about=about,
                stage=ComplaintStage(stage),
                outcome=ComplaintOutcome(outcome),
                closed_on=closed if closed <= today else None,
                lessons="Shared with the team at the next practice meeting",
                created_by=created_by,
                modified_by=created_by,
            )
            if complaint.closed_on is None:
                complaint.outcome = ""
            complaint.full_clean()
            complaints.append(complaint)
    Complaint.objects.bulk_create(complaints)
    Narrative.objects.create(
        year=last.label, created_by=created_by, modified_by=created_by, **NARRATIVE
    )
    return len(complaints)
