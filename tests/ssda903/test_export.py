"""ssda903.export: a collection year's SSDA903 tables built from the service's records.

The rows are checked rule by rule, then the DfE's validator (csc-validator-be-903, in its own
tool environment `.validator`, see tests/validator/validate.py) is run over the export of a
small crafted authority, which must pass with no error, and over the demo council's. Without
`.validator` the validator tests are skipped, except under CI (the CI variable set), where
they fail.
"""

import csv
import io
import json
import re
import subprocess
import zipfile
from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from children.models import Child, Episode, PeriodOfCare
from reviews.models import Review
from ssda903 import export
from ssda903.tables import COLUMNS
from tests import factories
from tests.validator_env import validator_python_or_skip

ROOT = Path(__file__).resolve().parents[2]
VALIDATE = ROOT / "tests" / "validator" / "validate.py"

# The crafted authority is Richmond upon Thames (E09000027, validate.py's default): its
# postcodes are real ones there, so the validator places them in the area; Wandsworth's
# SW15 1AA is out of it.
LA = "E09000027"
HOME = ("TW1 1AA", "TW1 2BB", "TW9 1EU")
IN_AREA = ("TW9 1DN", "TW1 3QS")
OUT_OF_AREA = "SW15 1AA"
FOSTERING_URN = "SC048251"  # foster placements carry the fostering service's URN (rule 218)
HOME_URN = "SC398713"

Y2023 = 2023  # 2023-24: 1 April 2023 to 31 March 2024
START, END = date(2023, 4, 1), date(2024, 3, 31)


# Building records -----------------------------------------------------------------------


def period(child: Child, start: date, end: date | None = None, rec: str = "") -> PeriodOfCare:
    return factories.PeriodFactory(child=child, start_date=start, end_date=end, reason_ceased=rec)


def episode(care: PeriodOfCare, start: date, end: date | None = None, **fields: Any) -> Episode:
    """An episode of a period: in a foster placement of the council's own, unless told."""
    fields.setdefault("placement_type", "U6")
    fields.setdefault("home_postcode", HOME[0])
    fields.setdefault("placement_postcode", IN_AREA[0])
    fields.setdefault("urn", FOSTERING_URN)
    fields.setdefault("cin", "N1")
    return factories.EpisodeFactory(period=care, start_date=start, end_date=end, **fields)


def review(child: Child, held_on: date, regime: str | None = None, **fields: Any) -> Review:
    """A review held in the child's open period (tests.factories.held_review), held to
    another timetable (`regime`) than the period's if told: as if recorded so in error."""
    held = factories.held_review(child, held_on=held_on, **fields)
    if regime is not None:
        Review.objects.filter(pk=held.pk).update(regime=regime)
    return held


def close(care: PeriodOfCare, end: date, rec: str) -> None:
    """End the period and its open episode on `end` for the reason `rec`."""
    Episode.objects.filter(period=care, end_date=None).update(end_date=end, reason_ceased=rec)
    PeriodOfCare.objects.filter(pk=care.pk).update(end_date=end, reason_ceased=rec)


def rows(table: list[dict[str, str]], child: Child) -> list[dict[str, str]]:
    return [row for row in table if row["CHILD"] == child.child_ref]


def only(table: list[dict[str, str]], child: Child) -> dict[str, str]:
    (row,) = rows(table, child)
    return row


# The rows -------------------------------------------------------------------------------


def test_the_files_have_the_dfes_headers_and_dates_are_dd_mm_yyyy(db: None, tmp_path: Path) -> None:
    child = factories.ChildFactory(date_of_birth=date(2010, 2, 3), uasc_from=date(2023, 5, 6))
    care = period(child, date(2023, 5, 6))
    episode(care, care.start_date)
    review(child, date(2023, 6, 1))

    paths = export.write_csv(export.tables(Y2023), tmp_path)

    assert [p.name for p in paths] == ["header.csv", "episodes.csv", "reviews.csv", "uasc.csv"]
    expected = {
        "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        "episodes.csv": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,"
        "REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
        "reviews.csv": "CHILD,DOB,REVIEW,REVIEW_CODE",
        "uasc.csv": "CHILD,SEX,DOB,DUC",
    }
    for path in paths:
        assert path.read_text(encoding="utf-8").splitlines()[0] == expected[path.name]
    read = {p.name: list(csv.DictReader(p.open(encoding="utf-8", newline=""))) for p in paths}
    assert read["header.csv"][0]["DOB"] == "03/02/2010"
    assert read["episodes.csv"][0]["DECOM"] == "06/05/2023"
    assert read["reviews.csv"][0]["REVIEW"] == "01/06/2023"
    assert read["reviews.csv"][0]["DOB"] == "03/02/2010"
    assert read["uasc.csv"][0]["DUC"] == "03/02/2028"  # still UASC: the 18th birthday


