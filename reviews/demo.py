"""Demo reviews and oversight for Demo City Council, built over the children already loaded.

Reviews follow reg. 33 with about 1% late (with reasons); participation, parents' views and
social worker reports at the seed report's rates; RAG about 80% green, 18% amber, 2% red;
about five oversight notes a child a year. Deterministic for a seed and a `today`.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from children.models import Allocation, Child, Episode, PeriodOfCare
from core import bulk
from iro_service.models import User
from iro_service.working_days import is_working_day
from reviews import rules
from reviews.models import (
    Decision,
    OversightNote,
    RagRating,
    Review,
)

LATE_REASONS = [
    "iro_absence",
    "care_plan",
    "assessments",
    "family",
    "professionals",
    "notified_late",
]
NOTE_KINDS = [
    "midway",
    "sw_update",
    "sw_update",
    "file_check",
    "contact_child",
    "contact_carer",
    "contact_professional",
]
DECISIONS = [
    ("Social worker to update the care plan", "Social worker"),
    ("Arrange the annual health assessment", "Social worker"),
    ("Book a dental check", "Foster carer"),
    ("Complete the personal education plan", "Designated teacher"),
    ("Arrange family time with siblings", "Social worker"),
    ("Refer for life story work", "Social worker"),
    ("Complete the pathway plan", "Personal adviser"),
]


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_day(day: date, *, forward: bool) -> date:
    """The nearest working day to `day`: people meet on working days (not weekends or holidays)."""
    step = timedelta(days=1 if forward else -1)
    while not is_working_day(day):
        day += step
    return day


def _participation(rng: random.Random, age: int) -> str:
    if age < 4:
        return "PN0"
    return _weighted(
        rng, {"PN1": 62, "PN2": 5, "PN3": 6, "PN4": 3, "PN5": 9, "PN6": 14.7, "PN7": 0.3}
    )


def _meeting_format(day: date) -> str:
    """How a review held on `day` met: virtual under the COVID-19 rules, then mostly in person."""
    if date(2020, 3, 23) <= day < date(2021, 7, 19):
        return "virtual"
    return "hybrid" if day.year >= 2022 and day.day % 3 == 0 else "in_person"


class _Iros:
    """The IRO allocated to each child on a given day, from the allocations loaded."""

    def __init__(self, fallback: User, children: QuerySet[Child]) -> None:
        self.by_child: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
        for child_id, start, end, iro_id in Allocation.objects.filter(
            child__in=children
        ).values_list("child_id", "start_date", "end_date", "iro_id"):
            self.by_child[child_id].append((start, end, iro_id))
        self.fallback = fallback.pk

    def holding(self, child_id: int, day: date) -> int | None:
        """The IRO allocated to the child on `day`, or None while they wait for one."""
        for start, end, iro_id in self.by_child.get(child_id, []):
            if start <= day and (end is None or day < end):
                return iro_id
        return None

    def on(self, child_id: int, day: date) -> int:
        for start, end, iro_id in self.by_child.get(child_id, []):
            if start <= day and (end is None or day < end):
                return iro_id
        spells = self.by_child.get(child_id)
        return spells[-1][2] if spells else self.fallback


def build_demo_reviews(
    *, seed: int, today: date, created_by: User, children: QuerySet[Child] | None = None
) -> dict[str, int]:
    """Reviews, RAG ratings, decisions and oversight for the demo children (or `children`)."""
    rng = random.Random(seed * 7 + 3)
    scope = Child.objects.all() if children is None else children
    iros = _Iros(created_by, scope)
    by_pk = {c.pk: c for c in scope.only("pk", "date_of_birth")}
    spells: dict[int, list[rules.Spell]] = defaultdict(list)
    history: dict[int, date] = {}
    for child_id, period_id, start, status in Episode.objects.filter(child__in=scope).values_list(
        "child_id", "period_id", "start_date", "legal_status"
    ):
        spells[period_id].append(rules.Spell(start, status))
        history[child_id] = min(start, history.get(child_id, start))
    reviews: list[Review] = []
    # review index, rating, set_on, next due, last day looked after (None: still in care)
    ratings: list[tuple[int, str, date, date | None, date | None]] = []
    notes: list[OversightNote] = []
    audit = {"created_by_id": created_by.pk, "modified_by_id": created_by.pk}

    for period in PeriodOfCare.objects.filter(child__in=scope).order_by("pk"):
        child = by_pk[period.child_id]
        last_day = min(period.end_date or today, today - timedelta(days=1))
        held: list[tuple[date, str]] = []
        while True:
            # Built through the services' rule: regs. 33 and 48, from the episodes held.
            due = rules.review_due_in_period(
                period_start=period.start_date,
                spells=spells[period.pk],
                held=held,
                history_from=history.get(child.pk),
            )
            if due.due is None:
                break  # the history held cannot establish when it is due: none invented
            late = rng.random() < 0.008
            day = (
                due.due + timedelta(days=rng.randint(1, 15))
                if late
                else due.due - timedelta(days=rng.choice([0, 1, 2, 3, 5, 7, 10, 14]))
            )
            day = _working_day(max(day, period.start_date + timedelta(days=5)), forward=late)
            if day > last_day:
                iro = iros.holding(child.pk, today)
                # Only a child with an IRO has a review booked: the IRO chairs it.
                if iro and period.end_date is None and due.due - today <= timedelta(days=28):
                    when = _working_day(
                        max(today + timedelta(days=1), due.due - timedelta(days=2)), forward=True
                    )
                    late_booking = rules.schedule_warning(day=when, due=due.due, today=today)
                    reviews.append(
                        bulk.new(
                            Review,
                            child_id=child.pk,
                            period_id=period.pk,
                            iro_id=iro,
                            status="scheduled",
                            regime=due.regime.value,
                            kind=due.kind.value,
                            due_date=due.due,
                            counted_from=due.counted_from,
                            format=_meeting_format(when),
                            scheduled_for=timezone.make_aware(datetime.combine(when, time(10, 0))),
                            late_schedule_reason="The family could not come sooner"
                            if late_booking
                            else "",
                            **audit,
                        )
                    )
                break
            iro = iros.on(child.pk, day)
            age = child.age_on(day)
            review = bulk.new(
                Review,
                child_id=child.pk,
                period_id=period.pk,
                iro_id=iro,
                status="final",
                regime=due.regime.value,
                kind=due.kind.value,
                due_date=due.due,
                counted_from=due.counted_from,
                held_on=day,
                finalised_on=min(day + timedelta(days=rng.randint(0, 5)), today),
                finalised_by_id=iro,
                format=_meeting_format(day),
                scheduled_for=timezone.make_aware(
                    datetime.combine(day, time(rng.choice([9, 10, 11, 13, 14]), 0))
                ),
                pre_meeting_done_on=rules.pre_meeting_oversight_due(day)
                if rng.random() < 0.9
                else None,
                chair="young_person" if age >= 14 and rng.random() < 0.04 else "iro",
                participation=_participation(rng, age),
                parents_view="yes" if rng.random() < 0.77 else rng.choice(["no", "na"]),
                parents_one_to_one="yes" if rng.random() < 0.52 else rng.choice(["no", "no", "na"]),
                sw_report_available=rng.random() < 0.77,
                carer_attended=rng.random() < 0.8,
                iv_attended=rng.random() < 0.04,
                advocate_attended=rng.random() < 0.05,
                consultation_papers=rules.consultation_band_for(age),
                monitoring={
                    "health_assessment": "yes" if rng.random() < 0.9 else "no",
                    "dental_check": "yes" if rng.random() < 0.85 else "no",
                    "pep": ("yes" if rng.random() < 0.9 else "no")
                    if rules.monitoring_applies("pep", age)
                    else "na",
                },
                summary="Care plan reviewed with the child, carers and social worker.",
                late_reason=rng.choice(LATE_REASONS) if day > due.due else "",
                **audit,
            )
            reviews.append(review)
            held.append((day, due.regime.value))
            next_due = rules.review_due_in_period(
                period_start=period.start_date,
                spells=spells[period.pk],
                held=held,
                history_from=history.get(child.pk),
            ).due
            rating = _weighted(rng, {"green": 80, "amber": 18, "red": 2})
            ratings.append(
                (len(reviews) - 1, rating, review.finalised_on, next_due, period.end_date)
            )
        # Oversight notes: about five a year while looked after.
        day = period.start_date + timedelta(days=rng.randint(10, 40))
        while day <= last_day:
            notes.append(
                bulk.new(
                    OversightNote,
                    child_id=child.pk,
                    author_id=iros.on(child.pk, day),
                    noted_on=day,
                    kind=rng.choice(NOTE_KINDS),
                    text="Checked progress of the care plan.",
                    **audit,
                )
            )
            day += timedelta(days=rng.randint(90, 130))

    bulk.insert(Review, reviews)
    rags = []
    for index, rating, set_on, next_due, care_ended_on in ratings:
        review = reviews[index]
        # The window runs from the review meeting (docs/decisions/0010).
        start, end = rules.rag_follow_up_window(
            rating=rating, held_on=review.held_on, next_review_due=next_due
        )
        done = ended = None
        if end < today and rng.random() < 0.95:
            done = start + timedelta(days=rng.randint(0, (end - start).days))
        if care_ended_on is not None and (done is None or done > care_ended_on):
            # Care ended before the follow-up: it ended that day, as the service ends it.
            done, ended = None, max(care_ended_on, set_on)
        rags.append(
            bulk.new(
                RagRating,
                child_id=review.child_id,
                review_id=review.pk,
                rating=rating,
                set_on=set_on,
                set_by_id=review.iro_id,
                follow_up_from=start,
                follow_up_due=end,
                followed_up_on=done,
                follow_up_ended_on=ended,
                follow_up_ended_reason="Ceased to be looked after" if ended else "",
                **audit,
            )
        )
    bulk.insert(RagRating, rags)
    for rag in rags:
        if rag.followed_up_on:
            kind = "midway" if rag.rating == "green" else "sw_update"
            notes.append(
                bulk.new(
                    OversightNote,
                    child_id=rag.child_id,
                    author_id=rag.set_by_id,
                    noted_on=rag.followed_up_on,
                    kind=kind,
                    text=f"Follow-up of the {rag.rating} rating.",
                    follow_up_of_id=rag.pk,
                    **audit,
                )
            )
    bulk.insert(OversightNote, notes)

    decisions = []
    for review in reviews:
        if review.status != "final":
            continue
        for text, owner in rng.sample(DECISIONS, 2):
            due = review.held_on + timedelta(days=rng.choice([28, 42, 56, 84]))
            done = due < today and rng.random() < 0.9
            decisions.append(
                bulk.new(
                    Decision,
                    review_id=review.pk,
                    text=text,
                    owner=owner,
                    due_date=due,
                    status="done" if done else "open",
                    completed_on=due - timedelta(days=rng.randint(0, 20)) if done else None,
                    **audit,
                )
            )
    bulk.insert(Decision, decisions)

    return {
        "reviews": len(reviews),
        "ratings": len(rags),
        "oversight_notes": len(notes),
        "decisions": len(decisions),
    }
