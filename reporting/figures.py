"""The annual report's figures, one function per section, each computed in the database with a
fixed number of queries whatever the number of children (shared/annual-report.md).

Every function takes a ReportingYear and returns the section's part of the JSON object.
Counts are integers; percentages have one decimal place; a figure that cannot be computed
(no denominator, no FTE recorded) is None, never 0. Archived children (records made in error
or out of scope) count nowhere.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery

from children import codes
from children import rules as children_rules
from children.models import Allocation, Child, Episode, PeriodOfCare
from escalations.models import AreaOfConcern, Escalation, Stage
from reporting.models import Complaint, ComplaintOutcome, ComplaintStage
from reporting.rules import ReportingYear, caseload_band, pct
from reviews.models import (
    LateReason,
    OversightKind,
    OversightNote,
    Participation,
    RagRating,
    Rating,
    Review,
    ReviewStatus,
)
from reviews.models.review import MONITORING_QUESTIONS
from reviews.rules import ReviewRegime
from support.models import (
    AdvocacyOutcome,
    AdvocacyReferral,
    ContactLog,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
)

Section = dict[str, Any]

LIVE = Q(child__archived_at__isnull=True)
REVIEWED_MONITORING = (
    "health_assessment",
    "pep",
    "post16_pep",
    "eet",
    "suitable_accommodation",
    "leisure",
    "cultural_needs",
)
assert set(REVIEWED_MONITORING) <= set(MONITORING_QUESTIONS)


def _at_end_of(day: date, prefix: str = "") -> Q:
    """A date range in force at the end of `day`: begun by then and not ended on or before it."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


def _in_year(field: str, year: ReportingYear) -> Q:
    return Q(**{f"{field}__gte": year.start, f"{field}__lte": year.end})


def _looked_after_at_end_of(day: date) -> QuerySet[PeriodOfCare]:
    return PeriodOfCare.objects.filter(_at_end_of(day), LIVE)


def _looked_after_child(day: date) -> Exists:
    """For a row with a `child` key: the child is looked after at the end of `day`."""
    return Exists(_looked_after_at_end_of(day).filter(child=OuterRef("child")))


def _codes(counts: QuerySet, key: str) -> dict[str, int]:
    return {row[key] or "": row["n"] for row in counts}


# Service profile --------------------------------------------------------------------------


def service(year: ReportingYear) -> Section:
    """IROs holding a caseload at end, their FTE, and children per FTE at end and on average."""
    months = year.month_ends
    overlapping = Allocation.objects.filter(LIVE, start_date__lte=year.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=year.start)
    )
    per_iro: list[dict[str, Any]] = [
        dict(row)
        for row in overlapping.values("iro", "iro__fte").annotate(
            **{
                f"m{n}": Count(
                    "child",
                    distinct=True,
                    filter=_at_end_of(day) & Q(_looked_after_child(day)),
                )
                for n, day in enumerate(months)
            }
        )
    ]
    last = f"m{len(months) - 1}"
    holding = [row for row in per_iro if row[last]]
    fte = _fte(holding)
    allocated = sum(row[last] for row in holding)
    ratios = []
    for n in range(len(months)):
        month = [row for row in per_iro if row[f"m{n}"]]
        month_fte = _fte(month)
        if month_fte:
            ratios.append(sum(row[f"m{n}"] for row in month) / float(month_fte))
    per_fte = round(allocated / float(fte), 1) if fte else None
    return {
        "iros": len(holding),
        "fte": float(fte) if fte is not None else None,
        "fte_not_recorded": sum(1 for row in holding if row["iro__fte"] is None),
        "children_allocated_at_end": allocated,
        "caseload_per_fte": per_fte,
        "caseload_band": caseload_band(per_fte),
        "average_caseload_per_fte": round(sum(ratios) / len(ratios), 1) if ratios else None,
        "handbook_range": [50, 70],
    }


