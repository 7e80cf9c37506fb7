"""Small-number suppression for publishable editions (ADR 0014): small counts shown as "c", and
secondary suppression tested by subtraction, so that no "c" can be worked out again."""

import itertools

import pytest

from reporting import suppression
from reporting.document import COUNT, PCT, SUPPRESSED, Document, Section, Table, build
from reporting.suppression import suppress

C = SUPPRESSED

# The seed report's placements on 31 March (shared/annual-report.md): own LA, private, other.
SEED_PLACEMENTS = {
    "Foster placement": (303, 125, 2),
    "Placed for adoption": (14, 0, 18),
    "Placed with parents": (0, 0, 46),
    "Independent living": (1, 21, 0),
    "Residential employment": (0, 0, 0),
    "Residential accommodation": (0, 6, 3),
    "Secure children's homes": (0, 1, 0),
    "Children's homes": (24, 47, 0),
    "Residential care home": (0, 2, 0),
    "NHS/Health Trust": (0, 0, 3),
    "Family centre": (0, 4, 0),
    "Young offender institution": (0, 0, 1),
    "Residential school": (0, 4, 0),
    "Other placements": (0, 1, 0),
    "Temporary placement": (0, 0, 0),
}


def grid(rows: dict[str, tuple[int, ...]], key: str = "placements") -> Table:
    """A grid table like the placements one: parts, a row total, and a total row."""
    width = len(next(iter(rows.values())))
    table = Table(
        key,
        "Placements",
        ["Type", *[f"Part {i}" for i in range(1, width + 1)], "Total"],
        [[label, *parts, sum(parts)] for label, parts in rows.items()],
        total_row=True,
        count_columns=list(range(1, width + 2)),
    )
    table.rows.append(["Total", *[sum(row[c] for row in table.rows) for c in range(1, width + 2)]])
    return table


def comparison(key: str, rows: list[tuple[str, object, object, str]]) -> Table:
    """A comparison table: figure, this year, last year, change."""
    table = Table(key, key, ["Figure", "2023-24", "2022-23", "Change"], [])
    for label, now, before, unit in rows:
        moved = now - before if isinstance(now, int) and isinstance(before, int) else None
        table.rows.append([label, now, before, moved])
        table.units.append(unit)
    return table


def document(*tables: Table, paragraphs: list[str] | None = None) -> Document:
    section = Section("s", "Section", paragraphs=paragraphs or [], tables=list(tables))
    return Document("Report", "2023-24", "2022-23", [section], [])


def lines(table: Table) -> list[list[object]]:
    """Each row and each column of a grid's counts, the total last in each."""
    parts, total = table.count_columns[:-1], table.count_columns[-1]
    rows = [[row[c] for c in parts] + [row[total]] for row in table.rows]
    return rows + [list(column) for column in zip(*rows, strict=True)]


def recovered_by_subtraction(line: list[object]) -> list[int]:
    """The values a reader works out from a line: total less the visible cells, for a lone "c"."""
    *cells, total = line
    hidden = [cell for cell in cells if cell == C] + ([total] if total == C else [])
    if len(hidden) != 1:
        return []
    if total == C:
        return [sum(cells)]
    return [total - sum(cell for cell in cells if cell != C)]


def assert_no_c_recoverable(table: Table) -> None:
    for line in lines(table):
        assert recovered_by_subtraction(line) == [], line
        assert sum(cell == C for cell in line) != 1, line


def test_a_small_cell_is_hidden_with_a_second_cell_in_its_row_and_in_its_column():
    table = grid({"Foster": (300, 120, 40), "Adoption": (20, 3, 18), "Homes": (25, 47, 30)})

    hidden = suppress(document(table), threshold=5).tables[0]

    assert hidden.rows[1][2] == C
    assert sum(cell == C for cell in hidden.rows[1][1:5]) >= 2
    assert sum(row[2] == C for row in hidden.rows) >= 2
    # The second in the row and column is the next smallest of each: 18, and 47 beside 3.
    assert hidden.rows[1][3] == C
    assert hidden.rows[2][2] == C
    assert_no_c_recoverable(hidden)


def test_no_c_in_the_seed_placements_can_be_recovered_by_subtraction():
    table = grid(SEED_PLACEMENTS)

    hidden = suppress(document(table), threshold=5).tables[0]

    assert_no_c_recoverable(hidden)
    # Every count of 1 to 5 is hidden, and every zero is still shown as 0.
    for before, after in zip(table.rows, hidden.rows, strict=True):
        for value, shown in zip(before[1:], after[1:], strict=True):
            if 1 <= value <= 5:
                assert shown == C
            if value == 0:
                assert shown == 0


@pytest.mark.parametrize("threshold", [3, 5, 9, 10])
def test_no_c_can_be_recovered_whatever_the_threshold(threshold):
    hidden = suppress(document(grid(SEED_PLACEMENTS)), threshold=threshold).tables[0]

    assert_no_c_recoverable(hidden)