def test_every_table_has_its_columns_in_the_dfes_order(db: None) -> None:
    child = factories.ChildFactory(uasc_from=date(2023, 5, 6))
    episode(period(child, date(2023, 5, 6)), date(2023, 5, 6))
    review(child, date(2023, 6, 1))

    found = export.tables(Y2023)

    assert list(found) == ["Header", "Episodes", "Reviews", "UASC"]
    for table, table_rows in found.items():
        assert table_rows, table
        assert all(tuple(row) == COLUMNS[table] for row in table_rows), table


def test_the_reason_for_a_placement_change_is_on_the_episode_that_ended(db: None) -> None:
    """Rule 225: REASON_PLACE_CHANGE says why a placement ended (ADR 0008)."""
    child = factories.ChildFactory()
    care = period(child, date(2022, 9, 1))
    episode(
        care, care.start_date, date(2023, 7, 10), reason_ceased="X1", reason_place_change="CREQB"
    )
    episode(care, date(2023, 7, 10), reason_new_episode="P", placement_postcode=OUT_OF_AREA)

    ended, new = rows(export.tables(Y2023)["Episodes"], child)

    assert (ended["DEC"], ended["REC"], ended["REASON_PLACE_CHANGE"]) == (
        "10/07/2023",
        "X1",
        "CREQB",
    )
    assert (new["RNE"], new["REASON_PLACE_CHANGE"]) == ("P", "")


def test_an_episode_ending_after_31_march_is_open_at_the_end_of_the_year(db: None) -> None:
    child = factories.ChildFactory()
    care = period(child, date(2023, 1, 9))
    episode(
        care, care.start_date, date(2024, 4, 10), reason_ceased="X1", reason_place_change="CARPL"
    )
    episode(care, date(2024, 4, 10), reason_new_episode="P", placement_postcode=OUT_OF_AREA)
    left = factories.ChildFactory()
    care = period(left, date(2023, 6, 1))
    episode(care, care.start_date)
    close(care, date(2024, 4, 1), "E4A")

    found = export.tables(Y2023)["Episodes"]

    (open_at_end,) = rows(found, child)  # the episode starting on 10 April is the next year's
    assert open_at_end["DECOM"] == "09/01/2023"
    assert (open_at_end["DEC"], open_at_end["REC"], open_at_end["REASON_PLACE_CHANGE"]) == (
        "",
        "",
        "",
    )
    leaving = only(found, left)
    assert (leaving["DEC"], leaving["REC"]) == ("", "")


def test_episodes_overlapping_the_year_are_in_it_and_no_others(db: None) -> None:
    child = factories.ChildFactory()
    care = period(child, date(2021, 5, 3))
    episode(
        care, care.start_date, date(2022, 11, 1), reason_ceased="X1", reason_place_change="CARPL"
    )
    episode(
        care,
        date(2022, 11, 1),
        date(2023, 4, 1),
        reason_new_episode="P",
        reason_ceased="X1",
        reason_place_change="CHILD",
        placement_postcode=IN_AREA[1],
    )
    episode(care, date(2023, 4, 1), reason_new_episode="P", placement_postcode=OUT_OF_AREA)
    before = factories.ChildFactory()
    care = period(before, date(2022, 5, 1))
    episode(care, care.start_date)
    close(care, date(2023, 3, 31), "E4A")  # left on the last day of the year before
    on_the_last_day = factories.ChildFactory()
    episode(period(on_the_last_day, date(2024, 3, 31)), date(2024, 3, 31))
    after = factories.ChildFactory()
    episode(period(after, date(2024, 4, 1)), date(2024, 4, 1))

    found = export.tables(Y2023)

    assert [r["DECOM"] for r in rows(found["Episodes"], child)] == ["01/11/2022", "01/04/2023"]
    assert rows(found["Episodes"], before) == rows(found["Header"], before) == []
    assert only(found["Episodes"], on_the_last_day)["DECOM"] == "31/03/2024"
    assert rows(found["Episodes"], after) == rows(found["Header"], after) == []
    assert [r["CHILD"] for r in found["Header"]] == sorted(
        [child.child_ref, on_the_last_day.child_ref]
    )