def _fte(rows: list[dict]) -> Decimal | None:
    """Total FTE of the IROs in `rows`; None when none of them has an FTE recorded."""
    known = [row["iro__fte"] for row in rows if row["iro__fte"] is not None]
    return sum(known, Decimal(0)) if known else None


# Children and their placements --------------------------------------------------------------


def children(year: ReportingYear) -> Section:
    """Children looked after at end, starting and ceasing, by sex, age, legal status, UASC and
    ethnicity (the seed's Appendix 1)."""
    end = year.end
    at_end = Child.objects.filter(
        archived_at__isnull=True, pk__in=_looked_after_at_end_of(end).values("child")
    )
    uasc = children_rules.uasc_on(end)
    ages: dict[str, Any] = {
        key: Count("pk", filter=children_rules.in_age_band(key, on=end))
        for key, _, _ in children_rules.AGE_BANDS
    }
    totals = at_end.aggregate(
        looked_after=Count("pk"),
        male=Count("pk", filter=Q(sex="M")),
        female=Count("pk", filter=Q(sex="F")),
        unknown=Count("pk", filter=~Q(sex__in=["M", "F"])),
        uasc=Count("pk", filter=uasc),
        **ages,
    )
    ethnic = at_end.values("ethnicity").annotate(n=Count("pk"), n_uasc=Count("pk", filter=uasc))
    by_code = {row["ethnicity"] or "": (row["n"], row["n_uasc"]) for row in ethnic}
    ethnicity = []
    for group, members in codes.ETHNIC_GROUPS.items():
        everyone = sum(by_code.get(code, (0, 0))[0] for code in members)
        uasc_n = sum(by_code.get(code, (0, 0))[1] for code in members)
        ethnicity.append(
            {"group": group, "all": everyone, "not_uasc": everyone - uasc_n, "uasc": uasc_n}
        )
    unknown_codes = set(by_code) - {c for members in codes.ETHNIC_GROUPS.values() for c in members}
    if unknown_codes:  # a code outside the DfE list is not recorded, not dropped
        extra = [by_code[c] for c in unknown_codes]
        row = ethnicity[-1]
        row["all"] += sum(n for n, _ in extra)
        row["uasc"] += sum(u for _, u in extra)
        row["not_uasc"] = row["all"] - row["uasc"]

    periods = PeriodOfCare.objects.filter(LIVE).aggregate(
        started=Count("child", distinct=True, filter=_in_year("start_date", year)),
        ceased=Count("child", distinct=True, filter=_in_year("end_date", year)),
    )
    last_ending = PeriodOfCare.objects.filter(
        child=OuterRef("child"), end_date__gte=year.start, end_date__lte=end
    ).order_by("-end_date")
    ceased_by = (
        PeriodOfCare.objects.filter(LIVE, _in_year("end_date", year))
        .filter(pk=Subquery(last_ending.values("pk")[:1]))
        .values("reason_ceased")
        .annotate(n=Count("child", distinct=True))
        .order_by("reason_ceased")
    )
    legal = (
        Episode.objects.filter(_at_end_of(end), LIVE)
        .values("legal_status")
        .annotate(n=Count("child", distinct=True))
        .order_by("legal_status")
    )
    return {
        "looked_after_at_end": totals["looked_after"],
        "started": periods["started"],
        "ceased": periods["ceased"],
        "ceased_by_reason": _codes(ceased_by, "reason_ceased"),
        "by_sex_at_end": {k: totals[k] for k in ("male", "female", "unknown")},
        "by_age_at_end": {key: totals[key] for key, _, _ in children_rules.AGE_BANDS},
        "by_legal_status_at_end": _codes(legal, "legal_status"),
        "uasc_at_end": totals["uasc"],
        "ethnicity_at_end": ethnicity,
    }


