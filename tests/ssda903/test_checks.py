"""Row checks of SSDA903 tables (ssda903.checks) against the DfE's rules; no database."""

from datetime import date

import pytest

from ssda903.checks import add_years, check
from ssda903.reader import read
from ssda903.tables import Problem
from tests.ssda903.files import (
    YEAR,
    Rows,
    child_rows,
    children,
    csv_files,
    episode_row,
    header_csv,
    header_row,
    read_all,
    review_row,
    xml_bytes,
)


def found(data: Rows, *, year: int = YEAR) -> list[tuple[str, str]]:
    """(field, rule) of each problem in the data's CSV files, in the order check() gives."""
    return [(p.field, p.rule) for p in check(read_all(csv_files(data)), year=year)]


def edited(table: str, index: int | None, base: Rows | None = None, **values: str) -> Rows:
    """One child's valid rows (or `base`) with one row changed, or one appended (index None)."""
    data = base or child_rows("C1")
    if index is None:
        data[table].append(values)
    else:
        data[table][index].update(values)
    return data


def test_valid_children_have_no_problems_in_csv_or_xml() -> None:
    data = children("C1", "C2", "C3")
    assert check(read_all(csv_files(data)), year=YEAR) == []
    assert check(read("903.xml", xml_bytes(data)), year=YEAR) == []


def test_a_problem_names_the_file_row_child_field_rule_and_value() -> None:
    data = edited("Reviews", 1, REVIEW="31/02/2021")
    assert check(read_all(csv_files(data)), year=YEAR) == [
        Problem(
            file="reviews.csv",
            row=3,
            child="C1",
            field="REVIEW",
            rule="166",
            value="31/02/2021",
            message="REVIEW: '31/02/2021' is not a date (DD/MM/YYYY)",
        )
    ]


def test_a_problem_in_xml_is_at_the_childs_position() -> None:
    data = children("C1", "C2")
    data["Episodes"][2]["PLACE"] = "Q1"
    [problem] = check(read("903.xml", xml_bytes(data)), year=YEAR)
    assert (problem.file, problem.row, problem.child, problem.rule) == ("903.xml", 2, "C2", "146")


