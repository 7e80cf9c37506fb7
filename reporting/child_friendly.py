"""The child-friendly version of the annual report: what the IRO service did, for children in
care, in plain words a child of 10 to 12 can read, with an icon for each key number (ADR 0014).

It is built from an edition's figures alone, which hold counts and never a child, and it is
written to be published: a count from 1 to the suppression threshold reads "a few".
"""

from dataclasses import dataclass
from typing import Any

from reporting.document import figure_at
from reporting.suppression import is_small, threshold_setting


@dataclass(frozen=True)
class Card:
    """One key number: its icon (static/reporting/icons/<icon>.svg), the number as shown large,
    and a sentence or two that says it again in words."""

    key: str
    icon: str
    number: str
    text: str

    @property
    def icon_path(self) -> str:
        return f"reporting/icons/{self.icon}.svg"


@dataclass(frozen=True)
class Part:
    """A short section in words. `theirs` marks the manager's own text, shown as written."""

    key: str
    icon: str
    title: str
    paragraphs: tuple[str, ...]
    theirs: bool = False

    @property
    def icon_path(self) -> str:
        return f"reporting/icons/{self.icon}.svg"


WHAT_IS_AN_IRO = (
    "IRO stands for Independent Reviewing Officer.",
    "Your IRO makes sure your care plan is right for you. They check that the grown-ups "
    "do what they said they would do.",
    "Your IRO runs your review meetings. They want to hear what you think, and they will "
    "help you have your say.",
)

CONTACT = (
    "You can talk to your IRO at any time. Your social worker or your carer can give you "
    "their phone number or email.",
    "You can ask for an advocate. An advocate is a person who helps you say what you want.",
    "If you are not happy with your IRO, you can tell us. We will listen and try to put it right.",
)


def _count(value: int, threshold: int) -> str:
    """A count as a child reads it: 1,544; "A few" for a small one (it could point to a child)."""
    return "A few" if is_small(value, threshold) else f"{value:,}"


def _out_of_100(pct: float) -> int:
    # Rounded down: "100 out of every 100" only when it is every one.
    return int(pct)


def build(figures: dict, *, threshold: int | None = None) -> list[Card]:
    """The key numbers of a year's figures as cards; a figure not known has no card."""
    limit = threshold_setting() if threshold is None else threshold
    cards: list[Card] = []

    def count(path: str) -> int | None:
        value = figure_at(figures, path)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def pct(path: str) -> float | None:
        value = figure_at(figures, path)
        return float(value) if isinstance(value, (int, float)) else None

    def add(key: str, icon: str, number: str, text: str) -> None:
        cards.append(Card(key, icon, number, text))

    if (n := count("children.looked_after_at_end")) is not None:
        # Only true when no child was waiting for an IRO on 31 March.
        every_one = count("service.children_allocated_at_end") == n
        add(
            "children",
            "children",
            _count(n, limit),
            f"{_count(n, limit)} children and young people were in care at the end of the "
            f"year.{' Each of them had an IRO.' if every_one else ' Every child in care gets an IRO.'}",
        )
    if (n := count("reviews.held")) is not None:
        add(
            "reviews",
            "meeting",
            _count(n, limit),
            f"IROs held {_count(n, limit).lower()} review meetings this year. At a review, "
            "we check that your plan is working for you.",
        )
    if (p := pct("reviews.in_timescale_pct")) is not None:
        on_time = _out_of_100(p)
        add(
            "on_time",
            "clock",
            f"{on_time} out of 100",
            "Every review was on time."
            if on_time == 100
            else f"{on_time} out of every 100 reviews were on time. The rest were a bit late.",
        )
    if (p := pct("reviews.participation_pct")) is not None:
        said = _out_of_100(p)
        add(
            "had_their_say",
            "speech",
            f"{said} out of 100",
            f"{said} out of every 100 children aged 4 and over had their say at their review.",
        )
    if (n := count("reviews.chaired_by_young_person")) is not None and n:
        add(
            "chaired",
            "chair",
            _count(n, limit),
            f"{_count(n, limit)} times, a young person ran their own review. "
            "You can ask to run yours too.",
        )
    if (n := count("oversight.records")) is not None:
        add(
            "checked_in",
            "clipboard",
            _count(n, limit),
            f"{_count(n, limit)} times, your IRO checked in on your plan between reviews.",
        )
    if (n := count("advocacy.referrals")) is not None:
        add(
            "advocacy",
            "megaphone",
            _count(n, limit),
            f"{_count(n, limit)} times, IROs helped a child get an advocate. An advocate "
            "helps you say what you want.",
        )
    if (n := count("independent_visitors.matches_at_end")) is not None:
        text = (
            f"{_count(n, limit)} children had an Independent Visitor at the end of the year. "
            "This is a grown-up friend who visits you and does fun things with you."
        )
        if (joined := count("independent_visitors.recruited")) is not None and joined:
            text += f" {_count(joined, limit)} new visitors joined this year."
        add("independent_visitors", "friends", _count(n, limit), text)
    if (n := count("escalations.raised")) is not None:
        add(
            "put_right",
            "flag",
            _count(n, limit),
            f"{_count(n, limit)} times, IROs pushed hard for things to be put right for a child.",
        )
    if (n := count("complaints.received")) is not None:
        text = (
            "Nobody made a complaint about IROs this year."
            if n == 0
            else f"{_count(n, limit)} complaints were made about IROs. We read each one "
            "and try to put things right."
        )
        add("complaints", "envelope", _count(n, limit), text)
    return cards


def parts(narrative: dict | None) -> list[Part]:
    """The short sections in words: what an IRO is, next year's plans, how to get in touch."""
    result = [Part("what_is_an_iro", "question", "What is an IRO?", WHAT_IS_AN_IRO)]
    next_steps = ((narrative or {}).get("next_steps") or "").strip()
    if next_steps:
        paragraphs = tuple(p.strip() for p in next_steps.split("\n\n") if p.strip())
        result.append(
            Part("next_year", "star", "What we want to do next year", paragraphs, theirs=True)
        )
    result.append(Part("contact", "phone", "How to contact us", CONTACT))
    return result


def page_context(*, figures: dict, narrative: dict | None) -> dict[str, Any]:
    """What templates/reporting/child_friendly.html shows besides the edition and back link."""
    period = figures.get("period") or {}
    return {
        "cards": build(figures),
        "parts": parts(narrative),
        "year_label": period.get("label", ""),
    }
