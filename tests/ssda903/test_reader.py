"""Reading SSDA903 CSV and XML files into rows (ssda903.reader); no database."""

from datetime import date

import pytest

from ssda903.reader import FileProblem, OtherTable, parse_date, read
from ssda903.tables import COLUMNS, OTHER_COLUMNS, Row
from tests.ssda903.files import (
    children,
    csv_bytes,
    csv_files,
    episode_row,
    episodes_csv,
    header_csv,
    header_row,
    read_all,
    reviews_csv,
    xml_bytes,
)


def problem_of(name: str, data: bytes, **options: object) -> FileProblem:
    with pytest.raises(FileProblem) as caught:
        read(name, data, **options)  # type: ignore[arg-type]
    return caught.value


def by_name(tables: list) -> dict[str, list[Row]]:
    return {table.name: table.rows for table in tables}


def test_csv_and_xml_of_several_children_read_into_the_same_rows() -> None:
    data = children("C1", "C2", "C3")
    from_csv = by_name(read_all(csv_files(data)))
    from_xml = by_name(read("903.xml", xml_bytes(data)))
    assert from_csv == from_xml
    assert [len(from_csv[name]) for name in COLUMNS] == [3, 6, 6, 1]
    assert from_csv["Episodes"][1] == episode_row(
        "C1", DECOM="02/09/2024", RNE="P", PLACE="U6", PLACE_PROVIDER="PR4"
    )


def test_an_xml_file_gives_every_table_with_each_row_at_its_childs_position() -> None:
    tables = read("903.xml", xml_bytes(children("C1", "C2")))
    assert [(t.file, t.name) for t in tables] == [("903.xml", name) for name in COLUMNS]
    assert [row.line for row in by_name(tables)["Episodes"]] == [1, 1, 2, 2]


def test_xml_tags_may_carry_a_namespace() -> None:
    data = children("C1")
    plain = by_name(read("903.xml", xml_bytes(data)))
    assert by_name(read("903.xml", xml_bytes(data, namespace="urn:dfe:903"))) == plain


def test_an_xml_episode_takes_no_value_from_another_episode() -> None:
    """The validator fills an element missing from one EPISODE from the child's last one."""
    data = children("C1")
    xml = xml_bytes(data).replace(b"<DEC>02/09/2024</DEC><REC>X1</REC>", b"", 1)
    episodes = by_name(read("903.xml", xml))["Episodes"]
    assert [(row["DEC"], row["REC"]) for row in episodes] == [("", ""), ("", "")]


def test_an_xml_child_is_uasc_only_when_flagged() -> None:
    xml = xml_bytes(children("C1")).replace(b"<UASC>1</UASC>", b"<UASC>0</UASC>")
    assert by_name(read("903.xml", xml))["UASC"] == []


def test_xml_elements_other_than_child_under_the_root_are_ignored() -> None:
    xml = xml_bytes(children("C1")).replace(
        b"<EXPSSDA903>", b"<EXPSSDA903><Header><DOB>01/01/2000</DOB></Header>"
    )
    assert [row["CHILD"] for row in by_name(read("903.xml", xml))["Header"]] == ["C1"]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"<EXPSSDA903><CHILD></EXPSSDA903>", "903.xml is not well-formed XML: line 1:"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903/>',
            "903.xml has a DOCTYPE declaration, which a 903 XML file must not",
        ),
        (
            b"<EXPSSDA903></EXPSSDA903>",
            "903.xml has no CHILD elements: there are no children in it",
        ),
    ],
)
def test_an_unreadable_xml_file_is_a_file_problem(xml: bytes, message: str) -> None:
    assert problem_of("903.xml", xml).problem.message.startswith(message)


def test_a_table_is_recognised_by_its_columns_in_any_order_whatever_its_name() -> None:
    rows = children("C1")["Episodes"]
    shuffled = list(reversed(COLUMNS["Episodes"]))
    [table] = read("export (3).CSV", csv_bytes("Episodes", rows, columns=shuffled))
    assert (table.file, table.name) == ("export (3).CSV", "Episodes")
    assert table.rows == rows


def test_values_are_stripped_and_upper_cased_and_a_blank_is_empty() -> None:
    text = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n  c1 , f ,1/4/2015, wbri ,,  ,\r\n"
    [table] = read("header.csv", text.encode())
    assert table.rows == [
        {"CHILD": "C1", "SEX": "F", "DOB": "1/4/2015", "ETHNIC": "WBRI"}
        | {"UPN": "", "MOTHER": "", "MC_DOB": ""}
    ]


def test_column_headers_may_have_spaces_around_them() -> None:
    text = " CHILD , SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB \nC1,F,01/04/2015,WBRI,,,\n"
    [table] = read("header.csv", text.encode())
    assert table.rows[0]["CHILD"] == "C1"


