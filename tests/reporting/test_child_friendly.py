"""The child-friendly version of the annual report (ADR 0014): plain words checked with a
readability library, an icon for each key number, and nothing that identifies a child."""

import copy
import re
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import textstat
import textstat.backend.counts._count_syllables as textstat_syllables
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.test import RequestFactory

from reporting import child_friendly
from reporting import figures as report_figures
from reporting.rules import ReportingYear
from tests import factories

# Flesch reading ease of 70 or more is "fairly easy" to "very easy": plain English for a
# reader of 12 or younger. Each card must pass on its own, as a child may read only one.
READING_EASE = 70

# The seed report's 2020-21 figures (shared/annual-report.md) that the cards use.
SEED = {
    "period": {"label": "2020-21"},
    "children": {"looked_after_at_end": 626},
    "reviews": {
        "held": 1544,
        "late": 12,
        "in_timescale_pct": 99.2,
        "participation_pct": 100.0,
        "chaired_by_young_person": 28,
    },
    "oversight": {"records": 3604},
    "advocacy": {"referrals": 86},
    "independent_visitors": {"recruited": 9, "matches_at_end": 29},
    "escalations": {"raised": 11},
    "complaints": {"received": 1},
}


@pytest.fixture
def plain_syllables(monkeypatch):
    """textstat counts English syllables with the CMU dictionary, which nltk downloads on first
    use; with no network here or in CI, count them with pyphen's English hyphenation patterns
    (shipped with pyphen), as textstat does for any word the dictionary lacks."""
    monkeypatch.setattr(textstat_syllables, "get_cmudict", lambda lang: None)
    textstat_syllables.count_syllables.cache_clear()
    yield
    textstat_syllables.count_syllables.cache_clear()


def card(cards: list[child_friendly.Card], key: str) -> child_friendly.Card:
    return next(c for c in cards if c.key == key)


def test_every_card_and_section_is_plain_enough_for_a_child_of_10_to_12(plain_syllables):
    cards = child_friendly.build(SEED, threshold=5)
    ours = [p for p in child_friendly.parts({"next_steps": "Ours."}) if not p.theirs]

    texts = [c.text for c in cards] + [" ".join(p.paragraphs) for p in ours]

    assert len(cards) == 10
    for text in texts:
        assert textstat.flesch_reading_ease(text) >= READING_EASE, text
    assert textstat.flesch_kincaid_grade(" ".join(texts)) <= 6


def test_the_key_numbers_are_in_words_and_figures():
    cards = child_friendly.build(SEED, threshold=5)

    assert card(cards, "reviews").number == "1,544"
    assert "1,544 review meetings" in card(cards, "reviews").text
    assert card(cards, "on_time").text.startswith("99 out of every 100 reviews were on time.")
    assert card(cards, "had_their_say").number == "100 out of 100"
    assert card(cards, "checked_in").text.startswith("3,604 times, your IRO checked in")
    assert card(cards, "put_right").text.startswith("11 times, IROs pushed")
    assert "9 new visitors joined" in card(cards, "independent_visitors").text


def test_a_share_is_rounded_down_so_every_one_means_every_one():
    figures = copy.deepcopy(SEED)
    figures["reviews"]["in_timescale_pct"] = 99.96
    assert card(child_friendly.build(figures), "on_time").number == "99 out of 100"

    figures["reviews"]["in_timescale_pct"] = 100.0
    assert card(child_friendly.build(figures), "on_time").text == "Every review was on time."


def test_a_small_count_reads_a_few_as_it_could_point_to_a_child(settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    figures = copy.deepcopy(SEED)
    figures["escalations"]["raised"] = 3

    cards = child_friendly.build(figures)

    assert card(cards, "complaints").number == "A few"
    assert card(cards, "complaints").text.startswith("A few complaints were made")
    assert card(cards, "put_right").text.startswith("A few times, IROs pushed")
    assert card(cards, "children").number == "626"


def test_no_complaints_is_said_in_words():
    figures = copy.deepcopy(SEED)
    figures["complaints"]["received"] = 0

    assert card(child_friendly.build(figures), "complaints").text == (
        "Nobody made a complaint about IROs this year."
    )


def test_a_figure_not_known_has_no_card():
    figures = copy.deepcopy(SEED)
    figures["reviews"]["held"] = None
    figures["reviews"]["in_timescale_pct"] = None
    del figures["advocacy"]

    keys = [c.key for c in child_friendly.build(figures)]

    assert "reviews" not in keys
    assert "on_time" not in keys
    assert "advocacy" not in keys
    assert "children" in keys
    assert child_friendly.build({}) == []


def test_next_years_plans_are_the_managers_words_as_written_and_only_when_written():
    narrative = {"next_steps": "Recruit two more IROs.\n\nListen to the Children in Care Council."}

    with_plans = child_friendly.parts(narrative)
    without = child_friendly.parts({"next_steps": "  "})

    plans = next(p for p in with_plans if p.key == "next_year")
    assert plans.theirs
    assert plans.paragraphs == ("Recruit two more IROs.", "Listen to the Children in Care Council.")
    assert [p.key for p in without] == ["what_is_an_iro", "contact"]


def test_every_icon_is_drawn_and_has_no_style_attribute():
    icons = Path(django_settings.BASE_DIR, "static")
    used = [c.icon_path for c in child_friendly.build(SEED)] + [
        p.icon_path for p in child_friendly.parts({"next_steps": "x"})
    ]

    for path in used:
        svg = (icons / path).read_text()
        assert svg.startswith("<svg ")
        assert "style" not in svg


@pytest.mark.django_db
def test_the_page_shows_the_numbers_and_never_a_childs_name(mona):
    child = factories.looked_after_child(
        iro=factories.IroFactory(), first_name="Zebedee", last_name="Quartermaine"
    )
    figures = report_figures.annual_figures(ReportingYear(2023))
    assert figures["children"]["looked_after_at_end"] == 1
    request = RequestFactory().get("/reports/child-friendly/")
    request.user = mona
    context = {
        **child_friendly.page_context(
            figures=figures, narrative={"next_steps": "Meet every child before their review."}
        ),
        "edition": SimpleNamespace(public_id=uuid.uuid4()),
        "back_url": "/reports/",
    }

    html = render_to_string("reporting/child_friendly.html", context, request=request)

    assert "What your IRO service did in 2023-24" in html
    assert "Meet every child before their review." in html
    assert 'href="/reports/"' in html
    assert "reporting/icons/children.svg" in html
    for identifier in (child.first_name, child.last_name, child.child_ref):
        assert identifier not in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "<script" not in main
    assert not re.search(r"\sstyle=", html)