def placements_at_end(year: ReportingYear) -> Section:
    """Children at end by placement type (the seed's rows, in order) and provider group."""
    cells = (
        Episode.objects.filter(_at_end_of(year.end), LIVE)
        .values("placement_type", "placement_provider")
        .annotate(n=Count("child", distinct=True))
    )
    group_of = {code: name for name, members in codes.PLACEMENT_GROUPS for code in members}
    column_of = {code: col for col, members in codes.PROVIDER_GROUPS.items() for code in members}
    columns = tuple(codes.PROVIDER_GROUPS)
    table = {name: dict.fromkeys(columns, 0) for name, _ in codes.PLACEMENT_GROUPS}
    for cell in cells:
        # A type outside the DfE list is an "other placement"; a provider not recorded is
        # "other" (neither own provision nor private): every child at end is counted once.
        name = group_of.get(cell["placement_type"], "Other placements")
        table[name][column_of.get(cell["placement_provider"], "other")] += cell["n"]
    rows: list[dict[str, Any]] = [
        {"type": name, **counts, "total": sum(counts.values())} for name, counts in table.items()
    ]
    total = {col: sum(int(row[col]) for row in rows) for col in columns}
    return {"rows": rows, "total": {**total, "total": sum(total.values())}}


def stability(year: ReportingYear) -> Section:
    """Short-term (3 or more placements in the year) and long-term placement stability, as the
    DfE's children looked after indicators count them."""
    end = year.end
    # A new episode for a change of legal status alone (RNE L) is not a new placement.
    placements_in_year = Count(
        "episodes",
        filter=Q(episodes__start_date__lte=end)
        & (Q(episodes__end_date__isnull=True) | Q(episodes__end_date__gte=year.start))
        & (Q(episodes__start_date__lt=year.start) | ~Q(episodes__reason_new_episode="L")),
    )
    at_end = Child.objects.filter(
        archived_at__isnull=True, pk__in=_looked_after_at_end_of(end).values("child")
    )
    short = at_end.annotate(placements=placements_in_year).aggregate(
        children=Count("pk"), three_or_more=Count("pk", filter=Q(placements__gte=3))
    )
    period_start = _looked_after_at_end_of(end).filter(child=OuterRef("pk")).values("start_date")
    placement_start = (
        Episode.objects.filter(child=OuterRef("pk"), start_date__lte=end)
        .exclude(reason_new_episode="L")
        .values("child")
        .annotate(latest=Max("start_date"))
        .values("latest")
    )
    current_type = Episode.objects.filter(_at_end_of(end), child=OuterRef("pk")).values(
        "placement_type"
    )
    long_term = (
        at_end.filter(date_of_birth__gt=children_rules.born_after_for_age(end, 16))
        .annotate(
            care_from=Subquery(period_start[:1]),
            placed_from=Subquery(placement_start[:1]),
            placed_as=Subquery(current_type[:1]),
        )
        .filter(care_from__lte=end - relativedelta(years=2, months=6))
        .aggregate(
            children=Count("pk"),
            stable=Count(
                "pk",
                filter=Q(placed_from__lte=end - relativedelta(years=2))
                | Q(placed_as__in=("A3", "A4", "A5", "A6")),
            ),
        )
    )
    return {
        "three_or_more_placements": short["three_or_more"],
        "three_or_more_placements_pct": pct(short["three_or_more"], short["children"]),
        "long_term_children": long_term["children"],
        "long_term_stable": long_term["stable"],
        "long_term_pct": pct(long_term["stable"], long_term["children"]),
    }


# Reviews, RAG and oversight ---------------------------------------------------------------


