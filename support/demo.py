"""Demo in-contact plans, contacts, advocacy referrals and Independent Visitors for the seed
command, over the children already loaded: the seed's 86 advocacy referrals and 9 volunteers
approved a year, 40 volunteers with 29 matches open and 8 children waiting. Deterministic for
a seed and a `today`.
"""

import random
from datetime import date, timedelta

from django.db.models import QuerySet

from children.demo import year_end, year_start
from children.models import Allocation, Child, PeriodOfCare
from core import bulk
from iro_service.models import User
from iro_service.working_days import is_working_day
from support.models import (
    AdvocacyReferral,
    ContactLog,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
)

YEARS = 4  # of referrals before this one
ADVOCACY_PER_YEAR = 86
IVS_PER_YEAR = 9
VOLUNTEER_NAMES = [
    "Alison Hart",
    "Ben Carter",
    "Chloe Patel",
    "Daniel Osei",
    "Emma Walsh",
    "Farah Begum",
    "George Lewis",
    "Hannah Shah",
    "Isaac Brown",
    "Jasmine Clarke",
    "Kieran Doyle",
    "Laura Evans",
    "Mohammed Iqbal",
    "Nadia Kowalski",
    "Oliver Grant",
    "Priya Mistry",
    "Rachel Green",
    "Samuel Okafor",
    "Tara Singh",
    "Usman Ali",
    "Victoria Reid",
    "William Hughes",
    "Yasmin Hussain",
    "Zoe Turner",
    "Aaron Mills",
    "Bethany Cole",
    "Callum Price",
    "Deborah Nash",
    "Ellis Ward",
    "Fatima Noor",
    "Grace Kelly",
    "Harjit Sandhu",
    "Imogen Lowe",
    "Jack Fraser",
    "Karen Blake",
    "Liam Ryan",
    "Megan Ford",
    "Nathan Bell",
    "Olivia Marsh",
    "Paul Dixon",
]


def _working_day_on_or_after(day: date) -> date:
    """People agree plans on working days."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def build_demo_support(
    *, seed: int, today: date, created_by: User, children: QuerySet[Child] | None = None
) -> dict[str, int]:
    """In-contact plans, contacts, advocacy referrals and IVs for the demo children (or `children`)."""
    rng = random.Random(seed * 7 + 5)
    audit = {"created_by": created_by, "modified_by": created_by}
    scope = Child.objects.all() if children is None else children
    by_pk = {c.pk: c for c in scope.only("pk", "date_of_birth")}
    looked_after = list(
        PeriodOfCare.objects.open()
        .filter(child__in=scope)
        .order_by("child_id")
        .values_list("child_id", "start_date")
    )
    # A plan is agreed between the child and their IRO: only while an IRO is allocated.
    allocated_since = dict(
        Allocation.objects.open().filter(child__in=scope).values_list("child_id", "start_date")
    )
    plans, contacts, referrals, volunteers, matches, waiting = [], [], [], [], [], []
    for child_id, start in looked_after:
        if (
            child_id in allocated_since
            and by_pk[child_id].age_on(today) >= 8
            and rng.random() < 0.7
        ):
            agreed = _working_day_on_or_after(
                max(start, allocated_since[child_id], today - timedelta(days=rng.randint(30, 300)))
            )
            if agreed > today:
                continue
            plan = InContactPlan(
                child_id=child_id,
                start_date=agreed,
                every_weeks=rng.choice([4, 6, 8, 12]),
                methods=rng.sample(["face_to_face", "phone", "text", "video"], 2),
                childs_words="Text me before my review and come to see me at home.",
                **audit,
            )
            plans.append(plan)
    bulk.insert(InContactPlan, plans)
    for plan in plans:
        day = plan.start_date + timedelta(weeks=plan.every_weeks)
        while day < today:
            contacts.append(
                ContactLog(
                    child_id=plan.child_id,
                    plan_id=plan.pk,
                    contacted_on=day,
                    method=rng.choice(plan.methods),
                    note="Caught up about school and home.",
                    **audit,
                )
            )
            day += timedelta(weeks=plan.every_weeks, days=rng.randint(-5, 5))
    bulk.insert(ContactLog, contacts)

    # Advocacy: the seed's 86 referrals a year, to children in care at the time.
    periods = list(
        PeriodOfCare.objects.filter(child__in=scope).values_list(
            "child_id", "start_date", "end_date"
        )
    )
    this_year = year_start(today)
    for start in (this_year.replace(year=this_year.year - k) for k in range(YEARS, -1, -1)):
        for _ in range(ADVOCACY_PER_YEAR):
            day = start + timedelta(days=rng.randint(0, (year_end(start) - start).days))
            if day > today:
                continue
            in_care = [c for c, s, e in periods if s <= day and (e is None or e >= day)]
            if not in_care:
                continue
            outcome = (
                rng.choice(["completed", "completed", "accepted", "declined"])
                if day < today - timedelta(days=60)
                else "pending"
            )
            referrals.append(
                AdvocacyReferral(
                    child_id=rng.choice(in_care),
                    referred_on=day,
                    organisation=rng.choice(["NYAS", "Coram Voice", "Barnardo's"]),
                    reason=rng.choice(
                        [
                            "Wants support to put views at the review",
                            "Did not take part in the last review",
                            "Complaint about placement",
                            "Wants to talk about family time",
                        ]
                    ),
                    outcome=outcome,
                    outcome_on=None
                    if outcome == "pending"
                    else day + timedelta(days=rng.randint(5, 40)),
                    **audit,
                )
            )
    bulk.insert(AdvocacyReferral, referrals)

    # Independent Visitors: the seed's 9 approved a year, 29 matches open at the end.
    for n, name in enumerate(VOLUNTEER_NAMES):
        start = this_year.replace(year=this_year.year - n // IVS_PER_YEAR)
        last = min(year_end(start), today)
        day = start + timedelta(days=rng.randint(0, (last - start).days))
        approved = min(_working_day_on_or_after(day), last)
        volunteers.append(
            IndependentVisitor(
                full_name=name,
                checks_on=approved - timedelta(days=30),
                approved_on=approved,
                status="active" if n < 34 else "left",
                **audit,
            )
        )
    bulk.insert(IndependentVisitor, volunteers)
    period_start = dict(looked_after)
    eligible = [c for c, s in looked_after if 8 <= by_pk[c].age_on(today) < 18]
    rng.shuffle(eligible)
    active = [v for v in volunteers if v.status == "active"]
    for volunteer, child_id in zip(active[:29], eligible[:29], strict=False):
        assert volunteer.approved_on is not None  # every demo volunteer is approved above
        start = max(
            volunteer.approved_on,
            period_start[child_id],
            today - timedelta(days=rng.randint(30, 700)),
        )
        matches.append(
            IvMatch(child_id=child_id, visitor_id=volunteer.pk, start_date=start, **audit)
        )
    bulk.insert(IvMatch, matches)
    for child_id in eligible[29:37]:
        waiting.append(
            IvReferral(
                child_id=child_id,
                # Referred while looked after, as iv_refer requires.
                referred_on=max(
                    period_start[child_id], today - timedelta(days=rng.randint(10, 200))
                ),
                **audit,
            )
        )
    bulk.insert(IvReferral, waiting)
    return {
        "contact_plans": len(plans),
        "contacts": len(contacts),
        "advocacy_referrals": len(referrals),
        "independent_visitors": len(volunteers),
        "iv_matches": len(matches),
    }