def test_no_c_has_only_one_value_left_when_every_row_and_column_is_solved_together():
    # Exhaustive: every filling of the "c" cells (at least 1 each, as 0 is always shown) that
    # agrees with every visible cell and every total leaves each "c" at least two values.
    table = grid({"A": (2, 9, 11), "B": (8, 1, 12), "C": (10, 13, 4)})
    hidden = suppress(document(table), threshold=5).tables[0]
    parts = hidden.rows[:-1]
    assert all(row[-1] != C for row in hidden.rows)
    assert C not in hidden.rows[-1]
    per_row = []
    for r, row in enumerate(parts):
        cells = [(r, c) for c in range(1, len(row) - 1) if row[c] == C]
        left = row[-1] - sum(v for v in row[1:-1] if v != C)
        per_row.append([list(zip(cells, split, strict=True)) for split in splits(left, len(cells))])
    possible: dict[tuple[int, int], set[int]] = {}
    for choice in itertools.product(*per_row):
        filled = [list(row) for row in hidden.rows]
        for (r, c), value in itertools.chain.from_iterable(choice):
            filled[r][c] = value
        columns = range(1, len(filled[0]))
        if all(sum(row[c] for row in filled[:-1]) == filled[-1][c] for c in columns):
            for cell, value in itertools.chain.from_iterable(choice):
                possible.setdefault(cell, set()).add(value)
    hidden_cells = sum(row.count(C) for row in parts)
    assert 3 < hidden_cells < 9  # the three small ones and a few more, not everything
    assert len(possible) == hidden_cells
    assert all(len(values) >= 2 for values in possible.values()), possible


def splits(total: int, parts: int) -> list[tuple[int, ...]]:
    """Every way of writing total as parts whole numbers of at least 1, in order."""
    if parts == 0:
        return [()] if total == 0 else []
    return [
        (first, *rest) for first in range(1, total + 1) for rest in splits(total - first, parts - 1)
    ]


def test_two_small_counts_that_add_up_to_two_are_not_left_to_be_both_1():
    table = grid({"A": (1, 1, 40), "B": (30, 20, 40), "C": (30, 25, 40)})

    hidden = suppress(document(table), threshold=5).tables[0]

    # c + c = 2 with each at least 1 would give both away: a third cell is hidden.
    assert sum(cell == C for cell in hidden.rows[0][1:4]) >= 3 or hidden.rows[0][4] == C


def test_zeros_are_shown_as_zero_and_not_counted_as_small():
    table = comparison("rag", [("Green", 40, 0, COUNT), ("Red", 0, 0, COUNT)])

    hidden = suppress(document(table), threshold=5).tables[0]

    assert hidden.rows == [["Green", 40, 0, 40], ["Red", 0, 0, 0]]


def test_the_threshold_is_a_setting_read_when_called(settings):
    table = comparison("rag", [("Red", 7, 40, COUNT)])

    settings.REPORT_SUPPRESSION_THRESHOLD = 9
    assert suppress(document(table)).tables[0].rows[0][1] == C
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    assert suppress(document(table)).tables[0].rows[0][1] == 7
    # An explicit threshold wins over the setting.
    assert suppress(document(table), threshold=7).tables[0].rows[0][1] == C


def test_without_the_setting_the_dfe_threshold_of_5_applies(settings):
    if hasattr(settings, "REPORT_SUPPRESSION_THRESHOLD"):
        del settings.REPORT_SUPPRESSION_THRESHOLD
    table = comparison("rag", [("Amber", 5, 40, COUNT), ("Red", 6, 40, COUNT)])

    assert suppression.threshold_setting() == 5
    assert [row[1] for row in suppress(document(table)).tables[0].rows] == [C, 6]


def test_the_change_is_hidden_when_either_year_is():
    table = comparison(
        "escalations",
        [
            ("Raised", 3, 40, COUNT),
            ("Open", 40, 2, COUNT),
            ("Referred to Cafcass", 30, 40, COUNT),
        ],
    )

    rows = suppress(document(table), threshold=5).tables[0].rows

    assert rows[0] == ["Raised", C, 40, C]
    assert rows[1] == ["Open", 40, C, C]
    assert rows[2] == ["Referred to Cafcass", 30, 40, -10]


def test_a_ratio_or_a_count_of_staff_is_not_a_count_of_children():
    table = comparison(
        "service",
        [
            ("IROs holding a caseload on 31 March", 4, 5, COUNT),
            ("Their full-time equivalent (FTE)", 3.5, 4.0, "ratio"),
        ],
    )

    rows = suppress(document(table), threshold=5).tables[0].rows

    assert rows[0][1:3] == [4, 5]
    assert rows[1][1:3] == [3.5, 4.0]


