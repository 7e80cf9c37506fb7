"""Each figure of the annual report on crafted data, edge cases included
(shared/annual-report.md). Records are written straight to the database so each test shapes
exactly the history it needs; the reporting year is 2020-21 throughout."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from children.models import Allocation, Episode, PeriodOfCare
from escalations.models import AreaOfConcern, Escalation
from reporting import figures
from reporting.models import Complaint
from reporting.rules import ReportingYear
from reviews.models import OversightNote, RagRating, Review
from support.models import IvMatch
from tests import factories

YEAR = ReportingYear(2020)
pytestmark = pytest.mark.django_db


def child_in_care(
    *,
    start: date = date(2019, 6, 3),
    end: date | None = None,
    reason: str = "",
    iro=None,
    place: str = "U4",
    provider: str = "PR1",
    legal: str = "C2",
    **fields,
):
    """A child with one period of care (and one episode) from `start` to `end`."""
    child = factories.ChildFactory(**fields)
    period = PeriodOfCare.objects.create(
        child=child, start_date=start, end_date=end, reason_ceased=reason
    )
    Episode.objects.create(
        child=child,
        period=period,
        start_date=start,
        end_date=end,
        reason_ceased=reason,
        reason_new_episode="S",
        legal_status=legal,
        placement_type=place,
        placement_provider=provider,
    )
    if iro is not None:
        Allocation.objects.create(child=child, iro=iro, start_date=start, end_date=end)
    return child


def review(child, held_on: date, *, due: date | None = date(2030, 1, 1), **fields):
    """A review of the child held on `held_on` against `due` (None: timeliness unknown)."""
    defaults = {
        "status": "final",
        "kind": "later" if due else "unknown",
        "due_date": due,
        "counted_from": date(2019, 6, 3) if due else None,
        "finalised_on": held_on,
        "participation": "PN1",
    }
    if due is not None and held_on > due:
        defaults["late_reason"] = "iro_absence"
    return Review.objects.create(
        child=child, period=child.periods.get(), held_on=held_on, **(defaults | fields)
    )


# Children ---------------------------------------------------------------------------------------


def test_an_episode_ending_on_31_march_is_not_at_end_but_one_ending_on_1_april_is():
    child_in_care(end=date(2021, 3, 31), reason="E4A")
    child_in_care(end=date(2021, 4, 1), reason="E4A")
    child_in_care()

    section = figures.children(YEAR)

    assert section["looked_after_at_end"] == 2
    assert section["ceased"] == 1
    assert figures.placements_at_end(YEAR)["total"]["total"] == 2


def test_a_child_who_started_and_ceased_in_the_year_counts_in_both():
    child_in_care(start=date(2020, 5, 4), end=date(2020, 9, 7), reason="E11")

    section = figures.children(YEAR)

    assert (section["started"], section["ceased"], section["looked_after_at_end"]) == (1, 1, 0)
    assert section["ceased_by_reason"] == {"E11": 1}


def test_ceased_by_reason_takes_the_last_period_ending_in_the_year():
    child = child_in_care(start=date(2020, 4, 6), end=date(2020, 6, 1), reason="E4B")
    later = PeriodOfCare.objects.create(
        child=child, start_date=date(2020, 8, 3), end_date=date(2021, 1, 4), reason_ceased="E45"
    )
    Episode.objects.create(
        child=child,
        period=later,
        start_date=later.start_date,
        end_date=later.end_date,
        reason_ceased="E45",
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
        placement_provider="PR1",
    )

    section = figures.children(YEAR)

    assert section["ceased"] == 1
    assert section["ceased_by_reason"] == {"E45": 1}


def test_age_bands_count_age_on_31_march():
    child_in_care(date_of_birth=date(2020, 4, 1))  # under 1
    child_in_care(date_of_birth=date(2020, 3, 31))  # 1 on 31 March 2021
    child_in_care(date_of_birth=date(2016, 4, 1))  # 4
    child_in_care(date_of_birth=date(2005, 3, 31))  # 16 that day
    child_in_care(date_of_birth=date(2005, 4, 1))  # still 15

    ages = figures.children(YEAR)["by_age_at_end"]

    assert ages == {"under_1": 1, "1_to_4": 2, "5_to_9": 0, "10_to_15": 1, "16_and_over": 1}


def test_sex_legal_status_uasc_and_ethnicity_at_end():
    child_in_care(sex="M", ethnicity="AIND", uasc_from=date(2020, 1, 6), legal="V2")
    child_in_care(
        sex="M", ethnicity="BAFR", uasc_from=date(2019, 9, 2), uasc_ceased=date(2021, 3, 31)
    )
    child_in_care(sex="F", ethnicity="", legal="E1")
    child_in_care(sex="U", ethnicity="REFU")

    section = figures.children(YEAR)

    assert section["by_sex_at_end"] == {"male": 2, "female": 1, "unknown": 1}
    assert section["by_legal_status_at_end"] == {"C2": 2, "E1": 1, "V2": 1}
    assert section["uasc_at_end"] == 1
    rows = {row["group"]: row for row in section["ethnicity_at_end"]}
    assert list(rows) == [
        "White",
        "Mixed",
        "Asian or Asian British",
        "Black or Black British",
        "Other ethnic group",
        "Not stated",
        "Not recorded",
    ]
    assert rows["Asian or Asian British"] == {
        "group": "Asian or Asian British",
        "all": 1,
        "not_uasc": 0,
        "uasc": 1,
    }
    assert rows["Black or Black British"]["not_uasc"] == 1  # UASC ceased on 31 March
    assert rows["Not recorded"]["all"] == 1
    assert rows["Not stated"]["all"] == 1


def test_archived_children_count_nowhere():
    child = child_in_care()
    child.archived_at = child.created_at
    child.save()

    assert figures.children(YEAR)["looked_after_at_end"] == 0


# Placements --------------------------------------------------------------------------------------


def test_placement_rows_are_the_seed_tables_rows_in_its_order_with_providers_grouped():
    child_in_care(place="U6", provider="PR4")
    child_in_care(place="U1", provider="PR1")
    child_in_care(place="A5", provider="PR2")
    child_in_care(place="P1", provider="PR0")
    child_in_care(place="K2", provider="PR5")
    child_in_care(place="H5", provider="PR4")

    section = figures.placements_at_end(YEAR)

    assert [row["type"] for row in section["rows"]] == [
        "Foster placement",
        "Placed for adoption",
        "Placed with parents",
        "Independent living",
        "Residential employment",
        "Residential accommodation",
        "Secure children's homes",
        "Children's homes",
        "Residential care home",
        "NHS/Health Trust",
        "Family centre",
        "Young offender institution",
        "Residential school",
        "Other placements",
        "Temporary placement",
    ]
    rows = {row["type"]: row for row in section["rows"]}
    assert rows["Foster placement"] == {
        "type": "Foster placement",
        "own_la": 1,
        "private": 1,
        "other": 0,
        "total": 2,
    }
    assert rows["Placed for adoption"]["other"] == 1
    assert rows["Placed with parents"]["other"] == 1
    assert rows["Children's homes"]["other"] == 1
    assert rows["Residential accommodation"]["private"] == 1
    assert section["total"] == {"own_la": 1, "private": 2, "other": 3, "total": 6}


# Reviews -----------------------------------------------------------------------------------------


def test_cancelled_reviews_are_not_held_and_late_ones_carry_their_reason():
    child = child_in_care()
    review(child, date(2020, 6, 1), due=date(2020, 6, 1))
    review(child, date(2020, 12, 1), due=date(2020, 11, 30), late_reason="care_plan")
    review(child, date(2021, 2, 1), status="cancelled", cancelled_reason="Child unwell")
    review(child, date(2021, 4, 1))  # next year

    section = figures.reviews(YEAR)

    assert (section["held"], section["in_timescale"], section["late"]) == (2, 1, 1)
    assert section["in_timescale_pct"] == 50.0
    assert section["late_reasons"] == {"care_plan": 1}


def test_timeliness_unknown_is_excluded_from_the_percentage_and_never_late():
    child = child_in_care()
    review(child, date(2020, 6, 1), due=date(2020, 7, 1))
    review(child, date(2020, 12, 1), due=None)

    section = figures.reviews(YEAR)

    assert section["held"] == 2
    assert section["timeliness_unknown"] == 1
    assert section["late"] == 0
    assert section["in_timescale_pct"] == 100.0


def test_pn0_is_excluded_from_the_participation_rate():
    child = child_in_care()
    for n, code in enumerate(["PN0", "PN0", "PN1", "PN6", "PN7", "PN3"]):
        review(child, date(2020, 5, 4 + n), participation=code)

    section = figures.reviews(YEAR)

    assert section["participation"]["PN0"] == 2
    assert section["participation_pct"] == 75.0  # 3 of PN1-PN7's 4


def test_parents_and_report_percentages_count_only_recorded_answers():
    child = child_in_care()
    review(
        child,
        date(2020, 5, 4),
        parents_view="yes",
        parents_one_to_one="no",
        sw_report_available=True,
    )
    review(
        child,
        date(2020, 5, 5),
        parents_view="no",
        parents_one_to_one="na",
        sw_report_available=None,
    )
    review(
        child, date(2020, 5, 6), parents_view="", parents_one_to_one="", sw_report_available=False
    )
    review(child, date(2020, 5, 7), chair="young_person", iv_attended=True)

    section = figures.reviews(YEAR)

    assert section["parents_view_pct"] == 50.0  # yes, no; blank not counted
    assert section["parents_one_to_one_pct"] == 0.0  # one "no"; "na" is not an answer
    assert section["sw_report_available_pct"] == 50.0
    assert section["chaired_by_young_person"] == 1
    assert section["iv_attended"] == 1


def test_a_figure_that_cannot_be_computed_is_null_never_zero():
    child_in_care()

    section = figures.reviews(YEAR)

    assert section["held"] == 0
    assert section["in_timescale_pct"] is None
    assert section["participation_pct"] is None
    assert section["parents_view_pct"] is None
    assert figures.monitoring(YEAR)["pep_pct"] is None
    assert figures.stability(YEAR)["long_term_pct"] is None


# Service ------------------------------------------------------------------------------------------


def test_caseload_per_fte_at_end_and_on_average_over_the_month_ends():
    full = factories.IroFactory(fte=Decimal("1.0"))
    half = factories.IroFactory(fte=Decimal("0.5"))
    for _ in range(3):
        child_in_care(iro=full)
    child_in_care(iro=half, start=date(2021, 3, 1))  # from March only
    child_in_care(iro=full, end=date(2020, 9, 30), reason="E4A")  # gone in October

    section = figures.service(YEAR)

    assert (section["iros"], section["fte"]) == (2, 1.5)
    assert section["children_allocated_at_end"] == 4
    assert section["caseload_per_fte"] == 2.7
    # April-August 4 children / 1.0 FTE; from 30 September (the day care ended is not "at
    # end") to February 3 / 1.0; March 4 / 1.5.
    assert section["average_caseload_per_fte"] == round((5 * 4 + 6 * 3 + 4 / 1.5) / 12, 1)
    assert section["caseload_band"] == "under the Handbook's range"


def test_an_iro_with_no_fte_recorded_gives_no_ratio_rather_than_zero():
    iro = factories.IroFactory(fte=None)
    child_in_care(iro=iro)

    section = figures.service(YEAR)

    assert section["iros"] == 1
    assert section["fte"] is None
    assert section["fte_not_recorded"] == 1
    assert section["caseload_per_fte"] is None
    assert section["average_caseload_per_fte"] is None


def test_an_iro_whose_caseload_ended_before_31_march_is_not_counted():
    left = factories.IroFactory(fte=Decimal("1.0"), left_on=date(2021, 1, 29))
    child = child_in_care()
    Allocation.objects.create(
        child=child, iro=left, start_date=date(2019, 6, 3), end_date=date(2021, 1, 29)
    )

    assert figures.service(YEAR)["iros"] == 0


# Oversight between reviews --------------------------------------------------------------------------


def test_rag_ratings_and_oversight_notes_set_in_the_year():
    iro = factories.IroFactory()
    child = child_in_care(iro=iro)
    for on, rating in [
        (date(2020, 4, 1), "green"),
        (date(2021, 3, 31), "red"),
        (date(2020, 3, 31), "amber"),
    ]:
        RagRating.objects.create(
            child=child, rating=rating, set_on=on, set_by=iro, follow_up_from=on, follow_up_due=on
        )
    for on in [date(2020, 4, 1), date(2021, 3, 31), date(2021, 4, 1)]:
        OversightNote.objects.create(child=child, author=iro, noted_on=on, kind="midway", text="x")

    assert figures.rag(YEAR) == {"red": 1, "amber": 0, "green": 1}
    assert figures.oversight(YEAR)["records"] == 2


def test_quarterly_standard_needs_a_note_in_each_quarter_the_child_was_looked_after():
    iro = factories.IroFactory()
    every = child_in_care(iro=iro)
    gap = child_in_care(iro=iro)
    newcomer = child_in_care(iro=iro, start=date(2021, 1, 4))
    for day in [date(2020, 5, 1), date(2020, 8, 3), date(2020, 11, 2), date(2021, 2, 1)]:
        OversightNote.objects.create(child=every, author=iro, noted_on=day, kind="midway", text="x")
    for day in [date(2020, 5, 1), date(2021, 2, 1)]:
        OversightNote.objects.create(child=gap, author=iro, noted_on=day, kind="midway", text="x")
    OversightNote.objects.create(
        child=newcomer, author=iro, noted_on=date(2021, 2, 1), kind="midway", text="x"
    )

    section = figures.oversight(YEAR)

    assert section["quarterly_standard_met"] == 2  # `every` and the January newcomer
    assert section["quarterly_standard_pct"] == 66.7


def test_monitoring_uses_each_childs_last_review_of_the_year():
    child = child_in_care()
    other = child_in_care()
    review(child, date(2020, 6, 1), monitoring={"pep": "no", "health_assessment": "no"})
    review(child, date(2020, 12, 1), monitoring={"pep": "yes", "health_assessment": "na"})
    review(other, date(2020, 12, 2), monitoring={"pep": "no"})

    section = figures.monitoring(YEAR)

    assert section["pep_pct"] == 50.0
    assert section["health_assessment_pct"] is None  # the last answer was "not applicable"


# Support and escalations ---------------------------------------------------------------------------


def test_advocacy_and_independent_visitors():
    child = child_in_care()
    factories.AdvocacyReferralFactory(child=child, referred_on=date(2020, 4, 1))
    factories.AdvocacyReferralFactory(child=child, referred_on=date(2021, 4, 1))
    factories.IndependentVisitorFactory(approved_on=date(2020, 10, 5))
    factories.IndependentVisitorFactory(approved_on=date(2019, 10, 7))
    visitor = factories.IndependentVisitorFactory(approved_on=date(2019, 1, 7))
    IvMatch.objects.create(child=child, visitor=visitor, start_date=date(2020, 1, 6))
    IvMatch.objects.create(
        child=child_in_care(),
        visitor=visitor,
        start_date=date(2020, 1, 6),
        end_date=date(2021, 3, 31),
    )

    assert figures.advocacy(YEAR)["referrals"] == 1
    section = figures.independent_visitors(YEAR)
    assert (section["recruited"], section["matches_at_end"]) == (1, 1)


def test_escalations_formal_in_the_year_their_children_areas_and_stage_resolved():
    iro = factories.IroFactory()
    child = child_in_care(iro=iro)

    def escalation(formal_on, **fields):
        esc = Escalation.objects.create(
            child=child,
            raised_by=iro,
            raised_on=formal_on or date(2020, 6, 1),
            formal=formal_on is not None,
            formal_on=formal_on,
            summary="Care plan drifting",
            stage=fields.pop("stage", "stage_1"),
            stage_started_on=formal_on or date(2020, 6, 1),
            **fields,
        )
        for area in ("care_plan_drift", "health"):
            AreaOfConcern.objects.create(
                escalation=esc, area=area, description="x", action_required="y"
            )
        return esc

    escalation(
        date(2020, 5, 4), status="closed", closed_on=date(2020, 5, 20), resolved_at_stage="stage_1"
    )
    escalation(date(2021, 1, 4), stage="cafcass")
    escalation(None, stage="informal")  # informal: not counted as raised
    escalation(date(2021, 4, 6))  # next year

    section = figures.escalations(YEAR)

    assert (section["raised"], section["children"], section["areas_of_concern"]) == (2, 1, 4)
    assert section["resolved_at"] == {"stage_1": 1}
    assert section["cafcass_referrals"] == 1
    assert section["informal_raised"] == 1


def test_complaints_received_in_the_year():
    Complaint.objects.create(
        received_on=date(2020, 9, 1),
        complainant="parent",
        about="Communication",
        stage="stage_1",
        outcome="resolved",
        closed_on=date(2020, 9, 20),
    )
    Complaint.objects.create(
        received_on=date(2021, 4, 1), complainant="child", about="x", stage="stage_1"
    )

    section = figures.complaints(YEAR)

    assert section["received"] == 1
    assert section["by_outcome"]["resolved"] == 1


# Stability -------------------------------------------------------------------------------------------


def test_three_or_more_placements_counts_placement_moves_not_legal_status_changes():
    movers = child_in_care(start=date(2019, 6, 3), end=None)
    period = movers.periods.get()
    first = movers.episodes.get()
    first.end_date, first.reason_ceased = date(2020, 6, 1), "X1"
    first.save()
    for start, end, rne in [
        (date(2020, 6, 1), date(2020, 9, 1), "P"),
        (date(2020, 9, 1), None, "L"),
    ]:
        Episode.objects.create(
            child=movers,
            period=period,
            start_date=start,
            end_date=end,
            reason_ceased="X1" if end else "",
            reason_new_episode=rne,
            legal_status="C2",
            placement_type="U4",
            placement_provider="PR1",
        )
    child_in_care()

    section = figures.stability(YEAR)

    assert section["three_or_more_placements"] == 0  # the L episode is no new placement
    assert section["three_or_more_placements_pct"] == 0.0


def test_long_term_stability_counts_under_16s_in_care_two_and_a_half_years():
    child_in_care(start=date(2018, 6, 4), date_of_birth=date(2010, 1, 4))  # stable
    child_in_care(start=date(2018, 6, 4), date_of_birth=date(2004, 1, 5))  # 17: not counted
    child_in_care(start=date(2019, 6, 3), date_of_birth=date(2010, 1, 4))  # under 2.5 years
    child_in_care(
        start=date(2018, 6, 4), date_of_birth=date(2012, 1, 2), place="A4", provider="PR1"
    )

    section = figures.stability(YEAR)

    assert (section["long_term_children"], section["long_term_stable"]) == (2, 2)
    assert section["long_term_pct"] == 100.0


# The whole object ------------------------------------------------------------------------------------

# The keys shared/annual-report.md defines; extra keys are welcome, these must stay.
DEFINED = {
    "period": {"label", "start", "end"},
    "service": {"iros", "fte", "caseload_per_fte", "average_caseload_per_fte"},
    "children": {
        "looked_after_at_end",
        "started",
        "ceased",
        "ceased_by_reason",
        "by_sex_at_end",
        "by_age_at_end",
        "by_legal_status_at_end",
        "uasc_at_end",
        "ethnicity_at_end",
    },
    "placements_at_end": {"rows", "total"},
    "reviews": {
        "held",
        "in_timescale",
        "late",
        "timeliness_unknown",
        "in_timescale_pct",
        "late_reasons",
        "participation",
        "participation_pct",
        "parents_view_pct",
        "parents_one_to_one_pct",
        "sw_report_available_pct",
        "chaired_by_young_person",
    },
    "rag": {"red", "amber", "green"},
    "oversight": {"records", "quarterly_standard_pct"},
    "advocacy": {"referrals"},
    "independent_visitors": {"recruited", "matches_at_end"},
    "escalations": {"raised", "children", "areas_of_concern", "resolved_at", "cafcass_referrals"},
    "stability": {"three_or_more_placements_pct", "long_term_pct"},
    "monitoring": {
        f"{item}_pct"
        for item in (
            "health_assessment",
            "pep",
            "post16_pep",
            "eet",
            "suitable_accommodation",
            "leisure",
            "cultural_needs",
        )
    },
    "complaints": {"received"},
}


def test_the_json_object_has_every_key_annual_report_md_defines_and_previous():
    child_in_care(start=date(2018, 6, 4))

    result = figures.annual_figures(YEAR)

    for section, keys in DEFINED.items():
        assert keys <= set(result[section]), section
    assert set(result["children"]["by_age_at_end"]) == {
        "under_1",
        "1_to_4",
        "5_to_9",
        "10_to_15",
        "16_and_over",
    }
    assert set(result["reviews"]["participation"]) >= {f"PN{n}" for n in range(8)}
    assert result["previous"]["period"]["label"] == "2019-20"
    assert "previous" not in result["previous"]


def test_previous_is_null_when_nothing_was_recorded_that_year():
    child_in_care(start=date(2020, 9, 7))

    assert figures.annual_figures(YEAR)["previous"] is None


def _queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        figures.annual_figures(YEAR)
    return len(captured)


def test_the_figures_take_the_same_number_of_queries_whatever_the_size():
    iro = factories.IroFactory()
    child_in_care(iro=iro, start=date(2018, 6, 4))
    small = _queries()
    for n in range(15):
        child = child_in_care(iro=iro, start=date(2018, 6, 4), place=["U4", "K2", "P1"][n % 3])
        review(child, date(2020, 6, 1))
        review(child, date(2019, 6, 3))

    assert _queries() == small


def test_reporting_years_by_label_and_the_last_complete_one():
    assert ReportingYear.from_label("2020-21") == ReportingYear(2020)
    assert (YEAR.start, YEAR.end) == (date(2020, 4, 1), date(2021, 3, 31))
    assert ReportingYear.from_label("1999-00").end == date(2000, 3, 31)
    for wrong in ("2020-22", "2020", "20-21", "2020/21"):
        with pytest.raises(ValueError, match="like 2020-21"):
            ReportingYear.from_label(wrong)
    assert ReportingYear.last_complete(date(2021, 3, 30)) == ReportingYear(2019)
    assert ReportingYear.last_complete(date(2021, 3, 31)) == ReportingYear(2020)
    assert ReportingYear.last_complete(date(2021, 4, 1)) == ReportingYear(2020)
    assert YEAR.month_ends[10:] == [date(2021, 2, 28), date(2021, 3, 31)]
    assert ReportingYear(2023).month_ends[10] == date(2024, 2, 29)