@pytest.mark.parametrize(
    ("table", "index", "values", "expected"),
    [
        # Header
        ("Header", 0, {"SEX": "X"}, [("SEX", "101")]),
        ("Header", 0, {"SEX": ""}, [("SEX", "101")]),
        ("Header", 0, {"SEX": "1"}, [("SEX", "101")]),  # 1 and 2 end with 2023-24
        ("Header", 0, {"DOB": "31/02/2015"}, [("DOB", "102")]),
        ("Header", 0, {"DOB": ""}, [("DOB", "102")]),
        ("Header", 0, {"ETHNIC": "WXYZ"}, [("ETHNIC", "103")]),
        ("Header", 0, {"ETHNIC": ""}, [("ETHNIC", "103")]),
        ("Header", 0, {"MOTHER": "1", "MC_DOB": "32/01/2020"}, [("MC_DOB", "171")]),
        ("Header", 0, {"MOTHER": "1", "MC_DOB": "01/04/2025"}, [("MC_DOB", "625")]),
        ("Header", None, header_row(""), [("CHILD", "")]),
        ("Header", None, header_row("C1"), [("CHILD", "INT32")]),
        # Episodes
        ("Episodes", 0, {"DECOM": "31/04/2024"}, [("DECOM", "141")]),
        ("Episodes", 0, {"DECOM": ""}, [("DECOM", "")]),
        ("Episodes", 1, {"DEC": "31/11/2024", "REC": "E11"}, [("DEC", "147")]),
        ("Episodes", 1, {"DEC": "01/09/2024", "REC": "E11"}, [("DEC", "356")]),
        ("Episodes", 1, {"DEC": "01/04/2025", "REC": "E11"}, [("DEC", "385")]),
        ("Episodes", 0, {"RNE": "X"}, [("RNE", "143")]),
        ("Episodes", 0, {"LS": "Z9"}, [("LS", "144")]),
        ("Episodes", 0, {"PLACE": "Q1"}, [("PLACE", "146")]),
        ("Episodes", 0, {"PLACE_PROVIDER": "PR9"}, [("PLACE_PROVIDER", "178")]),
        ("Episodes", 1, {"DEC": "01/12/2024", "REC": "E99"}, [("REC", "149")]),
        ("Episodes", 0, {"REASON_PLACE_CHANGE": "NOPE"}, [("REASON_PLACE_CHANGE", "1009")]),
        ("Episodes", None, episode_row("C9"), [("CHILD", "INT03")]),
        ("Episodes", None, episode_row(""), [("CHILD", "")]),
        # Reviews
        ("Reviews", 0, {"REVIEW": "31/02/2021"}, [("REVIEW", "166")]),
        ("Reviews", 0, {"REVIEW": ""}, [("REVIEW", "166"), ("REVIEW_CODE", "167")]),
        ("Reviews", 0, {"REVIEW": "", "REVIEW_CODE": ""}, [("REVIEW", "166")]),
        ("Reviews", 0, {"REVIEW_CODE": "PN9"}, [("REVIEW_CODE", "167")]),
        ("Reviews", 0, {"REVIEW_CODE": ""}, [("REVIEW_CODE", "167")]),
        ("Reviews", 0, {"REVIEW": "01/04/2025"}, [("REVIEW", "")]),
        ("Reviews", 0, {"DOB": "15/06/2015"}, [("DOB", "INT17")]),
        ("Reviews", 0, {"DOB": "32/13/2015"}, [("DOB", "")]),
        ("Reviews", None, review_row("C9"), [("CHILD", "INT08")]),
        ("Reviews", None, review_row(""), [("CHILD", "")]),
    ],
)
def test_a_row_breaking_a_rule_gives_that_problem_alone(
    table: str, index: int | None, values: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert found(edited(table, index, **values)) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"CHILD": "C9"}, [("CHILD", "INT09")]),
        ({"DOB": "15/06/2015"}, [("DOB", "INT18")]),
        ({"SEX": "M"}, [("SEX", "INT21")]),
        ({"DOB": "1/2/2015x"}, [("DOB", "")]),
        ({"DUC": "31/02/2033"}, [("DUC", "104")]),
        ({"DUC": "31/03/2024"}, [("DUC", "104")]),  # before the collection year
        ({"DUC": "01/04/2024"}, []),
    ],
)
def test_uasc_rows_are_checked_against_header(
    values: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert found(edited("UASC", 0, children("C1"), **values)) == expected


def test_a_date_of_birth_after_the_year_is_rule_301() -> None:
    assert found(child_rows("C1", dob="01/04/2025")) == [("DOB", "301")]


def test_an_episode_starting_after_the_year_is_rule_354() -> None:
    data = child_rows("C1", episodes=[episode_row("C1", DECOM="01/04/2025")])
    problems = check(read_all(csv_files(data)), year=YEAR)
    assert [(p.field, p.rule, p.message) for p in problems] == [
        (
            "DECOM",
            "354",
            "DECOM: '01/04/2025' is after the end of the 2024-25 collection year (31/03/2025)",
        )
    ]


def test_sex_codes_follow_the_collection_year() -> None:
    def sex(code: str, year: int) -> list[str]:
        tables = read("header.csv", header_csv([header_row(SEX=code)]))
        return [p.message for p in check(tables, year=year)]

    assert sex("1", 2023) == []
    assert sex("M", 2023) == ["SEX: 'M' is not a valid code in 2023-24"]
    assert sex("U", 2024) == []


def test_an_episodes_codes_are_those_of_the_year_it_starts_in() -> None:
    def place(code: str) -> list[str]:
        episodes = [episode_row("C1", DECOM="01/06/2022", PLACE=code)]
        problems = check(read_all(csv_files(child_rows("C1", episodes=episodes))), year=YEAR)
        return [p.message for p in problems]

    assert place("K3") == ["PLACE: 'K3' is not a valid code in 2022-23"]
    assert place("H5") == []


def test_rule_388_x1_with_the_next_episode_starting_another_day() -> None:
    data = edited("Episodes", 1, DECOM="03/09/2024")
    problems = check(read_all(csv_files(data)), year=YEAR)
    assert [(p.row, p.rule, p.message) for p in problems] == [
        (
            2,
            "388",
            "REC: 'X1' means a new episode starts the day this one ends (02/09/2024), but the "
            "next starts on 03/09/2024",
        ),
        (
            3,
            "433",
            "RNE: 'P' means this episode continues the one before, but the episode before it "
            "ended on 02/09/2024, not 03/09/2024",
        ),
    ]


def test_rule_388_x1_on_the_last_episode() -> None:
    assert found(edited("Episodes", 1, DEC="01/12/2024", REC="X1")) == [("REC", "388")]


def test_rule_388_another_reason_when_the_next_episode_starts_that_day() -> None:
    assert found(edited("Episodes", 0, REC="E4A")) == [("REC", "388")]


def test_rule_388_finds_the_next_episode_whatever_the_rows_order() -> None:
    data = child_rows("C1")
    data["Episodes"].reverse()
    assert found(data) == []


def test_rule_433_a_continuing_episode_after_one_with_no_end() -> None:
    data = edited("Episodes", 0, DEC="", REC="", REASON_PLACE_CHANGE="")
    assert found(data) == [("RNE", "433")]


def test_rule_433_a_first_episode_may_have_any_reason() -> None:
    data = child_rows("C1", episodes=[episode_row("C1", RNE="P")])
    assert found(data) == []


def test_one_digit_days_and_months_are_the_same_dates() -> None:
    data = edited("Episodes", 1, DECOM="2/9/2024")
    data["Episodes"][0]["DEC"] = "02/9/2024"
    assert found(data) == []


def test_two_episodes_of_a_child_starting_the_same_day() -> None:
    data = child_rows("C1")
    data["Episodes"].append(dict(data["Episodes"][1]))
    problems = check(read_all(csv_files(data)), year=YEAR)
    duplicate = [p for p in problems if p.field == "DECOM"]
    assert [(p.row, p.rule, p.message) for p in duplicate] == [
        (4, "", "DECOM: the child has another episode starting on 02/09/2024 (row 3)")
    ]


def test_two_children_may_start_episodes_the_same_day() -> None:
    assert found(children("C1", "C2")) == []


@pytest.mark.parametrize(
    ("review", "code", "rule"),
    [
        ("31/12/2024", "PN1", "441"),
        ("01/01/2025", "PN1", None),  # the fourth birthday: either fits
        ("01/01/2025", "PN0", None),
        ("02/01/2025", "PN0", "440"),
        ("31/12/2024", "PN0", None),
        ("02/01/2025", "PN7", None),
    ],
)
def test_participation_fits_the_age_at_the_review(review: str, code: str, rule: str | None) -> None:
    reviews = [review_row("C1", DOB="01/01/2021", REVIEW=review, REVIEW_CODE=code)]
    data = child_rows("C1", dob="01/01/2021", reviews=reviews)
    assert found(data) == ([("REVIEW_CODE", rule)] if rule else [])


@pytest.mark.parametrize(
    ("review", "code", "rule"),
    [
        ("28/02/2024", "PN1", "441"),
        ("29/02/2024", "PN1", None),
        ("01/03/2024", "PN0", "440"),
    ],
)
def test_a_leap_day_birthday_is_four_on_29_february(
    review: str, code: str, rule: str | None
) -> None:
    header = read("header.csv", header_csv([header_row(DOB="29/02/2020", SEX="2")]))
    reviews = [review_row(DOB="29/02/2020", REVIEW=review, REVIEW_CODE=code)]
    tables = header + read_all({"reviews.csv": csv_files({"Reviews": reviews})["reviews.csv"]})
    assert [(p.field, p.rule) for p in check(tables, year=2023)] == (
        [("REVIEW_CODE", rule)] if rule else []
    )


def test_add_years_puts_29_february_on_28_february() -> None:
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)