def test_a_child_on_short_breaks_only_has_no_reviews_rows(db: None) -> None:
    """Rule 399: no reviews for a child whose episodes in the year are all short breaks."""
    breaks = factories.ChildFactory()
    for start, end in ((date(2023, 5, 5), date(2023, 5, 7)), (date(2023, 6, 2), date(2023, 6, 4))):
        care = period(breaks, start)
        episode(care, start, legal_status="V3", placement_type="U6")
        # Recorded as a reg. 33 review in error: still not in the table.
        review(breaks, start, regime="reg33", participation="PN1")
        close(care, end, "E13")
    both = factories.ChildFactory()
    care = period(both, date(2023, 4, 14))
    episode(care, care.start_date, date(2023, 4, 16), legal_status="V3", reason_ceased="E13")
    close(care, date(2023, 4, 16), "E13")
    care = period(both, date(2023, 8, 1))
    episode(care, care.start_date, legal_status="C2")
    review(both, date(2023, 9, 1))

    found = export.tables(Y2023)

    assert len(rows(found["Episodes"], breaks)) == 2
    assert rows(found["Reviews"], breaks) == []
    assert [r["REVIEW"] for r in rows(found["Reviews"], both)] == ["01/09/2023"]


def test_the_reviews_table_holds_final_reg_33_reviews_held_in_the_year(db: None) -> None:
    child = factories.ChildFactory()
    episode(period(child, date(2022, 10, 3)), date(2022, 10, 3))
    review(child, date(2023, 3, 31))  # the year before
    review(child, date(2023, 4, 1), participation="PN6")
    review(child, date(2023, 9, 20), regime="short_breaks")  # reg. 48: never in the table
    review(child, date(2023, 10, 2), status="draft")
    review(child, date(2024, 3, 31), participation="PN3")
    review(child, date(2024, 4, 1))  # the year after

    reviews = rows(export.tables(Y2023)["Reviews"], child)

    assert [(r["REVIEW"], r["REVIEW_CODE"]) for r in reviews] == [
        ("01/04/2023", "PN6"),
        ("31/03/2024", "PN3"),
    ]


@pytest.mark.parametrize(
    ("stored", "year", "code"),
    [
        ("M", 2023, "1"),
        ("F", 2023, "2"),
        ("U", 2023, ""),
        ("M", 2024, "M"),
        ("F", 2024, "F"),
        ("U", 2024, "U"),
    ],
)
def test_sex_is_the_years_code(db: None, stored: str, year: int, code: str) -> None:
    """Rule 101: 1/2 to 2023-24, M/F/U from 2024-25; unknown has no code before 2024-25."""
    child = factories.ChildFactory(sex=stored, uasc_from=date(2023, 1, 2))
    episode(period(child, date(2023, 1, 2)), date(2023, 1, 2))

    found = export.tables(year)

    assert only(found["Header"], child)["SEX"] == code
    assert only(found["UASC"], child)["SEX"] == code


def test_uasc_rows_are_for_children_uasc_in_the_year(db: None) -> None:
    def uasc_child(start: date, ceased: date | None, dob: date = date(2008, 6, 1)) -> Child:
        child = factories.ChildFactory(date_of_birth=dob, uasc_from=start, uasc_ceased=ceased)
        episode(period(child, date(2021, 1, 4)), date(2021, 1, 4))
        return child

    still = uasc_child(date(2021, 1, 4), None)
    ceased = uasc_child(date(2021, 1, 4), date(2023, 11, 20))
    leap = uasc_child(date(2021, 1, 4), None, dob=date(2008, 2, 29))
    formerly = uasc_child(date(2021, 1, 4), date(2022, 8, 1))
    long_ago = uasc_child(date(2015, 1, 4), date(2020, 8, 1))
    later = uasc_child(date(2024, 4, 1), None)
    never = factories.ChildFactory()
    episode(period(never, date(2021, 1, 4)), date(2021, 1, 4))

    found = export.tables(Y2023)

    assert only(found["UASC"], still)["DUC"] == "01/06/2026"  # still UASC: 18th birthday
    assert only(found["UASC"], ceased)["DUC"] == "20/11/2023"
    assert only(found["UASC"], leap)["DUC"] == "28/02/2026"  # as the validator counts (304)
    for child in (formerly, long_ago, later, never):
        assert rows(found["UASC"], child) == []
    # No placement distance for a child UASC this year or in the two before (rule 406).
    blank_home = {r["CHILD"] for r in found["Episodes"] if not r["HOME_POST"]}
    assert blank_home == {c.child_ref for c in (still, ceased, leap, formerly)}
    assert all(r["PL_POST"] == IN_AREA[0] for r in found["Episodes"])


