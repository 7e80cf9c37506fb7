"""Demo reviews and oversight for Demo City Council, built over the children already loaded.

Reviews follow reg. 33, mostly a few days before they are due and a few brought forward;
participation, parents' views, social worker reports and RAG ratings at the seed report's
rates; about five oversight notes a child a year. In the two reporting years that reproduce
the seed's report (children.demo.seed_years) its figures are planned for, not drawn: which
reviews are brought forward or late, how many answers are yes, which ratings are red, how
many notes are written. Deterministic for a seed and a `today`.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from children.demo import SEED_YEAR, SeedYear, scaled, seed_years, year_end, year_start
from children.models import Allocation, Child, Episode, PeriodOfCare
from core import bulk
from iro_service.models import User
from iro_service.working_days import is_working_day
from reviews import rules
from reviews.models import Decision, OversightNote, RagRating, Review

LATE_REASONS = ["iro_absence", "care_plan", "assessments", "family", "professionals"]
COVID_RULES = (date(2020, 3, 23), date(2021, 7, 19))  # lockdown to the end of the restrictions
LATE_SHARE = 0.01  # outside the years planned to the seed's figures
EARLY_DAYS = (0, 2, 3, 5, 7, 10, 14, 21, 28)  # how long before it is due a review is held
MIN_GAP = timedelta(days=35)  # a review brought forward is not within 5 weeks of another
PN7_SHARE = 0.0025  # the seed's participation rounds to 100%
PARENTS_VIEW_NA, ONE_TO_ONE_NA = 0.06, 0.1  # no parent to ask
RATINGS = ("green", "amber", "red")
# % yes where the question applies, outside the children's last review of a planned year.
MONITORING_YES = {**SEED_YEAR.monitoring, "dental_check": 85, "sdq": 80}
NOTE_KINDS = [
    "midway",
    "sw_update",
    "sw_update",
    "file_check",
    "contact_child",
    "contact_carer",
    "contact_professional",
]
# The longest a demo decision stays open past its date before the next review drops it.
DECISION_LEFT_OPEN_AT_MOST = timedelta(days=120)

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


def _working_day_between(rng: random.Random, low: date, high: date) -> date | None:
    """A working day from `low` to `high` inclusive, or None if there is none."""
    if low > high:
        return None
    day = _working_day(low + timedelta(days=rng.randint(0, (high - low).days)), forward=True)
    if day > high:
        day = _working_day(high, forward=False)
    return day if day >= low else None


def _yes_count(pct: int, n: int) -> int:
    """How many of `n` answers are yes for the share to print as `pct`% (whole numbers)."""
    if not n:
        return 0
    k = round(pct * n / 100)
    return next((c for c in (k, k - 1, k + 1) if 0 <= c <= n and round(100 * c / n) == pct), k)


def _deal(rng: random.Random, n: int, counts: dict[str, float]) -> list[str]:
    """`n` values in the proportions of `counts` (exactly them when they add up to `n`),
    shuffled: largest remainders, so every year's shares are planned, not drawn."""
    total = sum(counts.values())
    if not n or not total:
        return []
    exact = {k: n * v / total for k, v in counts.items()}
    whole = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: whole[k] - exact[k])[: n - sum(whole.values())]:
        whole[k] += 1
    values = [k for k, c in whole.items() for _ in range(c)]
    rng.shuffle(values)
    return values


def _answers(rng: random.Random, n: int, pct: int, na_share: float) -> list[str]:
    """`n` yes/no/na answers: a share "na", and yes `pct`% of the rest exactly."""
    na = round(n * na_share)
    yes = _yes_count(pct, n - na)
    return _deal(rng, n, {"yes": yes, "no": n - na - yes, "na": na})


def _participation(rng: random.Random, n: int) -> list[str]:
    """PN1-PN7 for `n` reviews of children aged 4 or over, PN7 a planned few."""
    pn7 = round(n * PN7_SHARE)
    weights = {"PN1": 62, "PN2": 5, "PN3": 6, "PN4": 3, "PN5": 9, "PN6": 15}
    codes = _deal(rng, n - pn7, weights) + ["PN7"] * pn7
    rng.shuffle(codes)
    return codes


def _meeting_format(day: date) -> str:
    """How a review held on `day` met: virtual under the COVID-19 rules, then mostly in person."""
    if COVID_RULES[0] <= day < COVID_RULES[1]:
        return "virtual"
    return "hybrid" if day.year >= 2022 and day.day % 3 == 0 else "in_person"


def _late_reason(rng: random.Random, day: date) -> str:
    covid = COVID_RULES[0] <= day < COVID_RULES[1]
    return rng.choice(LATE_REASONS + ["covid"] * 3 if covid else LATE_REASONS)


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