def reviews(year: ReportingYear) -> Section:
    """Reviews held in the year (cancelled ones never), their timeliness against regs. 33 and
    48, participation, parents' views, reports and who chaired."""
    held = Review.objects.filter(
        LIVE,
        _in_year("held_on", year),
        status__in=[ReviewStatus.DRAFT, ReviewStatus.FINAL],
    )
    known = Q(due_date__isnull=False)
    late = known & Q(held_on__gt=F("due_date"))
    counts = held.aggregate(
        held=Count("pk"),
        short_breaks=Count("pk", filter=Q(regime=ReviewRegime.SHORT_BREAKS)),
        in_timescale=Count("pk", filter=known & Q(held_on__lte=F("due_date"))),
        late=Count("pk", filter=late),
        unknown=Count("pk", filter=Q(due_date__isnull=True)),
        young_person_chair=Count("pk", filter=Q(chair="young_person")),
        iv_attended=Count("pk", filter=Q(iv_attended=True)),
        advocate_attended=Count("pk", filter=Q(advocate_attended=True)),
        view_yes=Count("pk", filter=Q(parents_view="yes")),
        view_answered=Count("pk", filter=Q(parents_view__in=["yes", "no"])),
        one_yes=Count("pk", filter=Q(parents_one_to_one="yes")),
        one_answered=Count("pk", filter=Q(parents_one_to_one__in=["yes", "no"])),
        sw_yes=Count("pk", filter=Q(sw_report_available=True)),
        sw_answered=Count("pk", filter=Q(sw_report_available__isnull=False)),
        **{f"pn_{code}": Count("pk", filter=Q(participation=code)) for code in Participation},
        pn_none=Count("pk", filter=Q(participation="")),
        **{f"late_{r}": Count("pk", filter=late & Q(late_reason=r)) for r in LateReason},
        late_none=Count("pk", filter=late & Q(late_reason="")),
        **{
            f"format_{f}": Count("pk", filter=Q(format=f))
            for f in ("in_person", "virtual", "hybrid")
        },
    )
    participation = {code.value: counts[f"pn_{code}"] for code in Participation}
    participation["not_recorded"] = counts["pn_none"]
    took_part = sum(participation[f"PN{n}"] for n in range(1, 7))
    late_reasons = {r.value: counts[f"late_{r}"] for r in LateReason if counts[f"late_{r}"]}
    if counts["late_none"]:
        late_reasons["not_recorded"] = counts["late_none"]
    return {
        "held": counts["held"],
        "held_short_breaks": counts["short_breaks"],
        "in_timescale": counts["in_timescale"],
        "late": counts["late"],
        "timeliness_unknown": counts["unknown"],
        "in_timescale_pct": pct(counts["in_timescale"], counts["in_timescale"] + counts["late"]),
        "late_reasons": late_reasons,
        "participation": participation,
        "participation_pct": pct(took_part, took_part + participation["PN7"]),
        "parents_view_pct": pct(counts["view_yes"], counts["view_answered"]),
        "parents_one_to_one_pct": pct(counts["one_yes"], counts["one_answered"]),
        "sw_report_available_pct": pct(counts["sw_yes"], counts["sw_answered"]),
        "chaired_by_young_person": counts["young_person_chair"],
        "iv_attended": counts["iv_attended"],
        "advocate_attended": counts["advocate_attended"],
        "by_format": {f: counts[f"format_{f}"] for f in ("in_person", "virtual", "hybrid")},
    }


def rag(year: ReportingYear) -> Section:
    """RAG ratings set in the year."""
    counts = RagRating.objects.filter(LIVE, _in_year("set_on", year)).aggregate(
        **{r.value: Count("pk", filter=Q(rating=r)) for r in Rating}
    )
    return {r.value: counts[r.value] for r in (Rating.RED, Rating.AMBER, Rating.GREEN)}


def oversight(year: ReportingYear) -> Section:
    """IRO oversight notes in the year, by kind, and the quarterly minimum standard."""
    notes = OversightNote.objects.filter(LIVE, _in_year("noted_on", year))
    counts = notes.aggregate(
        records=Count("pk"), **{k.value: Count("pk", filter=Q(kind=k)) for k in OversightKind}
    )
    # In each quarter the child was looked after in, at least one note (local standard).
    missed = Q()
    for first, last in year.quarters:
        looked_after = Exists(
            PeriodOfCare.objects.filter(child=OuterRef("pk"), start_date__lte=last).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=first)
            )
        )
        noted = Exists(
            OversightNote.objects.filter(
                child=OuterRef("pk"), noted_on__gte=first, noted_on__lte=last
            )
        )
        missed |= Q(looked_after) & ~Q(noted)
    standard = Child.objects.filter(
        archived_at__isnull=True, pk__in=_looked_after_at_end_of(year.end).values("child")
    ).aggregate(children=Count("pk"), met=Count("pk", filter=~missed))
    return {
        "records": counts["records"],
        "by_kind": {k.value: counts[k.value] for k in OversightKind},
        "quarterly_standard_met": standard["met"],
        "quarterly_standard_pct": pct(standard["met"], standard["children"]),
    }


