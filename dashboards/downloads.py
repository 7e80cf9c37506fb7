"""Every table of the service dashboard as CSV: the figures the page shows, cell for cell,
with text a spreadsheet would run as a formula neutralised."""

import csv
import io
from collections.abc import Callable
from datetime import date

from dashboards.selectors import ServiceDashboard
from dashboards.trends import Month
from reporting.exports import neutralise

Rows = list[list[object]]


def _iros(board: ServiceDashboard, months: list[Month]) -> Rows:
    rows: Rows = [
        [
            "IRO",
            "Children",
            "FTE",
            "Per FTE",
            "Against 50 to 70",
            "Due in 4 weeks",
            "Overdue",
            "Held year to date",
            "In time year to date",
            "Held 12 months",
            "In time 12 months",
        ]
    ]
    for row in board.iros:
        rows.append(
            [
                row.iro.full_name,
                row.children,
                row.iro.fte_label or "Not recorded",
                "" if row.per_fte is None else round(row.per_fte),
                row.band,
                row.due_soon,
                row.overdue,
                row.held_ytd,
                row.in_time_ytd,
                row.held_12m,
                row.in_time_12m,
            ]
        )
    return rows


def _rag(board: ServiceDashboard, months: list[Month]) -> Rows:
    return [["Latest RAG rating", "Children"], *([f.label, f.count] for f in board.rag)]


def _participation(board: ServiceDashboard, months: list[Month]) -> Rows:
    return [
        ["Code", "How the child took part", "Reviews in the last 12 months"],
        *([code, label, count] for code, label, count in board.participation),
    ]


def _escalations(board: ServiceDashboard, months: list[Month]) -> Rows:
    return [
        ["Stage", "Open", "Open over 20 working days"],
        *([label, count, old] for label, count, old in board.escalations),
    ]


def _months(board: ServiceDashboard, months: list[Month]) -> Rows:
    return [
        [
            "Month",
            "Reviews held",
            "In time",
            "Looked after at its end",
            "Started care",
            "Ceased care",
        ],
        *([m.label, m.held, m.in_time, m.looked_after_at_end, m.started, m.ceased] for m in months),
    ]


def _waiting(board: ServiceDashboard, months: list[Month]) -> Rows:
    return [
        ["Child reference", "Name", "Looked after since", "Working days waited"],
        *(
            [
                row.child.child_ref,
                row.child.full_name,
                row.waiting_since.isoformat(),
                row.working_days_waited,
            ]
            for row in board.waiting
        ),
    ]


TABLES: dict[str, tuple[str, Callable[[ServiceDashboard, list[Month]], Rows]]] = {
    "iros": ("IROs and their caseloads", _iros),
    "rag": ("RAG ratings", _rag),
    "participation": ("Participation in reviews", _participation),
    "escalations": ("Open escalations by stage", _escalations),
    "months": ("The last 24 months", _months),
    "waiting": ("Waiting longest for an IRO", _waiting),
}


def table_csv(name: str, board: ServiceDashboard, months: list[Month]) -> str:
    """One dashboard table as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in TABLES[name][1](board, months):
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def filename(name: str, today: date) -> str:
    return f"service-dashboard-{name}-{today.isoformat()}.csv"