@dataclass
class _Held:
    day: date
    regime: str
    brought_forward: str = ""


@dataclass
class _Period:
    """A period of care and the days its reviews are held, as planned so far."""

    pk: int
    child_id: int
    start: date
    end: date | None
    last_day: date  # the last day a review can be held: not today, not after care ended
    spells: list[rules.Spell]
    history_from: date | None
    moves: list[date]  # placement changes
    held: list[_Held] = field(default_factory=list)

    def due(self, before: int) -> rules.ReviewDue:
        """The due date of the review after the first `before` held (regs. 33 and 48)."""
        return rules.review_due_in_period(
            period_start=self.start,
            spells=self.spells,
            held=[(h.day, h.regime) for h in self.held[:before]],
            history_from=self.history_from,
        )


def _hold_reviews(rng: random.Random, period: _Period, planned: tuple[date, date]) -> None:
    """The period's reviews, each a little before it is due; now and then one late, except
    around the `planned` years, whose late reviews _make_late chooses."""
    while True:
        due = period.due(len(period.held))
        if due.due is None:
            return  # the history held cannot establish when it is due: none invented
        late = rng.random() < LATE_SHARE and not (
            planned[0] - timedelta(days=25) <= due.due <= planned[1]
        )
        day = (
            due.due + timedelta(days=rng.randint(1, 15))
            if late
            else due.due - timedelta(days=rng.choice(EARLY_DAYS))
        )
        day = _working_day(max(day, period.start + timedelta(days=5)), forward=late)
        if day > period.last_day:
            return
        period.held.append(_Held(day, due.regime.value))


def _held_in(periods: list[_Period], start: date, end: date) -> list[tuple[_Period, int]]:
    return [(p, i) for p in periods for i, h in enumerate(p.held) if start <= h.day <= end]


def _bring_forward(
    rng: random.Random, periods: list[_Period], start: date, end: date, n: int
) -> None:
    """Hold `n` more reviews from `start` to `end`, each brought forward between two others.

    A review held early moves the next one's due date later (it runs from the actual date),
    so the reviews after it stay in time; it is itself held before the one it precedes was
    due. After a placement move it is the review reg. 32(2) asks for.
    """
    gaps = []
    for period in periods:
        for i, held in enumerate(period.held):
            after = period.held[i + 1].day if i + 1 < len(period.held) else None
            low = max(held.day + MIN_GAP, start)
            high = min(end, period.last_day, after - MIN_GAP if after else date.max)
            if low > high or (due := period.due(i + 1).due) is None:
                continue
            if low <= (high := min(high, due)):
                gaps.append((period, i, low, high))
    rng.shuffle(gaps)
    added: dict[int, list[_Held]] = defaultdict(list)
    for period, i, low, high in gaps:
        if n <= 0:
            break
        moved = [m for m in period.moves if low - timedelta(days=28) <= m < high]
        day = (
            _working_day_between(rng, max(low, moved[-1]), min(high, moved[-1] + MIN_GAP))
            if moved
            else None
        )
        reason = "Brought forward after the placement move (reg. 32(2))"
        if day is None:
            day, reason = _working_day_between(rng, low, high), "Brought forward: the IRO asked"
        if day is None:
            continue
        added[period.pk].append(_Held(day, period.due(i + 1).regime.value, reason))
        n -= 1
    for period in periods:
        if added[period.pk]:
            period.held = sorted(period.held + added[period.pk], key=lambda h: h.day)


def _make_late(rng: random.Random, periods: list[_Period], start: date, end: date, n: int) -> None:
    """Hold `n` reviews from `start` to `end` after their due date, one a period at most.

    Later due dates run from the day the late review was held, so the rest stay in time.
    """
    candidates = [(p, i) for p, i in _held_in(periods, start, end) if not p.held[i].brought_forward]
    rng.shuffle(candidates)
    done: set[int] = set()
    for period, i in candidates:
        if len(done) >= n:
            return
        due = period.due(i).due
        if period.pk in done or due is None:
            continue
        after = period.held[i + 1].day if i + 1 < len(period.held) else date.max
        day = _working_day(due + timedelta(days=rng.randint(1, 15)), forward=True)
        if day <= min(end, period.last_day, after - MIN_GAP):
            period.held[i].day = day
            done.add(period.pk)


