"""The report's tables as an Excel workbook: one sheet per table, figures as numbers."""

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from reporting.document import PCT, RATIO, SUPPRESSED, Document, Table, plain
from reporting.exports import is_change, neutralise, unit_of

# Percentages are stored as Excel percentages (0.992 shown as 99.2%); a change in one is in
# percentage points, as every other format prints it.
FORMATS = {
    (PCT, False): "0.0%",
    (PCT, True): '+0.0" points";-0.0" points";0.0" points"',
    (RATIO, False): "0.0",
    (RATIO, True): "+0.0;-0.0;0.0",
}
COUNT_FORMATS = {False: "#,##0", True: "+#,##0;-#,##0;0"}
# Characters Excel forbids in a sheet name.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)


def render(doc: Document) -> bytes:
    """The document's tables as .xlsx bytes, an About sheet first."""
    book = Workbook()
    _about(book.active, doc)
    used = {"about"}
    for table in doc.tables:
        sheet = book.create_sheet(_sheet_title(table.key, used))
        _table(sheet, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _about(sheet: Worksheet, doc: Document) -> None:
    sheet.title = "About"
    rows = [
        (doc.title,),
        ("Reporting year", doc.year),
        ("Previous year", doc.previous_year),
        ("Built", plain(doc.colophon)),
        ("Suppressed", 'A count shown as "c" is too small to publish without identifying a child.'),
        (),
        ("Sheet", "Table"),
        *[(_sheet_key(table.key), table.title) for table in doc.tables],
    ]
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.cell(row=7, column=1).font = BOLD
    sheet.cell(row=7, column=2).font = BOLD
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90


def _sheet_key(key: str) -> str:
    return SHEET_FORBIDDEN.sub("_", key)[:31]


def _sheet_title(key: str, used: set[str]) -> str:
    """The table key as a sheet name: at most 31 characters, unique in the workbook."""
    title, n = _sheet_key(key), 1
    while title.lower() in used:
        n += 1
        title = f"{_sheet_key(key)[: 31 - len(str(n)) - 1]}_{n}"
    used.add(title.lower())
    return title


def _table(sheet: Worksheet, table: Table) -> None:
    """The title row, the header row (frozen), then each row with its figures as numbers."""
    sheet.append([neutralise(plain(table.title))])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([neutralise(column) for column in table.columns])
    for cell in sheet[2]:
        cell.font = BOLD
    sheet.freeze_panes = "B3"
    for r, row in enumerate(table.rows):
        sheet.append([neutralise(plain(str(row[0])))])
        for c, value in enumerate(row[1:], start=2):
            _figure(
                sheet.cell(row=r + 3, column=c), value, unit_of(table, r), is_change(table, c - 1)
            )
        if table.total_row and r == len(table.rows) - 1:
            for cell in sheet[r + 3]:
                cell.font = BOLD
    if table.note:
        sheet.append([])
        sheet.append([neutralise(plain(table.note))])
    sheet.column_dimensions["A"].width = (
        min(80, max(len(str(row[0])) for row in table.rows) + 2) if table.rows else 30
    )
    for c in range(2, len(table.columns) + 1):
        sheet.column_dimensions[sheet.cell(row=2, column=c).column_letter].width = 14


def _figure(cell: Cell, value: Any, unit: str, change: bool) -> None:
    """A figure as a number with its format; "c" (suppressed) as text; not known left empty."""
    if value is None:
        return
    if value == SUPPRESSED or isinstance(value, str):
        cell.value = neutralise(str(value))
        cell.alignment = Alignment(horizontal="right")
        return
    if unit == PCT and not change:
        cell.value = value / 100
    else:
        cell.value = value
    cell.number_format = FORMATS.get((unit, change), COUNT_FORMATS[change])