def test_without_a_header_table_children_are_not_looked_up() -> None:
    files = csv_files({"Reviews": [review_row("C9")]})
    assert check(read_all(files), year=YEAR) == []


def test_two_files_of_one_table_are_a_problem() -> None:
    files = csv_files(child_rows("C1"))
    tables = read_all(files) + read("header (1).csv", files["header.csv"])
    problems = [p for p in check(tables, year=YEAR) if p.row is None]
    assert [(p.file, p.message) for p in problems] == [
        (
            "header (1).csv",
            "header (1).csv and header.csv are both Header files: upload one Header file",
        )
    ]


def test_csv_and_xml_of_the_same_rows_have_the_same_problems() -> None:
    data = children("C1", "C2", "C3")
    data["Header"][1]["SEX"] = "1"
    data["Episodes"][0]["REC"] = "E4A"
    data["Episodes"][3]["RNE"] = "X"
    data["Reviews"][4]["REVIEW_CODE"] = "PN0"
    data["UASC"][0]["DUC"] = "01/01/2020"

    def problems(tables: list) -> list[tuple[str, str, str, str]]:
        found = check(tables, year=YEAR)
        return sorted((p.child, p.field, p.rule, p.message) for p in found)

    from_csv = problems(read_all(csv_files(data)))
    assert [(child, rule) for child, _, rule, _ in from_csv] == [
        ("C1", "104"),
        ("C1", "388"),
        ("C2", "143"),
        ("C2", "101"),
        ("C3", "440"),
    ]
    assert problems(read("903.xml", xml_bytes(data))) == from_csv
