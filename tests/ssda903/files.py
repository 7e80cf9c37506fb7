"""Builders of valid SSDA903 files for tests, with keyword overrides to make each error.

A child's rows are plain dicts keyed by the 903 column names; `child_rows()` gives one
child's valid rows for every table, `children()` several children's, and the writers turn
them into the bytes of CSV files or of one XML file:

    data = children("C1", "C2")
    data["Episodes"][0]["PLACE"] = "Q1"              # or: episode_row("C1", PLACE="Q1")
    tables = read_all(csv_files(data))               # or: read("903.xml", xml_bytes(data))
    problems = check(tables, year=YEAR)

Every default is valid in the collection year `YEAR`.
"""

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from ssda903.checks import add_years
from ssda903.reader import parse_date, read
from ssda903.tables import COLUMNS, Table

YEAR = 2024  # 2024-25: SEX is M, F or U
Rows = dict[str, list[dict[str, str]]]

FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
}


def _row(table: str, defaults: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    unknown = set(values) - set(COLUMNS[table])
    if unknown:
        raise TypeError(f"{table} has no column {', '.join(sorted(unknown))}")
    return {column: {**defaults, **values}.get(column, "") for column in COLUMNS[table]}


def header_row(child: str = "C1", **values: str) -> dict[str, str]:
    """A Header row: a girl born on 14/06/2015, White British."""
    defaults = {"CHILD": child, "SEX": "F", "DOB": "14/06/2015", "ETHNIC": "WBRI", "MOTHER": "0"}
    return _row("Header", defaults, values)


def episode_row(child: str = "C1", **values: str) -> dict[str, str]:
    """An Episodes row: started care on 01/05/2024 under a care order in own-LA foster care."""
    defaults = {
        "CHILD": child,
        "DECOM": "01/05/2024",
        "RNE": "S",
        "LS": "C2",
        "CIN": "N1",
        "PLACE": "U4",
        "PLACE_PROVIDER": "PR1",
        "HOME_POST": "AB1 2CD",
        "PL_POST": "AB3 4EF",
        "URN": "SC123456",
    }
    return _row("Episodes", defaults, values)


def review_row(child: str = "C1", **values: str) -> dict[str, str]:
    """A Reviews row: a review on 29/05/2024 the child (born 14/06/2015) spoke at."""
    defaults = {"CHILD": child, "DOB": "14/06/2015", "REVIEW": "29/05/2024", "REVIEW_CODE": "PN1"}
    return _row("Reviews", defaults, values)


def uasc_row(child: str = "C1", **values: str) -> dict[str, str]:
    """A UASC row: UASC status ends on the 18th birthday of a child born on 14/06/2015."""
    defaults = {"CHILD": child, "SEX": "F", "DOB": "14/06/2015", "DUC": "14/06/2033"}
    return _row("UASC", defaults, values)


def _pn(dob: str, review: str) -> str:
    """A participation code that fits the child's age at the review (rules 440 and 441)."""
    born, held = parse_date(dob), parse_date(review)
    assert born is not None
    assert held is not None
    return "PN0" if held < add_years(born, 4) else "PN1"


def child_rows(
    child: str = "C1",
    *,
    dob: str = "14/06/2015",
    sex: str = "F",
    episodes: list[dict[str, str]] | None = None,
    reviews: list[dict[str, str]] | None = None,
    uasc: bool = False,
    **header: str,
) -> Rows:
    """One child's valid rows in every table, with `header` overriding Header values.

    By default two episodes in the year (a placement move on 02/09/2024: X1, then P) and two
    reviews, with a participation code fitting the child's age; `uasc` adds a UASC row.
    """
    if episodes is None:
        episodes = [
            episode_row(child, DEC="02/09/2024", REC="X1", REASON_PLACE_CHANGE="CARPL"),
            episode_row(child, DECOM="02/09/2024", RNE="P", PLACE="U6", PLACE_PROVIDER="PR4"),
        ]
    if reviews is None:
        reviews = [
            review_row(child, DOB=dob, REVIEW=day, REVIEW_CODE=_pn(dob, day))
            for day in ("29/05/2024", "25/11/2024")
        ]
    return {
        "Header": [header_row(child, DOB=dob, SEX=sex, **header)],
        "Episodes": episodes,
        "Reviews": reviews,
        "UASC": [uasc_row(child, DOB=dob, SEX=sex)] if uasc else [],
    }


def merge(*parts: Rows) -> Rows:
    """The rows of several children (or other parts) together, table by table."""
    return {table: [row for part in parts for row in part.get(table, [])] for table in COLUMNS}


def children(*names: str) -> Rows:
    """Valid rows for each named child, the first also UASC, born a year apart from 2015."""
    return merge(
        *(
            child_rows(name, dob=f"14/06/{2015 - n}", uasc=n == 0)
            for n, name in enumerate(names or ("C1", "C2", "C3"))
        )
    )


def csv_text(
    table: str, rows: Iterable[Mapping[str, str]], *, columns: Iterable[str] | None = None
) -> str:
    """A CSV file of `rows` with the table's columns (or `columns`), as Excel writes it."""
    names = list(columns if columns is not None else COLUMNS[table])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([row.get(name, "") for name in names] for row in rows)
    return out.getvalue()


def csv_bytes(
    table: str,
    rows: Iterable[Mapping[str, str]],
    *,
    columns: Iterable[str] | None = None,
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    """`csv_text()` encoded, with a UTF-8 byte-order mark if `bom` (Excel's "CSV UTF-8")."""
    data = csv_text(table, rows, columns=columns).encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def header_csv(rows: Iterable[Mapping[str, str]], **options: Any) -> bytes:
    """A Header CSV file; `options` as for `csv_bytes()` (columns, encoding, bom)."""
    return csv_bytes("Header", rows, **options)


def episodes_csv(rows: Iterable[Mapping[str, str]], **options: Any) -> bytes:
    """An Episodes CSV file; `options` as for `csv_bytes()`."""
    return csv_bytes("Episodes", rows, **options)


def reviews_csv(rows: Iterable[Mapping[str, str]], **options: Any) -> bytes:
    """A Reviews CSV file; `options` as for `csv_bytes()`."""
    return csv_bytes("Reviews", rows, **options)


def uasc_csv(rows: Iterable[Mapping[str, str]], **options: Any) -> bytes:
    """A UASC CSV file; `options` as for `csv_bytes()`."""
    return csv_bytes("UASC", rows, **options)


def csv_files(data: Rows) -> dict[str, bytes]:
    """A CSV file per table in `data`, by file name (header.csv, episodes.csv, ...)."""
    return {FILE_NAMES[table]: csv_bytes(table, rows) for table, rows in data.items()}


def read_all(files: Mapping[str, bytes], **options: Any) -> list[Table]:
    """Every table in the files, as `ssda903.reader.read(name, data, **options)` gives them."""
    return [table for name, data in files.items() for table in read(name, data, **options)]


def _leaf(parent: ET.Element, tag: str, text: str) -> None:
    if text:
        ET.SubElement(parent, tag).text = text


def xml_bytes(data: Rows, *, namespace: str = "") -> bytes:
    """One 903 XML file of the same data: a CHILD element per Header row, holding HEADER
    (CHILDID, the child's fields, UASC and DUC, an AREVIEW per review) and an EPISODE (PL for
    PLACE) per episode, in the order the rows are given. Blank values are left out."""
    ns = f"{{{namespace}}}" if namespace else ""
    by_child: dict[str, dict[str, list[dict[str, str]]]] = {}
    for table in ("Episodes", "Reviews", "UASC"):
        for row in data.get(table, []):
            by_child.setdefault(row["CHILD"], {}).setdefault(table, []).append(row)
    root = ET.Element(f"{ns}EXPSSDA903")
    for header in data["Header"]:
        child = header["CHILD"]
        rows = by_child.get(child, {})
        element = ET.SubElement(root, f"{ns}CHILD")
        head = ET.SubElement(element, f"{ns}HEADER")
        _leaf(head, f"{ns}CHILDID", child)
        for column in COLUMNS["Header"][1:]:
            _leaf(head, f"{ns}{column}", header[column])
        if rows.get("UASC"):
            _leaf(head, f"{ns}UASC", "1")
            _leaf(head, f"{ns}DUC", rows["UASC"][0]["DUC"])
        for review in rows.get("Reviews", []):
            area = ET.SubElement(head, f"{ns}AREVIEW")
            _leaf(area, f"{ns}REVIEW", review["REVIEW"])
            _leaf(area, f"{ns}REVIEW_CODE", review["REVIEW_CODE"])
        for episode in rows.get("Episodes", []):
            part = ET.SubElement(element, f"{ns}EPISODE")
            for column in COLUMNS["Episodes"][1:]:
                _leaf(part, f"{ns}{'PL' if column == 'PLACE' else column}", episode[column])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
