"""Each export format opened and read back: the report's text, its tables and its figures,
narrative text kept as text (never markup or a formula), and the PDF tagged for accessibility."""

import csv
import io
import zipfile

import docx
import openpyxl
import pypdf
import pytest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from reporting import charts
from reporting.document import SUPPRESSED, Document
from reporting.exports import csv_bundle, neutralise, pdf, xlsx
from reporting.exports import docx as word
from tests.reporting.sample import sample_document

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=SUM(A1)"
FOSTER = ["Foster placement", "303", "125", "2", "430", "433", "\u22123"]


def hostile_document() -> Document:
    """The sample report with markup, a formula and a control character in what people type."""
    doc = sample_document(
        introduction=f"Opening words.\n\n{SCRIPT}",
        achievements=f"{FORMULA} is not a formula here.\x0b Vertical tab gone.",
        priorities=[{"area": FORMULA, "measurement": SCRIPT, "impact": "x", "action": "y"}],
    )
    doc.colophon = f"{FORMULA} built by Mona Manager."
    table = next(t for t in doc.tables if t.key == "sex")
    table.rows[0][0] = FORMULA
    table.rows[1][1] = SUPPRESSED
    return doc


@pytest.fixture(scope="module")
def doc() -> Document:
    return hostile_document()


@pytest.fixture(scope="module")
def chart_svgs(doc: Document) -> dict[str, str]:
    return charts.svgs(doc)


@pytest.fixture(scope="module")
def pdf_reader(doc: Document, chart_svgs: dict[str, str]) -> pypdf.PdfReader:
    """One PDF for the module: WeasyPrint takes seconds."""
    return pypdf.PdfReader(io.BytesIO(pdf.render(doc, chart_svgs)))


@pytest.fixture(scope="module")
def pdf_text(pdf_reader: pypdf.PdfReader) -> str:
    # Words as read, whatever lines the layout broke them across.
    return " ".join(" ".join(page.extract_text() for page in pdf_reader.pages).split())


@pytest.fixture(scope="module")
def html(doc: Document, chart_svgs: dict[str, str]) -> str:
    safe = {key: mark_safe(svg) for key, svg in chart_svgs.items()}  # noqa: S308
    return render_to_string("reporting/includes/document.html", {"doc": doc, "chart_svgs": safe})


@pytest.fixture(scope="module")
def book(doc: Document) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(doc)))


@pytest.fixture(scope="module")
def bundle(doc: Document) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(csv_bundle.render(doc)))


@pytest.fixture(scope="module")
def word_doc(doc: Document) -> docx.document.Document:
    return docx.Document(io.BytesIO(word.render(doc)))


def csv_rows(bundle: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))))


# neutralise ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-1+2", "@cmd", "\tx"])
def test_text_a_spreadsheet_would_run_is_prefixed_with_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Foster placement", "c", 3, -3, 9.5, None, "\u22123"])
def test_other_values_are_left_alone(value: object) -> None:
    assert neutralise(value) == value


# The HTML partial ----------------------------------------------------------------------------


def test_narrative_markup_is_escaped_in_the_page(html: str) -> None:
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_page_has_no_inline_styles_or_scripts(html: str) -> None:
    assert "style=" not in html
    assert "<script" not in html


def test_tables_are_govuk_tables_with_headers_scoped(html: str) -> None:
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Placement type' in html
    assert '<th scope="col"' in html
    assert '<th scope="row" class="govuk-table__header">Foster placement</th>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">430</td>' in html
    assert "\u22123</td>" in html  # the change printed by cell_text


def test_sections_are_h2_and_later_appendix_sections_h3(html: str) -> None:
    assert '<h2 class="govuk-heading-l" id="report-introduction">Introduction</h2>' in html
    assert ">Appendix 1: children looked after</h2>" in html
    assert ">Placements and stability</h3>" in html
    assert "<h1" not in html


def test_each_chart_follows_its_table_in_a_captioned_figure(html: str) -> None:
    table = html.index(">Placement type (children looked after on 31 March) by provider<")
    figure = html.index('aria-labelledby="chart-placements-title"')
    assert table < figure
    assert html.count("<figure") == html.count("<figcaption") == 7
    assert "Children by placement type on 31 March. The table" in html


def test_priorities_follow_next_steps_and_the_colophon_ends_the_page(html: str) -> None:
    assert html.index(">Next steps<") < html.index("action plan</caption>")
    assert '<th scope="row" class="govuk-table__header">=SUM(A1)</th>' in html
    assert html.rindex("built by Mona Manager") > html.index("action plan</caption>")


# PDF -----------------------------------------------------------------------------------------


def test_pdf_holds_the_title_and_the_placements_table(pdf_text: str) -> None:
    assert "Independent Reviewing Officer service annual report" in pdf_text
    assert " ".join(FOSTER) in pdf_text
    assert "Total placements 342 211 73 626 595 +31" in pdf_text


def test_pdf_is_tagged_in_british_english(pdf_reader: pypdf.PdfReader) -> None:
    root = pdf_reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert (
        pdf_reader.metadata.title == "Independent Reviewing Officer service annual report 2020-21"
    )


def test_pdf_prints_narrative_markup_as_text(pdf_text: str) -> None:
    assert SCRIPT in pdf_text
    assert "Vertical tab gone." in pdf_text


