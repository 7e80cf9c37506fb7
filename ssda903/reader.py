"""Reading SSDA903 files, CSV or XML, into tables of rows; nothing is stored.

`read()` returns the tables of one file or raises `FileProblem` for a file that cannot be
read as a whole (too large, not decodable, empty, not a 903 table, columns wrong); row-level
problems are the business of `ssda903.checks`. Values are stripped and upper-cased and a
blank value is "", as the DfE validator reads them (`lac_validator.ingress`).
"""

import codecs
import csv
import io
import xml.etree.ElementTree as ET
from datetime import date
from functools import lru_cache
from typing import NoReturn

from ssda903.tables import COLUMNS, OTHER_COLUMNS, Problem, Row, Table, no_cycle_collection

# The validator's pandas dates hold no day outside these (pd.Timestamp.min and .max).
_EARLIEST = date(1677, 9, 22)
_LATEST = date(2262, 4, 11)

_TABLE_LIST = "Header, Episodes, Reviews or UASC"
_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "iso8859-1": "ISO-8859-1"}


class FileProblem(Exception):  # noqa: N818  (the name the importer's issue gives it)
    """A file that cannot be imported at all; `problem` says why, naming the file."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class OtherTable(FileProblem):
    """A file of one of the 903 tables this service does not import (OC2, OC3, AD1, ...)."""

    def __init__(self, problem: Problem, table: str) -> None:
        super().__init__(problem)
        self.table = table


@lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> date | None:
    """A DD/MM/YYYY date as the DfE validator reads it (pandas, format "%d/%m/%Y"), else None.

    A one-digit day or month is accepted ("1/4/2020"); the year has four digits; anything
    else (time, ISO form, 31/02/2021, blank) is None.
    """
    parts = text.split("/")
    if len(parts) != 3:
        return None
    day, month, year = parts
    digits = day + month + year
    if not (
        0 < len(day) < 3
        and 0 < len(month) < 3
        and len(year) == 4
        and digits.isascii()
        and digits.isdigit()
    ):
        return None
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return parsed if _EARLIEST <= parsed <= _LATEST else None


def read(
    file_name: str, data: bytes, *, encoding: str = "utf-8", max_bytes: int | None = None
) -> list[Table]:
    """The 903 tables in one uploaded file: one for a CSV file, four for an XML file.

    `encoding` is the one the user chose: UTF-8 (with or without a byte-order mark) unless
    they name another, such as "cp1252" for Excel's Windows-1252. Raises `FileProblem`
    (`OtherTable` for a 903 table that is not imported) for a file that cannot be read.
    """
    if max_bytes is not None and len(data) > max_bytes:
        _fail(
            file_name,
            f"{file_name} is {_size(len(data))}: the largest file that can be imported is "
            f"{_size(max_bytes)}",
        )
    text = _decode(file_name, data, encoding)
    if not text.strip():
        _fail(file_name, f"{file_name} is empty")
    with no_cycle_collection():
        if text.lstrip().startswith("<"):
            return _read_xml(file_name, text)
        return [_read_csv(file_name, text)]


def _fail(file_name: str, message: str, row: int | None = None) -> NoReturn:
    raise FileProblem(Problem(file_name, row, "", "", "", "", message))


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f}".removesuffix(".0") + " MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def _decode(file_name: str, data: bytes, encoding: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        _fail(
            file_name,
            f"{file_name} is saved as UTF-16 (Excel's 'Unicode Text'): save it as "
            "'CSV UTF-8' and upload it again",
        )
    codec = codecs.lookup(encoding)
    # A UTF-8 byte-order mark settles the question whatever encoding was chosen.
    if codec.name == "utf-8" or data.startswith(codecs.BOM_UTF8):
        codec = codecs.lookup("utf-8-sig")
    try:
        return data.decode(codec.name)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        name = _ENCODING_NAMES.get(codec.name, codec.name)
        if data.lstrip().startswith(b"<"):
            advice = "Choose the encoding its first line names and upload it again"
        elif codec.name == "utf-8-sig":
            advice = (
                "If it was saved from Excel as plain 'CSV', choose Windows-1252 as its "
                "encoding and upload it again, or save it as 'CSV UTF-8'"
            )
        else:
            advice = "Check the encoding chosen for it, or save it as 'CSV UTF-8'"
        _fail(
            file_name,
            f"{file_name} cannot be read as {name}: line {line} has a character that is not "
            f"{name}. {advice}",
            line,
        )


def _read_csv(file_name: str, text: str) -> Table:
    buffer = io.StringIO(text, newline="")
    line = 1  # the last row read, for a row that cannot be
    try:
        header = [name.strip() for name in next(csv.reader(buffer))]
        while header and not header[-1]:
            header.pop()  # trailing commas, as a spreadsheet may write after the last column
        name = _table_name(file_name, header)
        width = len(header)
        rows: list[Row] = []
        append = rows.append
        # The reader took the header's line alone: the rest is upper-cased in one go.
        records = csv.reader(io.StringIO(buffer.read().upper(), newline=""))
        for line, values in enumerate(records, start=2):
            if len(values) != width:
                values = _fit(file_name, line, values, width)
            row = Row(line, zip(header, map(str.strip, values), strict=True))
            if any(row.values()):  # else a blank line, or one of commas only
                append(row)
    except csv.Error as error:
        _fail(
            file_name,
            f"Row {line + 1} of {file_name} cannot be read as CSV: {error}",
            line + 1,
        )
    if name == "Header" and not rows:
        _fail(file_name, f"{file_name} is a Header file with no children in it")
    return Table(file_name, name, rows)


def _fit(file_name: str, line: int, values: list[str], width: int) -> list[str]:
    """A row's values, as many as there are columns: blanks added, or blanks beyond removed."""
    if len(values) < width:
        return values + [""] * (width - len(values))
    if any(value.strip() for value in values[width:]):
        _fail(
            file_name,
            f"Row {line} of {file_name} has {len(values)} values but the file has {width} columns",
            line,
        )
    return values[:width]


