"""Rules about children's episodes of care, as the DfE's SSDA903 validation defines them."""

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


# The next review windows lists filter by and dashboards count (ADR 0017): local practice.
NEXT_REVIEW_SOON_DAYS = 28
NEXT_REVIEW_WINDOWS = {"overdue": "Overdue", "due_4_weeks": "Due in the next 4 weeks"}
