"""The report as a Word document: real headings, paragraphs and tables, for editing."""

import io
import re

import docx.api
from docx.document import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as WordTable
from docx.table import _Cell

from reporting.document import Document, Section, Table, plain
from reporting.exports import printed_rows

PRIORITY_COLUMNS = [
    ("area", "Area"),
    ("measurement", "How it is measured"),
    ("impact", "Impact"),
    ("action", "Action"),
]


def render(doc: Document) -> bytes:
    """The document as .docx bytes."""
    word = docx.api.Document()
    _styles(word)
    word.core_properties.title = doc.title
    word.core_properties.language = "en-GB"
    word.add_heading(doc.title, level=0)
    word.add_paragraph(f"Reporting year {doc.year}, with {doc.previous_year} beside it.")
    in_appendix = False
    for section in doc.sections:
        # The first appendix section heads the appendix; those after it sit beneath it.
        level = 2 if section.appendix and in_appendix else 1
        in_appendix = in_appendix or section.appendix
        _section(word, section, level)
        if section.key == "next_steps" and doc.priorities:
            _priorities(word, doc.priorities)
    if doc.colophon:
        word.add_paragraph(plain(doc.colophon), style="Caption")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _styles(word: WordDocument) -> None:
    """Arial throughout, as the PDF and the council's documents are."""
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    # The language screen readers speak the text in.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-GB")
    normal.element.get_or_add_rPr().append(language)


def _section(word: WordDocument, section: Section, level: int) -> None:
    word.add_heading(section.title, level=level)
    for text in section.paragraphs:
        word.add_paragraph(plain(text))
    for lines in _paragraphs(section.narrative):
        paragraph = word.add_paragraph()
        for n, line in enumerate(lines):
            run = paragraph.add_run(line)
            if n < len(lines) - 1:
                run.add_break()  # a single line break, as the page's linebreaks filter keeps it
    for table in section.tables:
        _table(word, table)


def _paragraphs(text: str) -> list[list[str]]:
    """Narrative paragraphs (blocks separated by blank lines), each as its lines."""
    blocks = re.split(r"\n\s*\n", plain(text).replace("\r\n", "\n").replace("\r", "\n"))
    return [block.strip().split("\n") for block in blocks if block.strip()]


def _table(word: WordDocument, table: Table) -> None:
    word.add_paragraph(table.title, style="Caption")
    rows = printed_rows(table)
    grid = _grid(word, table.columns, len(rows))
    # Row by row: python-docx's Table.cell() rebuilds the whole grid on every call.
    for r, (word_row, row) in enumerate(zip(grid.rows[1:], rows, strict=True), start=1):
        for c, (cell, text) in enumerate(zip(word_row.cells, row, strict=True)):
            _write(cell, text, numeric=c > 0, bold=table.total_row and r == len(rows))
    if table.note:
        word.add_paragraph(plain(table.note), style="Caption")


def _priorities(word: WordDocument, priorities: list[dict[str, str]]) -> None:
    word.add_paragraph("Priorities for the coming year: action plan", style="Caption")
    grid = _grid(word, [label for _, label in PRIORITY_COLUMNS], len(priorities), numeric=False)
    for word_row, priority in zip(grid.rows[1:], priorities, strict=True):
        for cell, (key, _) in zip(word_row.cells, PRIORITY_COLUMNS, strict=True):
            _write(cell, str(priority.get(key) or ""))


def _grid(
    word: WordDocument, columns: list[str], body_rows: int, *, numeric: bool = True
) -> WordTable:
    """A bordered table whose first row is a header, repeated at the top of every page."""
    grid = word.add_table(rows=body_rows + 1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = grid.rows[0]
    properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for c, column in enumerate(columns):
        _write(header.cells[c], column, bold=True, numeric=numeric and c > 0)
    return grid


def _write(cell: _Cell, text: str, *, numeric: bool = False, bold: bool = False) -> None:
    """One cell's text; figures right-aligned so their digits line up."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(plain(text))
    run.bold = bold
    if numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