def _finalised_on(
    rng: random.Random, records: list[_Held], today: date, looked_after: int
) -> dict[int, date]:
    """The day each review's record was finalised (and its RAG rating set): within a few days,
    and in a planned year its ratings are the seed's: every review held in it rated by
    31 March and the right number held just before 1 April rated after it."""
    finalised = {id(h): min(h.day + timedelta(days=rng.randint(0, 5)), today) for h in records}
    for start, seed in seed_years(today).items():
        if seed.rag is None:
            continue
        end = year_end(start)
        in_year = [h for h in records if start <= h.day <= end]
        for held in in_year:
            finalised[id(held)] = min(finalised[id(held)], end)
        before = [h for h in records if start - timedelta(days=7) <= h.day < start]
        rng.shuffle(before)
        carried = max(0, scaled(sum(seed.rag), looked_after) - len(in_year))
        for k, held in enumerate(before):
            if k < carried:
                finalised[id(held)] = min(start + timedelta(days=rng.randint(0, 3)), today)
            else:
                finalised[id(held)] = min(finalised[id(held)], start - timedelta(days=1))
    return finalised


def _ratings(rng: random.Random, set_on: list[date], today: date) -> list[str]:
    """A rating for each of the days ratings were set, each year in the shares of its seed
    year (the seed's 2020-21 for a year not planned): exactly its counts when there are as many."""
    by_year: dict[date, list[int]] = defaultdict(list)
    for k, day in enumerate(set_on):
        by_year[year_start(day)].append(k)
    planned = seed_years(today)
    ratings = [""] * len(set_on)
    for start, ks in by_year.items():
        rag = planned[start].rag if start in planned else None
        counts = dict(zip(RATINGS, rag or SEED_YEAR.rag or (), strict=True))
        for k, rating in zip(ks, _deal(rng, len(ks), counts), strict=True):
            ratings[k] = rating
    return ratings


def _monitoring(rng: random.Random, age: int) -> dict[str, str]:
    return {
        key: ("yes" if rng.random() * 100 < pct else "no")
        if rules.monitoring_applies(key, age)
        else "na"
        for key, pct in MONITORING_YES.items()
    }


def _plan_monitoring(
    rng: random.Random, reviews: list[Review], ages: list[int], periods: list[_Period], today: date
) -> None:
    """In a planned year, the answers at each last review in it of the children looked after
    at its end are yes in the seed's shares exactly."""
    for start, seed in seed_years(today).items():
        end = year_end(start)
        at_end = {p.child_id for p in periods if p.start <= end and (p.end is None or p.end > end)}
        last: dict[int, tuple[date, int]] = {}
        for k, review in enumerate(reviews):
            day = review.held_on
            if review.child_id in at_end and day and start <= day <= end:
                last[review.child_id] = max(last.get(review.child_id, (day, k)), (day, k))
        for key, pct in seed.monitoring.items():
            asked = [k for _day, k in last.values() if rules.monitoring_applies(key, ages[k])]
            yes = _yes_count(pct, len(asked))
            answers = _deal(rng, len(asked), {"yes": yes, "no": len(asked) - yes})
            for k, answer in zip(asked, answers, strict=True):
                reviews[k].monitoring[key] = answer


def _periods(scope: QuerySet[Child], today: date) -> list[_Period]:
    spells: dict[int, list[rules.Spell]] = defaultdict(list)
    moves: dict[int, list[date]] = defaultdict(list)
    history: dict[int, date] = {}
    for child_id, period_id, start, status, rne in (
        Episode.objects.filter(child__in=scope)
        .order_by("start_date")
        .values_list("child_id", "period_id", "start_date", "legal_status", "reason_new_episode")
    ):
        spells[period_id].append(rules.Spell(start, status))
        if rne in ("P", "T", "B"):
            moves[period_id].append(start)
        history[child_id] = min(start, history.get(child_id, start))
    return [
        _Period(
            pk=pk,
            child_id=child_id,
            start=start,
            end=end,
            last_day=min(end or today, today - timedelta(days=1)),
            spells=spells[pk],
            history_from=history.get(child_id),
            moves=moves[pk],
        )
        for pk, child_id, start, end in PeriodOfCare.objects.filter(child__in=scope)
        .order_by("pk")
        .values_list("pk", "child_id", "start_date", "end_date")
    ]


def _plan_reviews(
    rng: random.Random, periods: list[_Period], today: date, looked_after: int
) -> None:
    """Every period's reviews, with the planned years' numbers brought forward and late."""
    planned = seed_years(today)
    window = (min(planned), year_end(max(planned)))
    for period in periods:
        _hold_reviews(rng, period, window)
    for start in sorted(planned):
        end, seed = year_end(start), planned[start]
        short = scaled(seed.reviews, looked_after) - len(_held_in(periods, start, end))
        _bring_forward(rng, periods, start, end, short)
        _make_late(rng, periods, start, end, scaled(seed.late, looked_after))


