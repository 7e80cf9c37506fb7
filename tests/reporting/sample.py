"""A Document built from a stored edition's figures (fixtures/annual-figures-2020-21.json,
the figures of the demo council's 2020-21), for the chart and export tests."""

import json
from pathlib import Path

from reporting.document import Document, build

FIGURES = Path(__file__).parent / "fixtures" / "annual-figures-2020-21.json"
NARRATIVE = {
    "introduction": "This report covers the year.\n\nIt was a busy year.\nA second line.",
    "achievements": "Children chaired more of their own reviews.",
    "next_steps": "Keep going.",
    "priorities": [
        {
            "area": "Participation",
            "measurement": "Reviews with the child taking part",
            "impact": "Children heard",
            "action": "Consult children before each review",
        }
    ],
}
COLOPHON = "Built by Mona Manager on 3 June 2024 at 09:00."


def sample_document(**narrative: object) -> Document:
    """The 2020-21 report, its narrative fields overridden by `narrative`."""
    doc = build(json.loads(FIGURES.read_text()), {**NARRATIVE, **narrative})
    doc.colophon = COLOPHON
    return doc