def test_rows_keep_their_spreadsheet_row_numbers() -> None:
    """A blank line is a row of its own; a quoted value over two lines is one row."""
    text = (
        "CHILD,DOB,REVIEW,REVIEW_CODE\r\n"
        "C1,14/06/2015,29/05/2024,PN1\r\n"
        "\r\n"
        ',,,\r\n"C\r\n2",14/06/2014,29/05/2024,PN1\r\n'
        "C3,14/06/2013,29/05/2024,PN1\r\n"
    )
    [table] = read("reviews.csv", text.encode())
    assert [(row.line, row["CHILD"]) for row in table.rows] == [
        (2, "C1"),
        (5, "C\r\n2"),
        (6, "C3"),
    ]


def test_a_row_with_fewer_values_than_columns_has_blanks_for_the_rest() -> None:
    text = "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,14/06/2015\n"
    [table] = read("reviews.csv", text.encode())
    assert table.rows[0] == {"CHILD": "C1", "DOB": "14/06/2015", "REVIEW": "", "REVIEW_CODE": ""}


def test_blank_values_beyond_the_last_column_are_ignored() -> None:
    text = "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,14/06/2015,29/05/2024,PN1,,\n"
    [table] = read("reviews.csv", text.encode())
    assert table.rows[0]["REVIEW_CODE"] == "PN1"


def test_a_row_with_more_values_than_columns_is_a_file_problem() -> None:
    text = "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,14/06/2015\nC2,14/06/2015,29/05/2024,PN1,X\n"
    problem = problem_of("reviews.csv", text.encode()).problem
    assert problem.row == 3
    assert problem.message == "Row 3 of reviews.csv has 5 values but the file has 4 columns"


def test_a_byte_order_mark_is_read() -> None:
    rows = [header_row("C1")]
    [table] = read("header.csv", header_csv(rows, bom=True))
    assert table.name == "Header"
    assert table.rows == rows


def test_windows_1252_is_read_when_the_user_names_it() -> None:
    rows = [header_row("C1", UPN="A12345678901É")]
    data = header_csv(rows, encoding="cp1252")
    [table] = read("header.csv", data, encoding="cp1252")
    assert table.rows[0]["UPN"] == "A12345678901É"


def test_windows_1252_not_named_gives_a_message_naming_the_file_and_the_choice() -> None:
    rows = [header_row("C1"), header_row("C2", UPN="A12345678901É")]
    problem = problem_of("header.csv", header_csv(rows, encoding="cp1252")).problem
    assert problem.file == "header.csv"
    assert problem.row == 3
    assert problem.message == (
        "header.csv cannot be read as UTF-8: line 3 has a character that is not UTF-8. If it "
        "was saved from Excel as plain 'CSV', choose Windows-1252 as its encoding and upload "
        "it again, or save it as 'CSV UTF-8'"
    )


def test_a_file_not_in_the_encoding_named_gives_a_message() -> None:
    message = problem_of("header.csv", b"CHILD\x81", encoding="cp1252").problem.message
    assert message == (
        "header.csv cannot be read as Windows-1252: line 1 has a character that is not "
        "Windows-1252. Check the encoding chosen for it, or save it as 'CSV UTF-8'"
    )


def test_an_xml_file_in_windows_1252_is_read_when_named() -> None:
    data = children("C1")
    data["Header"][0]["UPN"] = "A12345678901É"
    xml = xml_bytes(data).decode().replace("utf-8", "windows-1252", 1).encode("cp1252")
    assert by_name(read("903.xml", xml, encoding="cp1252"))["Header"][0]["UPN"] == "A12345678901É"
    message = problem_of("903.xml", xml).problem.message
    assert message == (
        "903.xml cannot be read as UTF-8: line 2 has a character that is not UTF-8. Choose the "
        "encoding its first line names and upload it again"
    )


def test_a_byte_order_mark_says_utf_8_whatever_encoding_is_named() -> None:
    rows = [header_row("C1", UPN="A12345678901É")]
    [table] = read("header.csv", header_csv(rows, bom=True), encoding="cp1252")
    assert table.rows == rows


def test_a_utf_16_file_gives_a_message() -> None:
    data = header_csv([header_row()], encoding="utf-16")
    message = problem_of("header.csv", data).problem.message
    assert message == (
        "header.csv is saved as UTF-16 (Excel's 'Unicode Text'): save it as 'CSV UTF-8' and "
        "upload it again"
    )


def test_a_file_over_the_size_limit_gives_a_message_saying_the_limit() -> None:
    data = header_csv([header_row(f"C{n}") for n in range(40_000)])
    assert len(data) > 1 << 20
    problem = problem_of("header.csv", data, max_bytes=1 << 20).problem
    assert problem.message.startswith("header.csv is 1.")
    assert problem.message.endswith("MB: the largest file that can be imported is 1 MB")
    assert read("header.csv", data, max_bytes=len(data))[0].name == "Header"


