"""The demo built to 31 March 2021 tells the seed's story: its 2020-21 annual report figures
are the seed report's, and 2019-20 beside them is the seed's previous year (issue 10).

The council is built once for the module at full size (626 children looked after), as
`seed_demo --today 2021-03-31` builds it, and read as `annual_report --year 2020-21 --format
json` writes its figures.
"""

import json
from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

# The evening of the last day: the year's figures are final.
BUILT_ON = datetime(2021, 3, 31, 18, tzinfo=timezone.get_current_timezone())


@pytest.fixture(scope="module")
def figures(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), time_machine.travel(BUILT_ON, tick=False):
        call_command("seed_demo", "--today=2021-03-31", stdout=StringIO())
        out = StringIO()
        call_command("annual_report", "--year=2020-21", "--format=json", "--output=-", stdout=out)
        yield json.loads(out.getvalue())
        call_command("flush", "--no-input", verbosity=0)


def test_children_and_placements_at_the_end_of_2020_21_are_the_seeds(figures: dict) -> None:
    assert figures["children"]["looked_after_at_end"] == 626
    assert figures["children"]["ceased"] == 150
    rows = {row["type"]: row for row in figures["placements_at_end"]["rows"]}
    assert {
        kind: (row["own_la"], row["private"], row["other"])
        for kind, row in rows.items()
        if row["total"]
    } == {
        "Foster placement": (303, 125, 2),
        "Placed for adoption": (14, 0, 18),
        "Placed with parents": (0, 0, 46),
        "Independent living": (1, 21, 0),
        "Residential accommodation": (0, 6, 3),
        "Secure children's homes": (0, 1, 0),
        "Children's homes": (24, 47, 0),
        "Residential care home": (0, 2, 0),
        "NHS/Health Trust": (0, 0, 3),
        "Family centre": (0, 4, 0),
        "Young offender institution": (0, 0, 1),
        "Residential school": (0, 4, 0),
        "Other placements": (0, 1, 0),
    }
    total = figures["placements_at_end"]["total"]
    assert (total["own_la"], total["private"], total["other"], total["total"]) == (
        342,
        211,
        73,
        626,
    )


def test_the_service_is_9_iros_on_7_8_fte_with_the_seeds_caseloads(figures: dict) -> None:
    service = figures["service"]
    assert (service["iros"], float(service["fte"])) == (9, 7.8)
    assert round(service["caseload_per_fte"]) == 80
    assert round(service["average_caseload_per_fte"]) == 78


def test_reviews_of_2020_21_are_the_seeds(figures: dict) -> None:
    reviews = figures["reviews"]
    assert (reviews["held"], reviews["late"], reviews["timeliness_unknown"]) == (1544, 12, 0)
    assert round(reviews["in_timescale_pct"]) == 99
    assert round(reviews["participation_pct"]) == 100
    assert round(reviews["parents_view_pct"]) == 77
    assert round(reviews["parents_one_to_one_pct"]) == 52
    assert round(reviews["sw_report_available_pct"]) == 77


def test_oversight_support_and_escalations_of_2020_21_are_the_seeds(figures: dict) -> None:
    assert (figures["rag"]["green"], figures["rag"]["amber"], figures["rag"]["red"]) == (
        1244,
        278,
        25,
    )
    assert figures["oversight"]["records"] == 3604
    assert figures["advocacy"]["referrals"] == 86
    visitors = figures["independent_visitors"]
    assert (visitors["recruited"], visitors["matches_at_end"]) == (9, 29)
    escalations = figures["escalations"]
    assert (escalations["raised"], escalations["children"], escalations["areas_of_concern"]) == (
        11,
        11,
        22,
    )
    assert set(escalations["resolved_at"]) <= {"stage_1", "stage_2"}
    assert sum(escalations["resolved_at"].values()) == 11
    assert escalations["cafcass_referrals"] == 0


def test_monitoring_at_the_childrens_last_review_is_the_seeds(figures: dict) -> None:
    monitoring = figures["monitoring"]
    assert {
        key: round(monitoring[f"{key}_pct"])
        for key in (
            "health_assessment",
            "pep",
            "post16_pep",
            "eet",
            "suitable_accommodation",
            "leisure",
            "cultural_needs",
        )
    } == {
        "health_assessment": 92,
        "pep": 98,
        "post16_pep": 60,
        "eet": 65,
        "suitable_accommodation": 94,
        "leisure": 99,
        "cultural_needs": 98,
    }


def test_2019_20_beside_it_is_the_seeds_previous_year(figures: dict) -> None:
    previous = figures["previous"]
    assert previous["children"]["ceased"] == 203
    assert previous["reviews"]["held"] == 1693
    assert round(previous["reviews"]["in_timescale_pct"]) == 96
    assert round(previous["reviews"]["parents_view_pct"]) == 82
    assert round(previous["reviews"]["sw_report_available_pct"]) == 86
    assert previous["oversight"]["records"] == 2886


def test_one_complaint_was_received_in_2020_21_as_in_the_seed(figures: dict) -> None:
    assert figures["complaints"]["received"] == 1
    assert figures["complaints"]["by_stage"]["stage_1"] == 1