def test_short_breaks_have_no_postcodes_or_urn(db: None) -> None:
    """Rules 214, 398 and 420."""
    child = factories.ChildFactory()
    care = period(child, date(2023, 5, 5))
    episode(care, care.start_date, legal_status="V3")
    close(care, date(2023, 5, 7), "E13")

    row = only(export.tables(Y2023)["Episodes"], child)

    assert (row["HOME_POST"], row["PL_POST"], row["URN"]) == ("", "", "")


def test_codes_postcodes_and_urn_are_as_recorded(db: None) -> None:
    child = factories.ChildFactory(
        ethnicity="BAFR", upn="a123456789012", date_of_birth=date(2009, 1, 2)
    )
    care = period(child, date(2023, 6, 5))
    episode(
        care,
        care.start_date,
        legal_status="C1",
        cin="N2",
        placement_type="K2",
        placement_provider="PR4",
        home_postcode="tw1  2bb",
        placement_postcode="sw151aa ",
        urn="sc398713",
    )

    found = export.tables(Y2023)

    assert only(found["Header"], child) == {
        "CHILD": child.child_ref,
        "SEX": "2",
        "DOB": "02/01/2009",
        "ETHNIC": "BAFR",
        "UPN": "A123456789012",
        "MOTHER": "",  # the app holds no mother status (see the validator tests below)
        "MC_DOB": "",
    }
    assert only(found["Episodes"], child) == {
        "CHILD": child.child_ref,
        "DECOM": "05/06/2023",
        "RNE": "S",
        "LS": "C1",
        "CIN": "N2",
        "PLACE": "K2",
        "PLACE_PROVIDER": "PR4",
        "DEC": "",
        "REC": "",
        "REASON_PLACE_CHANGE": "",
        "HOME_POST": "TW1 2BB",
        "PL_POST": "SW15 1AA",
        "URN": "SC398713",
    }


def test_archived_children_are_left_out(db: None, mona: Any) -> None:
    """Archiving is for a record made in error or out of scope (children.services.child_archive)."""
    from children.services import child_archive

    kept = factories.looked_after_child(start=date(2023, 5, 1))
    archived = factories.looked_after_child(start=date(2023, 5, 1))
    review(archived, date(2023, 6, 1))
    child_archive(by=mona, child=archived, reason="Duplicate of another record")

    found = export.tables(Y2023)

    assert [r["CHILD"] for r in found["Header"]] == [kept.child_ref]
    assert rows(found["Episodes"], archived) == rows(found["Reviews"], archived) == []


def build_children(n: int) -> None:
    for i in range(n):
        child = factories.ChildFactory(uasc_from=date(2023, 2, 1) if i % 2 else None)
        care = period(child, date(2023, 2, 1))
        episode(
            care, care.start_date, date(2023, 8, 1), reason_ceased="X1", reason_place_change="CARPL"
        )
        episode(care, date(2023, 8, 1), reason_new_episode="P", placement_postcode=OUT_OF_AREA)
        review(child, date(2023, 9, 1))


