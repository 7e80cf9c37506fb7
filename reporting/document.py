"""The annual report as a document: sections of text, tables and charts in the seed report's
order, built once from an edition's figures and narrative and rendered by every format
(HTML, PDF, Word, Excel, CSV). Every figure sits beside the previous year's, with the change.
"""

from dataclasses import dataclass, field
from typing import Any

from children import codes
from children.rules import AGE_BAND_LABELS
from escalations.models import Area, Stage
from reporting.rules import HANDBOOK_CASELOAD
from reviews.models import LateReason, OversightKind, Participation
from reviews.models.review import MONITORING_QUESTIONS
from support.models import AdvocacyOutcome

Number = int | float | None
COUNT, PCT, RATIO = "count", "pct", "ratio"


@dataclass
class Table:
    """A table of figures. Comparison tables have the columns figure, this year, last year,
    change; grid tables (placements, ethnicity) have their own columns and a total row."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    units: list[str] = field(default_factory=list)  # per row: COUNT, PCT or RATIO
    total_row: bool = False
    # Columns holding counts that add up across the row to the last such column (suppression).
    count_columns: list[int] = field(default_factory=list)
    note: str = ""


@dataclass
class Chart:
    """A chart of one table's figures; `alt` is its text alternative, the table its data."""

    key: str
    title: str
    alt: str
    labels: list[str]
    series: list[tuple[str, list[float]]]
    horizontal: bool = False
    stacked: bool = False  # series add up: the bars stand on one another


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    narrative: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    appendix: bool = False


@dataclass
class Document:
    title: str
    year: str
    previous_year: str
    sections: list[Section]
    priorities: list[dict[str, str]]
    # Who built the edition, when, and from the record as it stood when: printed on every format.
    colophon: str = ""
    publishable: bool = False

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]


def change(value: Number, previous: Number) -> Number:
    """This year's value less last year's; None when either is not known."""
    if value is None or previous is None:
        return None
    return round(value - previous, 1) if isinstance(value, float) else value - previous


SUPPRESSED = "c"
CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def plain(text: str) -> str:
    """Narrative text as plain characters: control characters (which Word's XML cannot hold)
    removed. Markup is never interpreted: every format escapes or writes it as text."""
    return (text or "").translate(CONTROL)


def cell_text(value: Any, unit: str = COUNT, *, is_change: bool = False) -> str:
    """A figure as printed in every format: 1,544; 99.2%; 7.8; "c" when suppressed; a dash when
    not known. A change in a percentage is in percentage points."""
    if value is None:
        return "\u2013"  # en dash: not known
    if value == SUPPRESSED or isinstance(value, str):
        return str(value)
    sign = ""
    if is_change:
        sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
        value = abs(value)
    if unit == PCT:
        return f"{sign}{value:.1f} points" if is_change else f"{value:.1f}%"
    if unit == RATIO:
        return f"{sign}{value:.1f}"
    return f"{sign}{value:,}"


def figure_at(figures: dict | None, path: str) -> Any:
    """The value at a dotted path of a figures object ("reviews.held"); None if absent."""
    node: Any = figures
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _get(figures: dict | None, path: str) -> Number:
    node = figure_at(figures, path)
    return node if isinstance(node, (int, float)) or node is None else None


class _Builder:
    def __init__(self, figures: dict) -> None:
        self.now = figures
        self.before = figures.get("previous")

    def comparison(self, key: str, title: str, rows: list[tuple[str, str, str]]) -> Table:
        """A table of (label, JSON path, unit) rows, each beside last year's value."""
        table = Table(key, title, ["Figure", self.year, self.previous_year, "Change"], [])
        for label, path, unit in rows:
            value, before = _get(self.now, path), _get(self.before, path)
            table.rows.append([label, value, before, change(value, before)])
            table.units.append(unit)
        return table

    def breakdown(
        self, key: str, title: str, path: str, labels: dict[str, str], unit: str = COUNT
    ) -> Table:
        """A {code: count} figure as rows in `labels` order, beside last year's."""
        table = self.comparison(
            key, title, [(label, f"{path}.{code}", unit) for code, label in labels.items()]
        )
        # A code missing from a year's breakdown had none that year: 0, not "not known".
        for column, figures in ((1, self.now), (2, self.before)):
            if isinstance(figure_at(figures, path), dict):
                for row in table.rows:
                    row[column] = 0 if row[column] is None else row[column]
        for row in table.rows:
            row[3] = change(row[1], row[2])
        return table

    @property
    def year(self) -> str:
        return self.now["period"]["label"]

    @property
    def previous_year(self) -> str:
        first = int(self.year[:4]) - 1
        return f"{first}-{(first + 1) % 100:02d}"

    def value(self, path: str) -> Number:
        return _get(self.now, path)


