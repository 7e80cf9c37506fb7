"""The report's tables as CSV files in a zip, one per table, for data teams."""

import csv
import io
import zipfile

from reporting.document import COUNT, PCT, RATIO, Document, Table, plain
from reporting.exports import neutralise, unit_of

# The zip's entries carry this timestamp so that an edition's bundle is the same bytes twice.
ENTRY_TIME = (2000, 1, 1, 0, 0, 0)
UNIT_WORDS = {COUNT: "count", PCT: "percentage", RATIO: "ratio"}


def render(doc: Document) -> bytes:
    """A zip of `<key>.csv` per table (UTF-8 with a BOM so Excel reads it) and README.txt."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for table in doc.tables:
            _write(bundle, f"{table.key}.csv", _csv(table).encode("utf-8-sig"))
        _write(bundle, "README.txt", _readme(doc).encode("utf-8"))
    return out.getvalue()


def _write(bundle: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, content)


def _csv(table: Table) -> str:
    """The header row, then each row: numbers unformatted, "c" where suppressed, empty where
    not known; a comparison table says each row's unit (a change in a percentage is in points)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    with_units = bool(table.units)
    writer.writerow([neutralise(c) for c in table.columns] + (["Unit"] if with_units else []))
    for r, row in enumerate(table.rows):
        cells = [neutralise(plain(str(row[0])))]
        cells += ["" if value is None else neutralise(value) for value in row[1:]]
        if with_units:
            cells.append(UNIT_WORDS.get(unit_of(table, r), ""))
        writer.writerow(cells)
    return text.getvalue()


def _readme(doc: Document) -> str:
    lines = [
        plain(doc.title),
        "",
        f"Reporting year {doc.year}, beside {doc.previous_year}.",
        plain(doc.colophon),
        "",
        'Figures are unformatted numbers. "c" marks a count suppressed because it is small '
        "enough to identify a child; an empty cell is a figure that is not known. Percentages "
        "are out of 100; a change in a percentage is in percentage points.",
        "",
        "Files:",
        *[f"{table.key}.csv: {plain(table.title)}" for table in doc.tables],
    ]
    return "\r\n".join(lines) + "\r\n"
