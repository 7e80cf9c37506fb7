"""Importing 903 files: what is stored, what is refused (and then nothing is), and what a second
import of the same or the next year's files does."""

from datetime import date, timedelta

import pytest

from children.models import Child, Episode, PeriodOfCare
from reviews.models import Review
from ssda903 import importer
from ssda903.models import Import
from tests import factories
from tests.ssda903.files import (
    YEAR,
    child_rows,
    children,
    csv_files,
    episode_row,
    merge,
    review_row,
)

pytestmark = pytest.mark.django_db


def run(user, data, *, year=YEAR, encoding="utf-8"):
    batch = Import.objects.create(year=year, started_by=user, encoding=encoding)
    return importer.import_files(batch, csv_files(data).items()), batch


def counts():
    return (
        Child.objects.count(),
        PeriodOfCare.objects.count(),
        Episode.objects.count(),
        Review.objects.count(),
    )


def test_valid_files_bring_every_child_episode_and_review_in(ada):
    outcome, batch = run(ada, children("C1", "C2"))
    assert outcome.imported, outcome.problems
    assert counts() == (2, 2, 4, 4)
    assert outcome.summary["children"] == {"added": 2, "changed": 0, "unchanged": 0}
    child = Child.objects.get(child_ref="C1")
    assert (child.full_name, child.sex, child.date_of_birth) == (
        "Name not recorded",
        "F",
        date(2015, 6, 14),
    )
    assert child.imported_in == batch
    assert child.uasc_from == date(2024, 5, 1)  # UASC from the first episode held
    period = child.periods.get()
    assert (period.start_date, period.end_date) == (date(2024, 5, 1), None)
    first, second = child.episodes.order_by("start_date")
    assert (first.end_date, first.reason_ceased, first.reason_place_change) == (
        date(2024, 9, 2),
        "X1",
        "CARPL",
    )
    assert second.period == period
    review = child.reviews.order_by("held_on").first()
    assert review.participation == "PN1"
    # What the 903 does not hold stays unknown: no IRO, no parents' view, nobody finalised it.
    assert (review.iro, review.parents_view, review.finalised_by, review.finalised_on) == (
        None,
        "",
        None,
        None,
    )
    assert review.status == "final"
    assert review.imported_in == batch
    # Due within 20 working days of 1 May 2024 (reg. 33(2)(a); 6 and 27 May are bank holidays).
    assert review.due_date == date(2024, 5, 31)
    assert review.kind == "first"


def test_importing_the_same_files_again_changes_nothing(ada):
    run(ada, children("C1", "C2"))
    before = list(Child.objects.values_list("pk", "modified_at", "version"))
    outcome, _ = run(ada, children("C1", "C2"))
    assert outcome.imported, outcome.problems
    assert counts() == (2, 2, 4, 4)
    assert {name: row["added"] + row["changed"] for name, row in outcome.summary.items()} == {
        "children": 0,
        "periods": 0,
        "episodes": 0,
        "reviews": 0,
    }
    assert list(Child.objects.values_list("pk", "modified_at", "version")) == before


def test_one_error_means_nothing_is_written_and_every_problem_is_named(ada):
    data = children("C1", "C2")
    data["Episodes"][0]["LS"] = "Q9"
    data["Reviews"][0]["REVIEW_CODE"] = "PN9"
    outcome, _ = run(ada, data)
    assert not outcome.imported
    assert counts() == (0, 0, 0, 0)
    found = {(p.file, p.row, p.child, p.field, p.rule, p.value) for p in outcome.problems}
    assert ("episodes.csv", 2, "C1", "LS", "144", "Q9") in found
    assert ("reviews.csv", 2, "C1", "REVIEW_CODE", "167", "PN9") in found


def test_two_years_build_one_continuous_history(ada):
    """2023-24's episode continues into 2024-25: one period of care, its row the later year's."""
    earlier = child_rows(
        "C1",
        sex="2",  # 2023-24's code for female (rule 101)
        episodes=[episode_row("C1", DECOM="03/04/2023")],
        reviews=[review_row("C1", REVIEW="02/05/2023", REVIEW_CODE="PN1")],
    )
    assert run(ada, earlier, year=2023)[0].imported
    later = child_rows(
        "C1",
        episodes=[
            episode_row("C1", DECOM="03/04/2023", DEC="02/09/2024", REC="X1", PLACE_PROVIDER="PR1"),
            episode_row("C1", DECOM="02/09/2024", RNE="P", PLACE="U6", PLACE_PROVIDER="PR4"),
        ],
        reviews=[review_row("C1", REVIEW="25/10/2023", REVIEW_CODE="PN2")],
    )
    outcome, _ = run(ada, later)
    assert outcome.imported, outcome.problems
    child = Child.objects.get(child_ref="C1")
    assert child.periods.count() == 1
    assert list(child.episodes.order_by("start_date").values_list("start_date", "end_date")) == [
        (date(2023, 4, 3), date(2024, 9, 2)),
        (date(2024, 9, 2), None),
    ]
    first, second = child.reviews.order_by("held_on")
    # The second review is counted from the first, imported the year before (reg. 33(2)(b)).
    assert (second.kind, second.counted_from) == ("second", first.held_on)
    assert outcome.summary["episodes"] == {"added": 1, "changed": 1, "unchanged": 0}


def test_a_history_that_starts_too_late_leaves_timeliness_unknown(ada):
    """A child in care since 2019 whose history held starts with an episode in 2024: the review's
    due date cannot be established, so it is unknown, never guessed."""
    data = child_rows(
        "C1",
        episodes=[episode_row("C1", DECOM="01/05/2024", RNE="P")],
        reviews=[review_row("C1", REVIEW="29/05/2024", REVIEW_CODE="PN1")],
    )
    outcome, _ = run(ada, data)
    assert outcome.imported, outcome.problems
    review = Review.objects.get()
    assert review.due_date is None
    assert review.timeliness == "unknown"