def _notes(
    rng: random.Random,
    periods: list[_Period],
    iros: _Iros,
    follow_ups: list[date],
    today: date,
    looked_after: int,
    audit: dict,
) -> list[OversightNote]:
    """Oversight notes between reviews, about every three to four months a child, and in a
    planned year the seed's number of notes with the RAG follow-ups among them."""

    def note(child_id: int, day: date) -> OversightNote:
        return bulk.new(
            OversightNote,
            child_id=child_id,
            author_id=iros.on(child_id, day),
            noted_on=day,
            kind=rng.choice(NOTE_KINDS),
            text="Checked progress of the care plan.",
            **audit,
        )

    notes = []
    for period in periods:
        day = period.start + timedelta(days=rng.randint(10, 40))
        while (day := _working_day(day, forward=True)) <= period.last_day:
            notes.append(note(period.child_id, day))
            day += timedelta(days=rng.randint(90, 130))
    for start, seed in seed_years(today).items():
        end = year_end(start)
        in_year = [n for n in notes if start <= n.noted_on <= end]
        short = (
            scaled(seed.oversight_notes, looked_after)
            - len(in_year)
            - sum(start <= day <= end for day in follow_ups)
        )
        if short < 0:
            dropped = {id(n) for n in rng.sample(in_year, min(-short, len(in_year)))}
            notes = [n for n in notes if id(n) not in dropped]
        spans = [
            (p, max(p.start, start), min(p.last_day, end))
            for p in periods
            if p.start <= end and p.last_day >= start
        ]
        weights = [(high - low).days + 1 for _p, low, high in spans]
        while short > 0 and spans:
            period, low, high = rng.choices(spans, weights)[0]
            if day := _working_day_between(rng, low, high):
                notes.append(note(period.child_id, day))
                short -= 1
    return notes