def monitoring(year: ReportingYear) -> Section:
    """The corporate parenting indicators from the IROs' monitoring at each child's last review
    of the year, for children looked after at end: yes / answered yes or no."""
    last_held = (
        Review.objects.filter(
            child=OuterRef("child"),
            status__in=[ReviewStatus.DRAFT, ReviewStatus.FINAL],
            held_on__gte=year.start,
            held_on__lte=year.end,
        )
        .order_by("-held_on")
        .values("pk")[:1]
    )
    # Reviews held in the year first, so the latest-review subquery runs for a year's reviews
    # rather than for every review ever held.
    last_reviews = (
        Review.objects.filter(
            LIVE,
            _in_year("held_on", year),
            status__in=[ReviewStatus.DRAFT, ReviewStatus.FINAL],
        )
        .filter(pk=Subquery(last_held))
        .filter(_looked_after_child(year.end))
    )
    counts = last_reviews.aggregate(
        **{
            f"{item}_{answer}": Count("pk", filter=Q(**{f"monitoring__{item}": answer}))
            for item in REVIEWED_MONITORING
            for answer in ("yes", "no")
        }
    )
    section: Section = {}
    for item in REVIEWED_MONITORING:
        yes, no = counts[f"{item}_yes"], counts[f"{item}_no"]
        section[f"{item}_pct"] = pct(yes, yes + no)
        section[f"{item}_answered"] = yes + no
    return section


# Support between reviews --------------------------------------------------------------------


def in_contact_plans(year: ReportingYear) -> Section:
    """Children looked after at end with an in-contact plan in force, and contacts logged."""
    plans = InContactPlan.objects.filter(LIVE, _at_end_of(year.end)).filter(
        _looked_after_child(year.end)
    )
    return {
        "children_with_plan_at_end": plans.aggregate(n=Count("child", distinct=True))["n"],
        "contacts": ContactLog.objects.filter(LIVE, _in_year("contacted_on", year)).count(),
    }


def advocacy(year: ReportingYear) -> Section:
    """Advocacy referrals made in the year, and what came of them."""
    counts = AdvocacyReferral.objects.filter(LIVE, _in_year("referred_on", year)).aggregate(
        referrals=Count("pk"),
        children=Count("child", distinct=True),
        **{o.value: Count("pk", filter=Q(outcome=o)) for o in AdvocacyOutcome},
    )
    return {
        "referrals": counts["referrals"],
        "children": counts["children"],
        "by_outcome": {o.value: counts[o.value] for o in AdvocacyOutcome},
    }


def independent_visitors(year: ReportingYear) -> Section:
    """Independent Visitors approved in the year, matches, and children waiting at end."""
    recruited = IndependentVisitor.objects.filter(_in_year("approved_on", year)).count()
    matches = IvMatch.objects.filter(LIVE).aggregate(
        at_end=Count("pk", filter=_at_end_of(year.end)),
        started=Count("pk", filter=_in_year("start_date", year)),
    )
    waiting = (
        IvReferral.objects.filter(LIVE, referred_on__lte=year.end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=year.end))
        .filter(_looked_after_child(year.end))
        .count()
    )
    return {
        "recruited": recruited,
        "matches_at_end": matches["at_end"],
        "matches_started": matches["started"],
        "waiting_at_end": waiting,
    }