def test_pdf_pages_are_a4_and_numbered(pdf_reader: pypdf.PdfReader, pdf_text: str) -> None:
    box = pdf_reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pages = len(pdf_reader.pages)
    assert f"Page 2 of {pages}" in pdf_text
    assert "IRO annual report 2020-21" in pdf_reader.pages[1].extract_text()


def test_pdf_draws_the_charts_as_graphics_with_their_text(pdf_text: str) -> None:
    # Chart text is drawn as text: the legend's series names appear beside the bars.
    assert "Own LA" in pdf_text
    assert "Private" in pdf_text


# Word ----------------------------------------------------------------------------------------


def test_word_has_real_headings(word_doc: docx.document.Document) -> None:
    headings = {(p.style.name, p.text) for p in word_doc.paragraphs}
    assert ("Heading 1", "Reviews and their timeliness") in headings
    assert ("Heading 1", "Appendix 1: children looked after") in headings
    assert ("Heading 2", "Placements and stability") in headings


def test_word_placements_table_has_a_repeating_header_and_the_figures(
    word_doc: docx.document.Document,
) -> None:
    table = next(t for t in word_doc.tables if t.rows[0].cells[0].text == "Placement type")
    assert [c.text for c in table.rows[1].cells] == FOSTER
    header = table.rows[0]._tr
    assert header.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None


def test_word_keeps_narrative_as_text_without_control_characters(
    word_doc: docx.document.Document,
) -> None:
    texts = [p.text for p in word_doc.paragraphs]
    assert SCRIPT in texts
    assert f"{FORMULA} is not a formula here. Vertical tab gone." in texts
    assert texts[texts.index("Introduction") + 1 :][:2] == ["Opening words.", SCRIPT]


def test_word_has_the_priorities_and_the_colophon(word_doc: docx.document.Document) -> None:
    priorities = next(t for t in word_doc.tables if t.rows[0].cells[0].text == "Area")
    assert [c.text for c in priorities.rows[1].cells] == [FORMULA, SCRIPT, "x", "y"]
    assert word_doc.paragraphs[-1].text == f"{FORMULA} built by Mona Manager."


# Excel ---------------------------------------------------------------------------------------


def test_excel_has_an_about_sheet_then_one_sheet_per_table(
    book: openpyxl.Workbook, doc: Document
) -> None:
    assert book.sheetnames == ["About", *[t.key[:31] for t in doc.tables]]
    assert book["About"]["A1"].value == doc.title


def test_excel_placements_are_numbers_under_a_frozen_bold_header(book: openpyxl.Workbook) -> None:
    sheet = book["placements"]
    assert sheet["A1"].value.startswith("Placement type")
    assert [c.value for c in sheet[2]][:2] == ["Placement type", "Own LA"]
    assert sheet["A2"].font.bold
    assert sheet.freeze_panes == "B3"
    assert [c.value for c in sheet[3]] == ["Foster placement", 303, 125, 2, 430, 433, -3]


def test_excel_percentages_are_numbers_with_a_percentage_format(book: openpyxl.Workbook) -> None:
    sheet = book["reviews"]
    row = next(
        r for r in sheet.iter_rows(min_row=3) if r[0].value == "Percentage held in timescale"
    )
    assert row[1].value == pytest.approx(0.99)
    assert row[1].number_format == "0.0%"
    assert row[3].value == pytest.approx(-0.2)  # the change, in points
    assert "points" in row[3].number_format


def test_excel_suppressed_is_c_and_formulas_are_text(book: openpyxl.Workbook) -> None:
    sheet = book["sex"]
    assert sheet["A3"].value == "'" + FORMULA
    assert sheet["A3"].data_type == "s"
    assert sheet["B4"].value == "c"
    about = [c.value for row in book["About"].iter_rows() for c in row]
    assert "'" + FORMULA + " built by Mona Manager." in about


def test_excel_leaves_figures_not_known_empty(book: openpyxl.Workbook) -> None:
    sheet = book["monitoring"]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "Post-16 PEP completed")
    assert [c.value for c in row[1:]] == [None, None, None]


# CSV -----------------------------------------------------------------------------------------


def test_csv_bundle_has_a_file_per_table_and_a_readme(
    bundle: zipfile.ZipFile, doc: Document
) -> None:
    assert bundle.namelist() == [f"{t.key}.csv" for t in doc.tables] + ["README.txt"]
    readme = bundle.read("README.txt").decode()
    assert (
        "placements.csv: Placement type (children looked after on 31 March) by provider" in readme
    )


def test_csv_placements_has_a_header_row_and_plain_numbers(bundle: zipfile.ZipFile) -> None:
    raw = bundle.read("placements.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    rows = csv_rows(bundle, "placements.csv")
    assert rows[0] == [
        "Placement type",
        "Own LA",
        "Private",
        "Other",
        "Total",
        "Total 2019-20",
        "Change",
    ]
    assert rows[1] == ["Foster placement", "303", "125", "2", "430", "433", "-3"]
    assert rows[-1] == ["Total placements", "342", "211", "73", "626", "595", "31"]


def test_csv_neutralises_formulas_and_keeps_suppression(bundle: zipfile.ZipFile) -> None:
    rows = csv_rows(bundle, "sex.csv")
    assert rows[1][0] == "'" + FORMULA
    assert rows[2][1] == "c"
    assert rows[0][-1] == "Unit"
    assert rows[1][-1] == "count"


def test_csv_bundle_is_the_same_bytes_twice(doc: Document) -> None:
    assert csv_bundle.render(doc) == csv_bundle.render(doc)