@pytest.mark.parametrize("data", [b"", b" \r\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_gives_a_message(data: bytes) -> None:
    assert problem_of("header.csv", data).problem.message == "header.csv is empty"


def test_a_header_file_with_only_its_header_row_gives_a_message() -> None:
    problem = problem_of("header.csv", header_csv([])).problem
    assert problem.message == "header.csv is a Header file with no children in it"


def test_other_tables_may_have_only_their_header_row() -> None:
    assert read("reviews.csv", reviews_csv([]))[0].rows == []
    assert read("episodes.csv", episodes_csv([]))[0].rows == []


def test_a_file_of_a_903_table_that_is_not_imported_gives_a_message() -> None:
    data = csv_bytes("Header", [], columns=OTHER_COLUMNS["OC2"])
    with pytest.raises(OtherTable) as caught:
        read("oc2.csv", data)
    assert caught.value.table == "OC2"
    assert caught.value.problem.message == (
        "oc2.csv is an SSDA903 OC2 file: only Header, Episodes, Reviews or UASC files are imported"
    )


def test_wrong_columns_name_the_missing_and_the_unexpected() -> None:
    columns = [c for c in COLUMNS["Episodes"] if c not in ("REC", "URN")] + ["RECC"]
    problem = problem_of("episodes.csv", csv_bytes("Episodes", [], columns=columns)).problem
    assert problem.row == 1
    assert problem.message == (
        "The columns of episodes.csv are not those of an SSDA903 Episodes file: REC and URN "
        "are missing and RECC is not expected"
    )


def test_a_missing_column_alone_is_named() -> None:
    columns = [c for c in COLUMNS["Reviews"] if c != "REVIEW_CODE"]
    message = problem_of("r.csv", csv_bytes("Reviews", [], columns=columns)).problem.message
    assert message == (
        "The columns of r.csv are not those of an SSDA903 Reviews file: REVIEW_CODE is missing"
    )


def test_a_first_row_of_data_gives_a_message() -> None:
    data = b"C1,F,14/06/2015,WBRI,,,\r\n"
    assert problem_of("header.csv", data).problem.message == (
        "The first row of header.csv is not the column headers of an SSDA903 Header, "
        "Episodes, Reviews or UASC file"
    )


def test_lower_case_column_headers_give_a_message() -> None:
    data = b"child,dob,review,review_code\r\nC1,14/06/2015,29/05/2024,PN1\r\n"
    assert problem_of("reviews.csv", data).problem.message == (
        "The column headers of reviews.csv must be in capital letters"
    )


def test_a_column_given_twice_gives_a_message() -> None:
    data = b"CHILD,DOB,REVIEW,REVIEW_CODE,DOB\r\n"
    assert problem_of("reviews.csv", data).problem.message == (
        "reviews.csv has the column DOB more than once"
    )


def test_a_value_too_long_for_csv_gives_a_message() -> None:
    data = b"CHILD,DOB,REVIEW,REVIEW_CODE\r\nC1,14/06/2015,,\r\nC2," + b"9" * 200_000 + b",,\r\n"
    problem = problem_of("reviews.csv", data).problem
    assert problem.row == 3
    assert problem.message.startswith("Row 3 of reviews.csv cannot be read as CSV: field larger")


def test_trailing_commas_after_the_headers_are_ignored() -> None:
    data = b"CHILD,DOB,REVIEW,REVIEW_CODE,,\r\nC1,14/06/2015,29/05/2024,PN1,,\r\n"
    assert read("reviews.csv", data)[0].rows[0]["REVIEW_CODE"] == "PN1"


def test_a_column_with_no_name_is_not_expected() -> None:
    data = b"CHILD,,DOB,REVIEW,REVIEW_CODE\r\n"
    assert problem_of("reviews.csv", data).problem.message == (
        "The columns of reviews.csv are not those of an SSDA903 Reviews file: a column with "
        "no name is not expected"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/04/2020", date(2020, 4, 1)),
        ("1/4/2020", date(2020, 4, 1)),
        ("1/04/2020", date(2020, 4, 1)),
        ("01/4/2020", date(2020, 4, 1)),
        ("29/02/2020", date(2020, 2, 29)),
        ("31/12/1999", date(1999, 12, 31)),
        ("29/02/2021", None),
        ("31/02/2021", None),
        ("00/04/2020", None),
        ("01/13/2020", None),
        ("001/04/2020", None),
        ("01/04/20", None),
        ("01/04/02020", None),
        ("2020-04-01", None),
        ("01-04-2020", None),
        ("01/04/2020 00:00", None),
        ("1/ 4/2020", None),
        ("+1/04/2020", None),
        ("01/04/1000", None),  # before the validator's earliest date (pandas)
        ("\u0661/04/2020", None),  # an Arabic-Indic digit one
        ("", None),
    ],
)
def test_parse_date_reads_dates_as_the_dfe_validator_does(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected
