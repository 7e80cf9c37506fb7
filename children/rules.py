"""Rules about children's episodes of care, as the DfE's SSDA903 validation defines them, and
the bands children are counted and filtered by."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Q

TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
PLACEMENT_CHANGES = frozenset({"P", "B", "T", "U"})


def placement_change_needs_reason(
    *, reason_new_episode: str, ending_placement: str, new_placement: str
) -> bool:
    """A placement ending in a change needs REASON_PLACE_CHANGE (SSDA903 validator rule 225)."""
    return (
        reason_new_episode in PLACEMENT_CHANGES
        and ending_placement not in TEMPORARY_PLACEMENTS
        and new_placement not in TEMPORARY_PLACEMENTS
    )


# PR0 (parent or other person with parental responsibility) is the provider of placement P1 only.
PROVIDER_FOR_ONE_PLACEMENT = {"PR0": "P1"}


def provider_allowed(place: str, provider: str) -> bool:
    """Whether a placement provider may go with a placement type (SSDA903 validator rule 550:
    "A placement provider code of PR0 can only be associated with placement P1"). A blank
    provider or placement is left to the checks that ask for one."""
    only_with = PROVIDER_FOR_ONE_PLACEMENT.get(provider)
    return not place or only_with is None or place == only_with


# The next review windows lists filter by and dashboards count (ADR 0017): local practice.
NEXT_REVIEW_SOON_DAYS = 28
NEXT_REVIEW_WINDOWS = {"overdue": "Overdue", "due_4_weeks": "Due in the next 4 weeks"}


# The RAG ratings a child's latest rating can be (local practice), and "none" for a child not
# rated yet: stored on the open period as PeriodOfCare.latest_rating ("" for none).
RAG_LABELS = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("none", "Not rated yet"))

# The DfE's children looked after age bands (SSDA903 statistics): key, lowest age, age above.
AGE_BANDS = (
    ("under_1", 0, 1),
    ("1_to_4", 1, 5),
    ("5_to_9", 5, 10),
    ("10_to_15", 10, 16),
    ("16_and_over", 16, None),
)
AGE_BAND_LABELS = {
    "under_1": "Under 1",
    "1_to_4": "1 to 4",
    "5_to_9": "5 to 9",
    "10_to_15": "10 to 15",
    "16_and_over": "16 and over",
}


def born_after_for_age(on: date, years: int) -> date:
    """Children born after this day are under `years` old on `on` (29 February birthdays fall on
    28 February in a common year, as relativedelta counts them)."""
    return on - relativedelta(years=years)


def in_age_band(key: str, *, on: date) -> Q:
    """Children whose age on `on` falls in the AGE_BANDS band `key`."""
    low, high = next((low, high) for band, low, high in AGE_BANDS if band == key)
    band = Q(date_of_birth__lte=born_after_for_age(on, low))
    if high is not None:
        band &= Q(date_of_birth__gt=born_after_for_age(on, high))
    return band


def uasc_on(on: date) -> Q:
    """Children who are unaccompanied asylum-seeking children on `on` (SSDA903 UASC dates)."""
    return Q(uasc_from__lte=on) & (Q(uasc_ceased__isnull=True) | Q(uasc_ceased__gt=on))