def _chart(table: Table, title: str, alt: str, *, horizontal: bool = False) -> Chart:
    """This year's and last year's counts in a comparison table as a grouped bar chart (its
    percentages, in another unit, stay in the table)."""
    rows = [row for n, row in enumerate(table.rows) if not table.units or table.units[n] == COUNT]
    labels = [str(row[0]) for row in rows]
    series = [
        (table.columns[1], [float(row[1] or 0) for row in rows]),
        (table.columns[2], [float(row[2] or 0) for row in rows]),
    ]
    return Chart(table.key, title, alt, labels, series, horizontal=horizontal)


def _fte(value: Number) -> str:
    return "with no FTE recorded" if value is None else f"{value:.1f}"


def _held(v: Any) -> str:
    held = v("reviews.held")
    if not held:
        return "No reviews were held in the year."
    text = f"The service chaired {_n(held)} reviews"
    if v("reviews.in_timescale_pct") is not None:
        text += (
            f", {_n(v('reviews.in_timescale_pct'), PCT)} of them within the timescales of "
            "regulation 33"
        )
    late = v("reviews.late")
    return f"{text}. {_n(late) if late else 'None'} {'was' if late == 1 else 'were'} held late."


def _n(value: Number, unit: str = COUNT) -> str:
    if value is None:
        return "not known"
    if unit == PCT:
        return f"{value:.0f}%"
    if unit == RATIO:
        return f"{value:.0f}"
    return f"{value:,}"