def escalations(year: ReportingYear) -> Section:
    """Formal escalations raised in the year (docs/decisions/0009), the children and areas of
    concern, the stage each was resolved at, and Cafcass referrals."""
    formal = Escalation.objects.filter(LIVE).formal_between(year.start, year.end)
    counts = formal.aggregate(
        raised=Count("pk", distinct=True),
        children=Count("child", distinct=True),
        open_at_end=Count(
            "pk", distinct=True, filter=Q(closed_on__isnull=True) | Q(closed_on__gt=year.end)
        ),
        cafcass=Count(
            "pk", distinct=True, filter=Q(stage=Stage.CAFCASS) | Q(resolved_at_stage=Stage.CAFCASS)
        ),
    )
    areas = AreaOfConcern.objects.filter(escalation__in=formal)
    by_area = areas.values("area").annotate(n=Count("pk")).order_by("area")
    resolved = (
        formal.exclude(resolved_at_stage="")
        .values("resolved_at_stage")
        .annotate(n=Count("pk"))
        .order_by("resolved_at_stage")
    )
    informal = (
        Escalation.objects.filter(LIVE, _in_year("raised_on", year))
        .exclude(formal=True, formal_on__lte=year.end)
        .count()
    )
    by_area_counts = _codes(by_area, "area")
    resolved_at = _codes(resolved, "resolved_at_stage")
    return {
        "raised": counts["raised"],
        "children": counts["children"],
        "areas_of_concern": sum(by_area_counts.values()),
        "areas": by_area_counts,
        "resolved_at": {
            stage: resolved_at[stage] for stage in Stage.values if stage in resolved_at
        },
        "open_at_end": counts["open_at_end"],
        "cafcass_referrals": counts["cafcass"],
        "informal_raised": informal,
    }


def complaints(year: ReportingYear) -> Section:
    """Statutory complaints about the IRO service received in the year, by stage and outcome."""
    counts = Complaint.objects.filter(_in_year("received_on", year)).aggregate(
        received=Count("pk"),
        **{f"stage_{s}": Count("pk", filter=Q(stage=s)) for s in ComplaintStage},
        **{f"outcome_{o}": Count("pk", filter=Q(outcome=o)) for o in ComplaintOutcome},
        open=Count("pk", filter=Q(outcome="")),
    )
    return {
        "received": counts["received"],
        "by_stage": {s.value: counts[f"stage_{s}"] for s in ComplaintStage},
        "by_outcome": {
            **{o.value: counts[f"outcome_{o}"] for o in ComplaintOutcome},
            "open": counts["open"],
        },
    }


# The whole object ----------------------------------------------------------------------------

SECTIONS: dict[str, Callable[[ReportingYear], Section]] = {
    "service": service,
    "children": children,
    "placements_at_end": placements_at_end,
    "stability": stability,
    "reviews": reviews,
    "rag": rag,
    "oversight": oversight,
    "monitoring": monitoring,
    "in_contact_plans": in_contact_plans,
    "advocacy": advocacy,
    "independent_visitors": independent_visitors,
    "escalations": escalations,
    "complaints": complaints,
}


def has_records(year: ReportingYear) -> bool:
    """Whether anything was recorded for the year: a period of care overlapping it."""
    return (
        PeriodOfCare.objects.filter(LIVE, start_date__lte=year.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=year.start))
        .exists()
    )


def year_figures(year: ReportingYear, *, progress: Callable[[str], None] | None = None) -> Section:
    """Every section's figures for one year, keyed as in shared/annual-report.md."""
    figures: Section = {
        "period": {
            "label": year.label,
            "start": year.start.isoformat(),
            "end": year.end.isoformat(),
        }
    }
    for name, compute in SECTIONS.items():
        if progress:
            progress(name)
        figures[name] = compute(year)
    return figures


def annual_figures(
    year: ReportingYear, *, progress: Callable[[str], None] | None = None
) -> Section:
    """The year's figures with `previous` holding the year before's, or None if nothing was
    recorded then."""
    figures = year_figures(year, progress=progress)
    previous = year.previous
    figures["previous"] = year_figures(previous) if has_records(previous) else None
    return figures