def test_a_record_changed_in_the_app_since_the_import_is_reported_not_overwritten(ada, mona):
    run(ada, children("C1"))
    child = Child.objects.get(child_ref="C1")
    child.ethnicity = "WIRI"
    child.modified_at = child.imported_in.finished_at + timedelta(minutes=5)
    Child.objects.filter(pk=child.pk).update(
        ethnicity="WIRI", modified_at=child.modified_at, modified_by=mona
    )
    data = children("C1")
    data["Header"][0]["ETHNIC"] = "WOTH"
    outcome, _ = run(ada, data)
    assert not outcome.imported
    [problem] = outcome.problems
    assert (problem.file, problem.row, problem.child, problem.field) == (
        "header.csv",
        2,
        "C1",
        "ethnicity",
    )
    assert "changed in the app" in problem.message
    assert Child.objects.get(pk=child.pk).ethnicity == "WIRI"


def test_a_child_recorded_in_the_app_under_another_reference_is_offered_as_a_match(ada):
    recorded = factories.looked_after_child(
        child_ref="LOCAL1", date_of_birth=date(2015, 6, 14), sex="F"
    )
    outcome, _ = run(ada, children("C1"))
    assert not outcome.imported
    [problem] = outcome.problems
    assert problem.child == "C1"
    assert recorded.child_ref in problem.message
    assert Child.objects.count() == 1


def test_files_of_several_children_write_in_a_fixed_number_of_queries(ada):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run(ada, children("W1"))  # the importer's role, read once for the audit row, is cached
    sizes = []
    for names in (("A1", "A2"), tuple(f"B{n}" for n in range(12))):
        with CaptureQueriesContext(connection) as queries:
            outcome, _ = run(ada, merge(children(*names)))
        assert outcome.imported, outcome.problems
        sizes.append([q["sql"][:60] for q in queries.captured_queries])
    assert len(sizes[0]) == len(sizes[1]), set(sizes[1]) ^ set(sizes[0])


def _set(table: str, index: int, **values: str):
    def change(data):
        data[table][index].update(values)

    return change


def _drop(table: str, index: int):
    def change(data):
        del data[table][index]

    return change


def _add_review(**values: str):
    def change(data):
        data["Reviews"].append(review_row(**values))

    return change


def _toddler(data):
    """C1 born in 2022: under 4 at every review, so PN1 (the child spoke) is wrong (441)."""
    data["Header"][0]["DOB"] = "01/01/2022"
    for row in data["Reviews"]:
        if row["CHILD"] == "C1":
            row["DOB"], row["REVIEW_CODE"] = "01/01/2022", "PN1"


# One change per DfE rule the issue lists: (rule, the change, the file the problem names).
ERRORS = [
    ("166", _set("Reviews", 0, REVIEW="31/02/2024"), "reviews.csv"),
    ("167", _set("Reviews", 0, REVIEW_CODE="PN9"), "reviews.csv"),
    ("440", _set("Reviews", 0, REVIEW_CODE="PN0"), "reviews.csv"),
    ("441", _toddler, "reviews.csv"),
    ("143", _set("Episodes", 0, RNE="Z"), "episodes.csv"),
    ("144", _set("Episodes", 0, LS="Q9"), "episodes.csv"),
    ("146", _set("Episodes", 0, PLACE="Q1"), "episodes.csv"),
    ("149", _set("Episodes", 0, REC="E99"), "episodes.csv"),
    ("388", _drop("Episodes", 1), "episodes.csv"),
    ("433", _set("Episodes", 1, DECOM="03/09/2024"), "episodes.csv"),
    ("INT08", _add_review(child="C9", REVIEW="20/06/2024"), "reviews.csv"),
    ("INT17", _set("Reviews", 0, DOB="15/06/2015"), "reviews.csv"),
]


@pytest.mark.parametrize(("rule", "change", "file"), ERRORS, ids=[e[0] for e in ERRORS])
def test_each_listed_dfe_rule_refuses_the_import_and_names_itself(ada, rule, change, file):
    data = children("C1", "C2")
    change(data)
    outcome, _ = run(ada, data)
    assert not outcome.imported
    assert counts() == (0, 0, 0, 0)
    found = [p for p in outcome.problems if p.rule == rule]
    assert found, [(p.rule, p.message) for p in outcome.problems]
    assert found[0].file == file
    assert found[0].row is not None
    assert found[0].message


def test_the_xml_form_of_the_same_data_imports_the_same_records(ada):
    from tests.ssda903.files import xml_bytes

    batch = Import.objects.create(year=YEAR, started_by=ada)
    outcome = importer.import_files(batch, [("903.xml", xml_bytes(children("C1", "C2")))])
    assert outcome.imported, outcome.problems
    assert counts() == (2, 2, 4, 4)
    assert Child.objects.get(child_ref="C1").uasc_from == date(2024, 5, 1)


def test_a_windows_1252_file_is_read_when_named_and_explained_when_not(ada):
    files = dict(csv_files(children("C1")))
    files["header.csv"] += b"\xa0\r\n"  # a no-break space on a line of its own, as Excel saves it
    batch = Import.objects.create(year=YEAR, started_by=ada)
    refused = importer.import_files(batch, files.items())
    assert not refused.imported
    assert "Windows-1252" in refused.problems[0].message
    named = Import.objects.create(year=YEAR, started_by=ada, encoding="cp1252")
    outcome = importer.import_files(named, files.items())
    assert outcome.imported, outcome.problems