def build(figures: dict, narrative: dict) -> Document:
    """The report's sections, in the seed report's order, from one edition's figures."""
    b = _Builder(figures)
    v = b.value
    sections: list[Section] = [
        Section("introduction", "Introduction", narrative=narrative.get("introduction", "")),
    ]

    low, high = HANDBOOK_CASELOAD
    service = b.comparison(
        "service",
        "The IRO service",
        [
            ("IROs holding a caseload on 31 March", "service.iros", COUNT),
            ("Their full-time equivalent (FTE)", "service.fte", RATIO),
            (
                "Children with an allocated IRO on 31 March",
                "service.children_allocated_at_end",
                COUNT,
            ),
            ("Children per FTE on 31 March", "service.caseload_per_fte", RATIO),
            ("Average children per FTE over the year", "service.average_caseload_per_fte", RATIO),
        ],
    )
    sections.append(
        Section(
            "service",
            "Profile of the IRO service",
            paragraphs=[
                f"On 31 March {v('service.iros')} IROs held a caseload, {_fte(v('service.fte'))} "
                f"full-time equivalent posts. The average caseload over the year was "
                f"{_n(v('service.average_caseload_per_fte'), RATIO)} children per FTE, and "
                f"{_n(v('service.caseload_per_fte'), RATIO)} on 31 March: "
                f"{figures['service'].get('caseload_band', 'not known')} of {low} to {high} "
                "children per FTE (IRO Handbook 2010).",
            ],
            tables=[service],
        )
    )

    held = b.comparison(
        "reviews",
        "Reviews held",
        [
            ("Reviews held", "reviews.held", COUNT),
            ("Held in timescale", "reviews.in_timescale", COUNT),
            ("Held late", "reviews.late", COUNT),
            ("Timeliness cannot be established", "reviews.timeliness_unknown", COUNT),
            ("Percentage held in timescale", "reviews.in_timescale_pct", PCT),
            ("Short-break reviews (reg. 48) among them", "reviews.held_short_breaks", COUNT),
        ],
    )
    late = b.breakdown(
        "late_reasons",
        "Why reviews were late",
        "reviews.late_reasons",
        {**dict(LateReason.choices), "not_recorded": "Reason not recorded"},
    )
    sections.append(
        Section(
            "reviews",
            "Reviews and their timeliness",
            paragraphs=[_held(v)],
            tables=[held, late],
            charts=[
                _chart(
                    held,
                    "Reviews held, in timescale and late",
                    "Bar chart of reviews held, in timescale and late this year and last year; the table gives the figures.",
                )
            ],
        )
    )

    participation = b.breakdown(
        "participation",
        "How children took part in their reviews (SSDA903 codes)",
        "reviews.participation",
        {**dict(Participation.choices), "not_recorded": "Not recorded"},
    )
    voice = b.comparison(
        "voice",
        "The child's voice",
        [
            (
                "Children aged 4 and over who took part (PN1 to PN6)",
                "reviews.participation_pct",
                PCT,
            ),
            ("Reviews chaired by the young person", "reviews.chaired_by_young_person", COUNT),
            ("Reviews an Independent Visitor attended", "reviews.iv_attended", COUNT),
            ("Reviews an advocate attended", "reviews.advocate_attended", COUNT),
        ],
    )
    sections.append(
        Section(
            "participation",
            "Promoting the voice of the child",
            paragraphs=[
                f"{_n(v('reviews.participation_pct'), PCT)} of children aged 4 and over took part "
                "in their review (children under 4, code PN0, are not counted). "
                f"{_n(v('reviews.chaired_by_young_person'))} young people chaired their own review."
            ],
            tables=[participation, voice],
            charts=[
                _chart(
                    participation,
                    "Participation in reviews by code",
                    "Bar chart of reviews by participation code this year and last year; the table gives the figures.",
                    horizontal=True,
                )
            ],
        )
    )

    parents = b.comparison(
        "parents_and_reports",
        "Parents' views and social workers' reports",
        [
            ("A parent gave a meaningful view", "reviews.parents_view_pct", PCT),
            (
                "A parent had a one-to-one with the IRO before the review",
                "reviews.parents_one_to_one_pct",
                PCT,
            ),
            ("The social worker's report was available", "reviews.sw_report_available_pct", PCT),
        ],
    )
    sections.append(
        Section(
            "parents",
            "Parents and social workers' reports",
            paragraphs=[
                "Each percentage counts the reviews where the answer was recorded as yes or no."
            ],
            tables=[parents],
        )
    )

    rag = b.comparison(
        "rag",
        "RAG ratings set after reviews",
        [("Green", "rag.green", COUNT), ("Amber", "rag.amber", COUNT), ("Red", "rag.red", COUNT)],
    )
    notes = b.comparison(
        "oversight",
        "IRO oversight between reviews",
        [
            ("Oversight notes recorded", "oversight.records", COUNT),
            *[(label, f"oversight.by_kind.{kind}", COUNT) for kind, label in OversightKind.choices],
            (
                "Children looked after on 31 March with oversight in every quarter",
                "oversight.quarterly_standard_pct",
                PCT,
            ),
        ],
    )
    sections.append(
        Section(
            "oversight",
            "IRO oversight between reviews",
            paragraphs=[
                f"IROs rated {_n(v('rag.green'))} children green, {_n(v('rag.amber'))} amber and "
                f"{_n(v('rag.red'))} red after their reviews, and added "
                f"{_n(v('oversight.records'))} oversight notes to children's records.",
            ],
            tables=[rag, notes],
            charts=[
                _chart(
                    rag,
                    "RAG ratings set",
                    "Bar chart of green, amber and red ratings this year and last year; the table gives the figures.",
                )
            ],
        )
    )

    support = b.comparison(
        "support",
        "In-contact plans, advocacy and Independent Visitors",
        [
            (
                "Children with an in-contact plan on 31 March",
                "in_contact_plans.children_with_plan_at_end",
                COUNT,
            ),
            ("Contacts logged against in-contact plans", "in_contact_plans.contacts", COUNT),
            ("Advocacy referrals", "advocacy.referrals", COUNT),
            ("Children referred for advocacy", "advocacy.children", COUNT),
            ("Independent Visitors recruited", "independent_visitors.recruited", COUNT),
            (
                "Independent Visitor matches on 31 March",
                "independent_visitors.matches_at_end",
                COUNT,
            ),
            ("Matches made in the year", "independent_visitors.matches_started", COUNT),
            (
                "Children waiting for an Independent Visitor on 31 March",
                "independent_visitors.waiting_at_end",
                COUNT,
            ),
        ],
    )
    advocacy = b.breakdown(
        "advocacy_outcomes",
        "Advocacy referrals by outcome",
        "advocacy.by_outcome",
        dict(AdvocacyOutcome.choices),
    )
    sections.append(
        Section(
            "support",
            "In-contact plans, advocacy and Independent Visitors",
            paragraphs=[
                f"IROs made or supported {_n(v('advocacy.referrals'))} advocacy referrals. "
                f"{_n(v('independent_visitors.recruited'))} Independent Visitors were recruited and "
                f"{_n(v('independent_visitors.matches_at_end'))} matches were in place on 31 March."
            ],
            tables=[support, advocacy],
        )
    )

    monitoring = b.comparison(
        "monitoring",
        "Corporate parenting indicators from the IROs' monitoring at reviews",
        [
            (MONITORING_QUESTIONS[item], f"monitoring.{item}_pct", PCT)
            for item in (
                "health_assessment",
                "pep",
                "post16_pep",
                "eet",
                "suitable_accommodation",
                "leisure",
                "cultural_needs",
            )
        ],
    )
    monitoring.note = (
        "Children looked after on 31 March, at their last review of the year: the percentage "
        "answered yes of those answered yes or no."
    )
    sections.append(
        Section(
            "monitoring",
            "Monitoring the local authority as a corporate parent",
            tables=[monitoring],
        )
    )

    escalations = b.comparison(
        "escalations",
        "Formal escalations",
        [
            ("Formal escalations raised", "escalations.raised", COUNT),
            ("Children they concerned", "escalations.children", COUNT),
            ("Areas of concern", "escalations.areas_of_concern", COUNT),
            ("Open on 31 March", "escalations.open_at_end", COUNT),
            ("Referred to Cafcass", "escalations.cafcass_referrals", COUNT),
            ("Informal escalations", "escalations.informal_raised", COUNT),
        ],
    )
    areas = b.breakdown(
        "escalation_areas", "Areas of concern", "escalations.areas", dict(Area.choices)
    )
    resolved = b.breakdown(
        "escalation_stages",
        "Stage at which escalations were resolved",
        "escalations.resolved_at",
        dict(Stage.choices),
    )
    sections.append(
        Section(
            "escalations",
            "Formal escalations",
            paragraphs=[
                f"IROs raised {_n(v('escalations.raised'))} formal escalations concerning "
                f"{_n(v('escalations.children'))} children, with {_n(v('escalations.areas_of_concern'))} "
                f"areas of concern. {_n(v('escalations.cafcass_referrals'))} were referred to Cafcass."
            ],
            tables=[escalations, areas, resolved],
        )
    )

    complaints = b.comparison(
        "complaints",
        "Complaints about the IRO service",
        [
            ("Complaints received", "complaints.received", COUNT),
            ("Resolved at stage 1", "complaints.by_stage.stage_1", COUNT),
            ("Went to stage 2", "complaints.by_stage.stage_2", COUNT),
            ("Went to stage 3", "complaints.by_stage.stage_3", COUNT),
            ("Upheld", "complaints.by_outcome.upheld", COUNT),
            ("Partly upheld", "complaints.by_outcome.partly_upheld", COUNT),
        ],
    )
    sections.append(Section("complaints", "Complaints", tables=[complaints]))
    sections.append(
        Section("achievements", "Other achievements", narrative=narrative.get("achievements", ""))
    )
    sections.append(Section("next_steps", "Next steps", narrative=narrative.get("next_steps", "")))

    sections.extend(_appendix(b))
    for section in sections:
        # A chart of nothing but zeros says nothing its table does not.
        section.charts = [
            chart
            for chart in section.charts
            if any(v for _, values in chart.series for v in values)
        ]
    # A narrative section not written (yet) is left out rather than printed empty.
    priorities = [dict(row) for row in narrative.get("priorities", [])]
    sections = [
        s
        for s in sections
        if s.narrative.strip()
        or s.paragraphs
        or s.tables
        or (s.key == "next_steps" and priorities)  # the action plan follows next steps
    ]
    return Document(
        title=f"Independent Reviewing Officer service annual report {b.year}",
        year=b.year,
        previous_year=b.previous_year,
        sections=sections,
        priorities=priorities,
    )