@pytest.mark.parametrize("children", [2, 12])
def test_the_export_reads_in_two_queries_whatever_the_number_of_children(
    db: None, django_assert_num_queries: Any, children: int
) -> None:
    build_children(children)

    with django_assert_num_queries(2):
        found = export.tables(Y2023)

    assert Counter(len(t) for t in found.values()) == Counter(
        {children: 2, 2 * children: 1, children // 2: 1}
    )


def test_the_zip_holds_the_four_csv_files(db: None, tmp_path: Path) -> None:
    build_children(3)
    found = export.tables(Y2023)

    archive = zipfile.ZipFile(io.BytesIO(export.zip_bytes(found)))

    assert archive.namelist() == ["header.csv", "episodes.csv", "reviews.csv", "uasc.csv"]
    written = {p.name: p.read_bytes() for p in export.write_csv(found, tmp_path)}
    assert {name: archive.read(name) for name in archive.namelist()} == written


def test_an_empty_year_has_the_four_headers_and_no_rows(db: None, tmp_path: Path) -> None:
    found = export.tables(2019)

    assert found == {"Header": [], "Episodes": [], "Reviews": [], "UASC": []}
    assert all(len(p.read_text().splitlines()) == 1 for p in export.write_csv(found, tmp_path))


@pytest.mark.parametrize(
    ("label", "year"),
    [("2020-21", 2020), ("2023-24", 2023), (" 2024-25 ", 2024), ("1999-00", None)],
)
@time_machine.travel(date(2024, 6, 3), tick=False)
def test_a_year_is_read_from_its_label(label: str, year: int | None) -> None:
    if year is None:  # 1999-00 is a well-formed year, but before any code list held
        with pytest.raises(ValueError, match="outside the collection years"):
            export.year_from_label(label)
    else:
        assert export.year_from_label(label) == year


@pytest.mark.parametrize("label", ["2020-22", "2020", "20-21", "2020/21", "", "twenty"])
def test_an_ill_formed_year_is_refused(label: str) -> None:
    with pytest.raises(ValueError, match="is not a collection year"):
        export.year_from_label(label)


@time_machine.travel(date(2024, 6, 3), tick=False)
def test_a_year_not_begun_is_refused() -> None:
    next_year = timezone.localdate().year + 1  # the clock stands on 3 June 2024
    with pytest.raises(ValueError, match="has not begun"):
        export.year_from_label(f"{next_year}-{(next_year + 1) % 100:02d}")


def test_the_command_writes_the_four_files(db: None, tmp_path: Path) -> None:
    build_children(2)
    out = StringIO()

    call_command("export_903", "--year", "2023-24", "--output", str(tmp_path / "903"), stdout=out)

    assert sorted(p.name for p in (tmp_path / "903").iterdir()) == [
        "episodes.csv",
        "header.csv",
        "reviews.csv",
        "uasc.csv",
    ]
    assert out.getvalue().splitlines()[1:] == [
        "  header.csv: 2 Header rows",
        "  episodes.csv: 4 Episodes rows",
        "  reviews.csv: 2 Reviews rows",
        "  uasc.csv: 1 UASC rows",
    ]


def test_the_command_refuses_to_write_over_a_file(db: None, tmp_path: Path) -> None:
    (tmp_path / "903").write_text("")

    with pytest.raises(CommandError, match="is a file, not a directory"):
        call_command("export_903", "--year", "2023-24", "--output", str(tmp_path / "903"))


@pytest.mark.parametrize("label", ["2023-25", "2023", "1999-00"])
def test_the_command_refuses_an_unknown_year(db: None, tmp_path: Path, label: str) -> None:
    with pytest.raises(CommandError, match=re.escape(label.strip())):
        call_command("export_903", "--year", label, "--output", str(tmp_path))


# The DfE's validator ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator_python() -> Path:
    return validator_python_or_skip()


# Rules of csc-validator-be-903 0.1.17 that raise on any CSV upload, whatever the data.
VALIDATOR_FAULTS = {
    "231": "2024-25 on: reads a Header column UASC_STATUS that neither its CSV nor its XML "
    "ingress makes (the CSV ingress adds UASC), so it raises KeyError on every upload",
    "233": "2025-26 on: reads DATE_EPISODE_CEASED for DEC and raises KeyError on every upload "
    "(its check, no REASON_PLACE_CHANGE on an episode open at the year's end, the export "
    "keeps: see test_an_episode_ending_after_31_march_is_open_at_the_end_of_the_year)",
}


def validated(python: Path, year: int, directory: Path) -> dict[str, Any]:
    """The validator's findings over the year's export, written to `directory`."""
    export.write_csv(export.tables(year), directory)
    # -I: the validator's own environment only, none of the app's.
    done = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
        [
            str(python),
            "-I",
            str(VALIDATE),
            str(directory),
            f"{year}-{(year + 1) % 100:02d}",
            "--la",
            LA,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def summary(found: dict[str, Any]) -> dict[str, int]:
    return dict(sorted(Counter(e["rule"] for e in found["errors"]).items()))


def crafted_authority() -> dict[str, Child]:
    """A handful of boys looked after in 2023-24: care orders, placement changes, reviews, one
    leaving care in the year, one UASC; and a girl on short breaks only. No girl in care: the
    app holds no mother status, which the validator asks of every one (the test after this)."""
    iro = factories.IroFactory()
    made: dict[str, Child] = {}

    # In care since 2021 under a full care order; moved foster carers in the year.
    made["moved"] = child = factories.ChildFactory(
        sex="M", date_of_birth=date(2012, 5, 17), ethnicity="WBRI", upn="A123456789012"
    )
    care = period(child, date(2021, 9, 6))
    episode(
        care, care.start_date, date(2023, 10, 2), reason_ceased="X1", reason_place_change="CREQO"
    )
    episode(
        care,
        date(2023, 10, 2),
        reason_new_episode="P",
        placement_type="U4",
        placement_provider="PR4",
        placement_postcode=OUT_OF_AREA,
    )
    factories.AllocationFactory(child=child, iro=iro, start_date=care.start_date)
    review(child, date(2023, 4, 20), participation="PN1")
    review(child, date(2023, 10, 18), participation="PN2")

    # Came into care in the year on an interim care order; the full order made; a residential
    # home of the council's own, in its area, from the age of 13.
    made["ordered"] = child = factories.ChildFactory(
        sex="M", date_of_birth=date(2010, 3, 9), ethnicity="MWBC", upn="B234567890123"
    )
    care = period(child, date(2023, 5, 15))
    home = {
        "placement_type": "K2",
        "placement_postcode": IN_AREA[1],
        "urn": HOME_URN,
        "home_postcode": HOME[1],
    }
    episode(care, care.start_date, date(2023, 8, 21), legal_status="C1", reason_ceased="X1", **home)
    episode(care, date(2023, 8, 21), reason_new_episode="L", legal_status="C2", **home)
    review(child, date(2023, 6, 9), participation="PN1")
    review(child, date(2023, 9, 5), participation="PN6")

    # Accommodated under section 20, went home in the year as the plan said.
    made["left"] = child = factories.ChildFactory(
        sex="M", date_of_birth=date(2015, 11, 30), ethnicity="APKN", upn="C345678901234"
    )
    care = period(child, date(2023, 4, 24))
    episode(care, care.start_date, legal_status="V2", home_postcode=HOME[2])
    review(child, date(2023, 5, 19), participation="PN3")
    close(care, date(2023, 12, 8), "E4A")

    # An unaccompanied asylum-seeking boy of 15, in foster care, still UASC at the year's end.
    made["uasc"] = child = factories.ChildFactory(
        sex="M",
        date_of_birth=date(2008, 1, 15),
        ethnicity="AOTH",
        upn="D456789012345",
        uasc_from=date(2023, 7, 3),
    )
    care = period(child, date(2023, 7, 3))
    episode(
        care,
        care.start_date,
        legal_status="V2",
        cin="N8",
        home_postcode="",
        placement_postcode=IN_AREA[1],
    )
    review(child, date(2023, 8, 1), participation="PN1")

    # Under four, placed with relatives on a care order since before the year.
    made["young"] = child = factories.ChildFactory(
        sex="M", date_of_birth=date(2021, 2, 11), ethnicity="BCRB", upn="E567890123456"
    )
    care = period(child, date(2022, 2, 28))
    episode(
        care,
        care.start_date,
        placement_type="U3",
        home_postcode=HOME[2],
        placement_postcode=IN_AREA[1],
    )
    review(child, date(2023, 8, 24), participation="PN0")

    # A girl on an agreed series of short breaks (V3, one episode a break): no postcodes, no
    # reviews in the Reviews table (her reviews are reg. 48 ones), no mother status asked.
    made["breaks"] = child = factories.ChildFactory(
        sex="F", date_of_birth=date(2011, 7, 4), ethnicity="WIRI", upn="F678901234567"
    )
    for start, end in ((date(2023, 6, 2), date(2023, 6, 4)), (date(2023, 9, 8), date(2023, 9, 10))):
        care = period(child, start)
        episode(care, start, legal_status="V3", cin="N1")
        review(child, start, participation="PN1")  # the review's own timetable: reg. 48
        close(care, end, "E13")
    return made


def test_a_small_authoritys_export_passes_the_validator(
    db: None, validator_python: Path, tmp_path: Path
) -> None:
    made = crafted_authority()
    found = export.tables(Y2023)
    assert len(found["Header"]) == len(made)
    assert len(found["UASC"]) == 1
    assert rows(found["Reviews"], made["breaks"]) == []

    result = validated(validator_python, Y2023, tmp_path)

    assert result["ruleset"] == "lac2023_24"
    assert result["failed_rules"] == []
    assert result["errors"] == []


def test_a_small_authoritys_export_passes_the_validator_in_2024_25(
    db: None, validator_python: Path, tmp_path: Path
) -> None:
    """The same authority a year on: SEX as M/F, the boy who went home and the girl's short
    breaks no longer in it."""
    made = crafted_authority()
    found = export.tables(2024)
    assert {r["SEX"] for r in found["Header"]} == {"M"}
    assert rows(found["Header"], made["left"]) == rows(found["Header"], made["breaks"]) == []

    result = validated(validator_python, 2024, tmp_path)

    assert result["ruleset"] == "lac2024_25"
    assert set(result["failed_rules"]) <= set(VALIDATOR_FAULTS)
    assert result["errors"] == []


def test_girls_in_care_are_flagged_for_the_mother_status_the_app_does_not_hold(
    db: None, validator_python: Path, tmp_path: Path
) -> None:
    """The app holds no mother status (MOTHER, MC_DOB), which the validator asks of every girl
    looked after other than on short breaks (rule 393) and of every one who left care in the
    year (607). Nothing else is wrong with them; when the app records it, this changes."""
    in_care = factories.ChildFactory(sex="F", date_of_birth=date(2009, 4, 2), upn="G789012345678")
    episode(period(in_care, date(2022, 6, 6)), date(2022, 6, 6))
    leaving = factories.ChildFactory(sex="F", date_of_birth=date(2012, 8, 9), upn="H890123456789")
    care = period(leaving, date(2023, 5, 2))
    episode(care, care.start_date, legal_status="V2", home_postcode=HOME[1])
    close(care, date(2023, 9, 29), "E4A")

    result = validated(validator_python, Y2023, tmp_path)

    flagged = sorted((e["rule"], e["table"], e["child"]) for e in result["errors"])
    assert flagged == [
        ("393", "Header", in_care.child_ref),
        ("393", "Header", leaving.child_ref),
        ("607", "Episodes", leaving.child_ref),
        ("607", "Header", leaving.child_ref),
    ]


# What the validator finds in the demo council's export (seed 7, 60 children, 2023-24), each
# a fault of the demo's data or of what the app holds, not of the export. The demo generators
# (children/demo.py, reviews/demo.py, iro_service/demo.py) are left as they are; a rule that
# is not listed here fails the test for real.
KNOWN_DEMO_FAULTS = {
    "392c": "made-up postcodes ('DC' is no UK postcode area, children/demo.py): invalid",
    "169": "no LA of placement, as the placement postcode is made up",
    "179": "no placement location (in or out of area), as the placement postcode is made up",
    "392a": "no placement distance, as the postcodes are made up",
    "1015": "own provision (PR1) placed outside the council's area: made-up postcodes, and no "
    "LA code for Demo City (the validator is run as Richmond upon Thames)",
    "218": "no Ofsted URN for a foster placement (the fostering service's): the demo gives URNs "
    "to children's homes and schools only. Only placements at real postcodes are caught: "
    "the rule takes a made-up one to be outside England",
    "217": "placed for adoption with the current foster carer (A3, A5) with a new episode "
    "reason B: it must be S, T or U (children/demo.py chooses B for A3/A5, T for A4/A6)",
    "435": "a new episode reason T or P (placement changed, legal status not) where the legal "
    "status changed too: it is U or B",
    "442": "no UPN: the demo records none (UN1 to UN5 say why one is not known)",
    "393": "the app holds no mother status, asked of every girl looked after",
    "607": "the app holds no mother status, asked of every girl leaving care in the year",
}


def test_the_demo_councils_export_passes_the_validator(
    db: None, validator_python: Path, tmp_path: Path
) -> None:
    call_command(
        "seed_demo", "--children", "60", "--seed", "7", "--today", "2024-06-03", stdout=StringIO()
    )

    result = validated(validator_python, Y2023, tmp_path)

    assert result["failed_rules"] == []
    found = summary(result)
    assert set(found) <= set(KNOWN_DEMO_FAULTS), f"new validator errors: {found}"
    if found:
        pytest.xfail(f"the demo council's 2023-24 export has known validator errors: {found}")