def test_a_breakdown_whose_total_is_printed_elsewhere_has_no_lone_c():
    children = comparison("children", [("Looked after on 31 March", 60, 58, COUNT)])
    sex = comparison(
        "sex",
        [
            ("Male", 32, 30, COUNT),
            ("Female", 26, 25, COUNT),
            ("Unknown or not stated", 2, 3, COUNT),
        ],
    )

    rows = suppress(document(children, sex), threshold=5).tables[1].rows

    # 60 - 32 - 26 would give the 2 away: the smaller of the others goes too.
    assert [row[1] for row in rows] == [32, C, C]
    assert [row[2] for row in rows] == [30, C, C]


def test_a_percentage_that_would_give_a_hidden_count_away_is_hidden():
    reviews = comparison(
        "reviews",
        [
            ("Reviews held", 400, 380, COUNT),
            ("Held in timescale", 397, 370, COUNT),
            ("Held late", 3, 10, COUNT),
            ("Timeliness cannot be established", 0, 0, COUNT),
            ("Percentage held in timescale", 99.2, 97.4, PCT),
        ],
    )
    reviews.rows[4][3] = 1.8

    rows = suppress(document(reviews), threshold=5).tables[0].rows

    assert rows[2][1] == C
    assert rows[4][1:] == [C, 97.4, C]


def test_a_percentage_of_a_printed_denominator_with_a_small_numerator_is_hidden():
    children = comparison("children", [("Looked after on 31 March", 626, 595, COUNT)])
    stability = comparison(
        "stability",
        [("Children with 3 or more placements in the year", 0.5, 5.9, PCT)],
    )
    stability.rows[0][3] = -5.4

    rows = suppress(document(children, stability), threshold=5).tables[1].rows

    # 0.5% of 626 is 3 children.
    assert rows[0][1:] == [C, 5.9, C]


def test_a_paragraph_that_prints_a_hidden_figure_is_withheld():
    table = comparison("escalations", [("Raised", 3, 40, COUNT), ("Children", 30, 40, COUNT)])
    doc = document(table, paragraphs=["IROs raised 3 escalations.", "They concerned 30 children."])

    paragraphs = suppress(doc, threshold=5).sections[0].paragraphs

    assert paragraphs == [suppression.WITHHELD, "They concerned 30 children."]


def test_the_document_suppressed_is_a_copy():
    table = comparison("rag", [("Red", 3, 40, COUNT)])
    doc = document(table)

    hidden = suppress(doc, threshold=5)

    assert doc.tables[0].rows[0][1] == 3
    assert not doc.publishable
    assert hidden.publishable


def figures() -> dict:
    """The smallest figures object the document is built from, with the seed's placements."""
    rows = [
        {"type": name, "own_la": a, "private": b, "other": c, "total": a + b + c}
        for name, (a, b, c) in SEED_PLACEMENTS.items()
    ]
    total = {key: sum(row[key] for row in rows) for key in ("own_la", "private", "other", "total")}
    return {
        "period": {"label": "2020-21"},
        "service": {"iros": 9},
        "children": {
            "looked_after_at_end": 626,
            "by_sex_at_end": {"male": 366, "female": 258, "unknown": 2},
            "ethnicity_at_end": [
                {"group": "White", "all": 301, "not_uasc": 300, "uasc": 1},
                {"group": "Asian or Asian British", "all": 325, "not_uasc": 295, "uasc": 30},
            ],
        },
        "placements_at_end": {"rows": rows, "total": total},
        "reviews": {"held": 1544, "in_timescale": 1532, "late": 12, "timeliness_unknown": 0},
        "previous": None,
    }


def test_every_row_the_rules_name_is_in_the_report():
    # The rules name rows by their labels in reporting/document.py: a renamed row must be
    # renamed here too, or its sums and percentages would go unprotected.
    doc = build(figures(), {})
    labels = {(table.key, str(row[0])) for table in doc.tables for row in table.rows}
    keys = {table.key for table in doc.tables}

    for total, key, parts in suppression.SUMS:
        assert key in keys
        assert total is None or total in labels
        assert all((key, label) in labels for label in parts)
    for ref, (counts, denominator) in suppression.PERCENTAGES.items():
        assert ref in labels
        assert counts is None or all((counts[0], label) in labels for label in counts[1])
        assert denominator is None or denominator in labels
    assert labels >= suppression.NOT_CHILDREN


def test_the_built_report_has_no_recoverable_c_in_its_placements_or_breakdowns():
    doc = suppress(build(figures(), {}), threshold=5)
    tables = {table.key: table for table in doc.tables}

    assert_no_c_recoverable(tables["placements"])
    assert [row[1] for row in tables["sex"].rows] == [366, C, C]


def test_the_built_ethnicity_table_has_no_lone_c_in_a_row():
    doc = suppress(build(figures(), {}), threshold=5)
    ethnicity = next(table for table in doc.tables if table.key == "ethnicity")

    white = ethnicity.rows[0]
    assert white[3] == C
    assert white[2] == C or white[1] == C