def _appendix(b: _Builder) -> list[Section]:
    """Appendix 1: the children looked after on 31 March, their placements and stability."""
    age = b.breakdown("age", "Age on 31 March", "children.by_age_at_end", AGE_BAND_LABELS)
    sex = b.breakdown(
        "sex",
        "Sex",
        "children.by_sex_at_end",
        {"male": "Male", "female": "Female", "unknown": "Unknown or not stated"},
    )
    legal_codes = sorted(
        set(b.now["children"].get("by_legal_status_at_end") or {})
        | set((b.before or {}).get("children", {}).get("by_legal_status_at_end") or {})
    )
    legal = b.breakdown(
        "legal_status",
        "Legal status on 31 March",
        "children.by_legal_status_at_end",
        {code: f"{code}: {codes.label('LS', code)}" for code in legal_codes},
    )
    profile = b.comparison(
        "children",
        "Children looked after",
        [
            ("Looked after on 31 March", "children.looked_after_at_end", COUNT),
            ("Started to be looked after in the year", "children.started", COUNT),
            ("Ceased to be looked after in the year", "children.ceased", COUNT),
            ("Unaccompanied asylum-seeking children on 31 March", "children.uasc_at_end", COUNT),
        ],
    )
    ethnicity = Table(
        "ethnicity",
        "Ethnic background on 31 March",
        ["Ethnic group", "All", "Not UASC", "UASC", f"All {b.previous_year}"],
        [],
        total_row=True,
        # Not UASC and UASC add up to All: the parts, then their total, last.
        count_columns=[2, 3, 1],
    )
    before_eth = {
        row["group"]: row["all"]
        for row in ((b.before or {}).get("children", {}).get("ethnicity_at_end") or [])
    }
    for row in b.now["children"]["ethnicity_at_end"]:
        ethnicity.rows.append(
            [row["group"], row["all"], row["not_uasc"], row["uasc"], before_eth.get(row["group"])]
        )
    ethnicity.rows.append(
        [
            "Total",
            *[sum(r[i] or 0 for r in ethnicity.rows) for i in (1, 2, 3)],
            sum(before_eth.values()) if before_eth else None,
        ]
    )

    placements = Table(
        "placements",
        "Placement type (children looked after on 31 March) by provider",
        [
            "Placement type",
            "Own LA",
            "Private",
            "Other",
            "Total",
            f"Total {b.previous_year}",
            "Change",
        ],
        [],
        total_row=True,
        count_columns=[1, 2, 3, 4],
        note="Own LA: provider PR1. Private: PR4. Other: PR0, PR2, PR3 and PR5.",
    )
    before_rows = {
        row["type"]: row["total"]
        for row in ((b.before or {}).get("placements_at_end", {}).get("rows") or [])
    }
    for row in b.now["placements_at_end"]["rows"]:
        before = before_rows.get(row["type"])
        placements.rows.append(
            [
                row["type"],
                row["own_la"],
                row["private"],
                row["other"],
                row["total"],
                before,
                change(row["total"], before),
            ]
        )
    total = b.now["placements_at_end"]["total"]
    before_total = ((b.before or {}).get("placements_at_end") or {}).get("total", {}).get("total")
    placements.rows.append(
        [
            "Total placements",
            total["own_la"],
            total["private"],
            total["other"],
            total["total"],
            before_total,
            change(total["total"], before_total),
        ]
    )

    stability = b.comparison(
        "stability",
        "Placement stability",
        [
            (
                "Children with 3 or more placements in the year",
                "stability.three_or_more_placements_pct",
                PCT,
            ),
            (
                "Children under 16 looked after for 2½ years or more in the same placement for 2 years or placed for adoption",
                "stability.long_term_pct",
                PCT,
            ),
        ],
    )
    reasons = sorted(
        set(b.now["children"].get("ceased_by_reason") or {})
        | set((b.before or {}).get("children", {}).get("ceased_by_reason") or {})
    )
    ceased = b.breakdown(
        "ceased_by_reason",
        "Children who ceased to be looked after, by reason",
        "children.ceased_by_reason",
        {code: f"{code}: {codes.label('REC', code)}" for code in reasons},
    )
    placement_chart = Chart(
        "placements",
        "Children by placement type on 31 March",
        "Horizontal bar chart of children looked after on 31 March by placement type; the table gives the figures.",
        [row[0] for row in placements.rows[:-1]],
        [
            ("Own LA", [float(r[1]) for r in placements.rows[:-1]]),
            ("Private", [float(r[2]) for r in placements.rows[:-1]]),
            ("Other", [float(r[3]) for r in placements.rows[:-1]]),
        ],
        horizontal=True,
        stacked=True,
    )
    return [
        Section(
            "appendix",
            "Appendix 1: children looked after",
            tables=[profile, age, sex, ethnicity, legal],
            charts=[
                _chart(
                    age,
                    "Children by age on 31 March",
                    "Bar chart of children looked after on 31 March by age band, this year and last; the table gives the figures.",
                ),
                _chart(
                    legal,
                    "Children by legal status on 31 March",
                    "Horizontal bar chart of children looked after on 31 March by legal status; the table gives the figures.",
                    horizontal=True,
                ),
            ],
            appendix=True,
        ),
        Section(
            "placements",
            "Placements and stability",
            tables=[placements, stability],
            charts=[placement_chart],
            appendix=True,
        ),
        Section(
            "starts_and_ceases",
            "Children starting and ceasing to be looked after",
            tables=[ceased],
            charts=[
                _chart(
                    ceased,
                    "Children ceasing to be looked after, by reason",
                    "Horizontal bar chart of children who ceased to be looked after by reason, this year and last; the table gives the figures.",
                    horizontal=True,
                )
            ],
            appendix=True,
        ),
    ]