def build_demo_reviews(
    *, seed: int, today: date, created_by: User, children: QuerySet[Child] | None = None
) -> dict[str, int]:
    """Reviews, RAG ratings, decisions and oversight for the demo children (or `children`)."""
    rng = random.Random(seed * 7 + 3)
    scope = Child.objects.all() if children is None else children
    iros = _Iros(created_by, scope)
    by_pk = {c.pk: c for c in scope.only("pk", "date_of_birth")}
    periods = _periods(scope, today)
    looked_after = sum(1 for p in periods if p.end is None)
    _plan_reviews(rng, periods, today, looked_after)
    finalised = _finalised_on(rng, [h for p in periods for h in p.held], today, looked_after)
    audit = {"created_by_id": created_by.pk, "modified_by_id": created_by.pk}

    reviews: list[Review] = []
    ages: list[int] = []
    next_due: list[date | None] = []
    ended: list[date | None] = []
    scheduled: list[Review] = []
    for period in periods:
        child = by_pk[period.child_id]
        dues = [period.due(i) for i in range(len(period.held) + 1)]
        for i, held in enumerate(period.held):
            due = dues[i]
            day = held.day
            iro = iros.on(child.pk, day)
            age = child.age_on(day)
            reviews.append(
                bulk.new(
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
                    finalised_on=finalised[id(held)],
                    finalised_by_id=iro,
                    format=_meeting_format(day),
                    scheduled_for=timezone.make_aware(
                        datetime.combine(day, time(rng.choice([9, 10, 11, 13, 14]), 0))
                    ),
                    rearranged_reason=held.brought_forward,
                    # Never before the child came into care: a baby reviewed in their first
                    # days has their oversight from the day care began.
                    pre_meeting_done_on=max(rules.pre_meeting_oversight_due(day), period.start)
                    if rng.random() < 0.9
                    else None,
                    chair="young_person" if age >= 14 and rng.random() < 0.04 else "iro",
                    carer_attended=rng.random() < 0.8,
                    iv_attended=rng.random() < 0.04,
                    advocate_attended=rng.random() < 0.05,
                    consultation_papers=rules.consultation_band_for(age),
                    monitoring=_monitoring(rng, age),
                    summary="Care plan reviewed with the child, carers and social worker.",
                    late_reason=_late_reason(rng, day) if due.due and day > due.due else "",
                    **audit,
                )
            )
            ages.append(age)
            next_due.append(dues[i + 1].due)
            ended.append(period.end)
        due = dues[-1]
        iro = iros.holding(child.pk, today)
        # Only a child with an IRO has a review booked: the IRO chairs it.
        if (
            iro
            and period.end is None
            and due.due is not None
            and due.due - today <= timedelta(days=28)
        ):
            when = _working_day(
                max(today + timedelta(days=1), due.due - timedelta(days=2)), forward=True
            )
            late_booking = rules.schedule_warning(day=when, due=due.due, today=today)
            scheduled.append(
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
                    late_schedule_reason="The family could not come sooner" if late_booking else "",
                    **audit,
                )
            )
    _answer(rng, reviews, ages, today)
    _plan_monitoring(rng, reviews, ages, periods, today)
    bulk.insert(Review, reviews + scheduled)

    rags = []
    set_on = [review.finalised_on for review in reviews]
    for k, rating in enumerate(_ratings(rng, set_on, today)):
        review = reviews[k]
        # The window runs from the review meeting (docs/decisions/0010).
        start, end = rules.rag_follow_up_window(
            rating=rating, held_on=review.held_on, next_review_due=next_due[k]
        )
        done = care_ended = None
        if end < today and rng.random() < 0.95:
            done = start + timedelta(days=rng.randint(0, (end - start).days))
        if ended[k] is not None and (done is None or done > ended[k]):
            # Care ended before the follow-up: it ended that day, as the service ends it.
            done, care_ended = None, max(ended[k], review.finalised_on)
        rags.append(
            bulk.new(
                RagRating,
                child_id=review.child_id,
                review_id=review.pk,
                rating=rating,
                set_on=review.finalised_on,
                set_by_id=review.iro_id,
                follow_up_from=start,
                follow_up_due=end,
                followed_up_on=done,
                follow_up_ended_on=care_ended,
                follow_up_ended_reason="Ceased to be looked after" if care_ended else "",
                **audit,
            )
        )
    bulk.insert(RagRating, rags)
    notes = _notes(
        rng,
        periods,
        iros,
        [rag.followed_up_on for rag in rags if rag.followed_up_on],
        today,
        looked_after,
        audit,
    )
    for rag in rags:
        if rag.followed_up_on:
            notes.append(
                bulk.new(
                    OversightNote,
                    child_id=rag.child_id,
                    author_id=rag.set_by_id,
                    noted_on=rag.followed_up_on,
                    kind="midway" if rag.rating == "green" else "sw_update",
                    text=f"Follow-up of the {rag.rating} rating.",
                    follow_up_of_id=rag.pk,
                    **audit,
                )
            )
    bulk.insert(OversightNote, notes)

    decisions = []
    for review in reviews:
        for text, owner in rng.sample(DECISIONS, 2):
            due = review.held_on + timedelta(days=rng.choice([28, 42, 56, 84]))
            done = due < today and rng.random() < 0.9
            # One not done by the review after it is dropped there, as IROs do: only recent
            # decisions are still open past their date.
            dropped = not done and due < today - DECISION_LEFT_OPEN_AT_MOST
            decisions.append(
                bulk.new(
                    Decision,
                    review_id=review.pk,
                    text=text,
                    owner=owner,
                    due_date=due,
                    status="done" if done else "dropped" if dropped else "open",
                    completed_on=(
                        due - timedelta(days=rng.randint(0, 20))
                        if done
                        else due + DECISION_LEFT_OPEN_AT_MOST
                        if dropped
                        else None
                    ),
                    **audit,
                )
            )
    bulk.insert(Decision, decisions)

    return {
        "reviews": len(reviews) + len(scheduled),
        "ratings": len(rags),
        "oversight_notes": len(notes),
        "decisions": len(decisions),
    }


def _answer(rng: random.Random, reviews: list[Review], ages: list[int], today: date) -> None:
    """Participation, parents' views and social worker reports, each year in the shares of
    its seed year (the seed's 2020-21 for a year not planned)."""
    by_year: dict[date, list[int]] = defaultdict(list)
    for k, review in enumerate(reviews):
        assert review.held_on is not None
        by_year[year_start(review.held_on)].append(k)
    planned = seed_years(today)
    for start, ks in by_year.items():
        seed: SeedYear = planned.get(start, SEED_YEAR)
        n = len(ks)
        views = _answers(rng, n, seed.parents_view_pct, PARENTS_VIEW_NA)
        one_to_one = _answers(rng, n, seed.parents_one_to_one_pct, ONE_TO_ONE_NA)
        reports = _answers(rng, n, seed.sw_report_pct, 0)
        older = [k for k in ks if ages[k] >= 4]
        taking_part = dict(zip(older, _participation(rng, len(older)), strict=True))
        for j, k in enumerate(ks):
            review = reviews[k]
            review.participation = taking_part.get(k, "PN0")
            review.parents_view = views[j]
            review.parents_one_to_one = one_to_one[j]
            review.sw_report_available = reports[j] == "yes"