def _table_name(file_name: str, header: list[str]) -> str:
    """The 903 table whose columns the header has (in any order), or a FileProblem."""
    found = set(header)
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        _fail(file_name, f"{file_name} has the column {_and(repeated)} more than once", 1)
    for name, columns in COLUMNS.items():
        if found == set(columns):
            return name
    for name, columns in OTHER_COLUMNS.items():
        if found == set(columns):
            raise OtherTable(
                Problem(
                    file_name,
                    1,
                    "",
                    "",
                    "",
                    "",
                    f"{file_name} is an SSDA903 {name} file: only {_TABLE_LIST} files are imported",
                ),
                name,
            )
    upper = {column.upper() for column in found}
    if any(upper == set(columns) for columns in COLUMNS.values()):
        _fail(file_name, f"The column headers of {file_name} must be in capital letters", 1)
    # The nearest table: the most of its columns present, the fewest missing.
    name, columns = max(
        COLUMNS.items(), key=lambda item: 2 * len(found & set(item[1])) - len(item[1])
    )
    if not found & (set(columns) - {"CHILD"}):
        _fail(
            file_name,
            f"The first row of {file_name} is not the column headers of an SSDA903 "
            f"{_TABLE_LIST} file",
            1,
        )
    missing = [column for column in columns if column not in found]
    unexpected = [column or "a column with no name" for column in header if column not in columns]
    parts = []
    if missing:
        parts.append(f"{_and(missing)} {'is' if len(missing) == 1 else 'are'} missing")
    if unexpected:
        parts.append(f"{_and(unexpected)} {'is' if len(unexpected) == 1 else 'are'} not expected")
    _fail(
        file_name,
        f"The columns of {file_name} are not those of an SSDA903 {name} file: "
        + " and ".join(parts),
        1,
    )


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# The XML form's tags for the CSV columns (lac_validator.ingress.read_xml_from_text).
_XML_TAGS = {"CHILDID": "CHILD", "PL": "PLACE"}


def _tag(element: ET.Element) -> str:
    """The element's tag without its namespace."""
    return element.tag.rpartition("}")[2]


def _leaves(element: ET.Element) -> dict[str, str]:
    """Every leaf under `element` (itself, if it is one) by its CSV column name, stripped and
    upper-cased."""
    return {
        _XML_TAGS.get(tag, tag): (node.text or "").strip().upper()
        for node in element.iter()
        if len(node) == 0 and (tag := _tag(node))
    }


def _read_xml(file_name: str, text: str) -> list[Table]:
    """The Header, Episodes, Reviews and UASC tables of a 903 XML file.

    As the validator reads it: each CHILD element holds the child's fields (CHILDID for
    CHILD), EPISODE elements (PL for PLACE) and, within HEADER, AREVIEW elements. Unlike the
    validator, an episode's or a review's fields come from its own element alone (the
    validator lets one missing there take another's value), elements other than CHILD under
    the root are ignored, and a child is in the UASC table only when UASC is neither blank
    nor 0. A row's line is the child's position in the file.
    """
    # Without a DTD there are no entities to expand (billion laughs, external entities).
    if "<!DOCTYPE" in text:
        _fail(file_name, f"{file_name} has a DOCTYPE declaration, which a 903 XML file must not")
    tables = {name: Table(file_name, name, []) for name in COLUMNS}
    header, episodes, reviews, uasc = (tables[name].rows for name in COLUMNS)
    position = 0
    try:
        for _, element in ET.iterparse(io.StringIO(text)):  # noqa: S314  (no DTD: see above)
            if _tag(element) != "CHILD":
                continue
            position += 1
            data, parts = _child(element)
            header.append(_xml_row(position, "Header", data))
            if data.get("UASC", "") not in ("", "0"):
                uasc.append(_xml_row(position, "UASC", data))
            child = {"CHILD": data.get("CHILD", "")}
            for tag, values in parts:
                if tag == "EPISODE":
                    episodes.append(_xml_row(position, "Episodes", values | child))
                else:
                    values |= {"DOB": data.get("DOB", ""), **child}
                    reviews.append(_xml_row(position, "Reviews", values))
            element.clear()  # a child read is let go: a file of many holds one at a time
    except ET.ParseError as error:
        line = error.position[0]
        _fail(file_name, f"{file_name} is not well-formed XML: line {line}: {error.msg}", line)
    if not header:
        _fail(file_name, f"{file_name} has no CHILD elements: there are no children in it")
    return list(tables.values())


def _child(element: ET.Element) -> tuple[dict[str, str], list[tuple[str, dict[str, str]]]]:
    """A CHILD element's own fields, and its EPISODE and AREVIEW elements' fields in order."""
    data: dict[str, str] = {}
    parts: list[tuple[str, dict[str, str]]] = []
    for part in element:
        tag = _tag(part)
        if tag == "EPISODE":
            parts.append((tag, _leaves(part)))
        elif tag == "HEADER":
            for node in part:
                if _tag(node) == "AREVIEW":
                    parts.append(("AREVIEW", _leaves(node)))
                else:
                    data.update(_leaves(node))
        else:
            data.update(_leaves(part))
    return data, parts


def _xml_row(position: int, table: str, data: dict[str, str]) -> Row:
    return Row(position, {column: data.get(column, "") for column in COLUMNS[table]})
