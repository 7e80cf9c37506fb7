"""Reviews and the IRO's oversight between them; split by area, re-exported here."""

from reviews.models.oversight import OversightKind, OversightNote, RagRating, Rating
from reviews.models.review import (
    Chair,
    ConsultationBand,
    Decision,
    DecisionStatus,
    LateReason,
    Participation,
    Review,
    ReviewFormat,
    ReviewStatus,
    Timeliness,
    YesNoNA,
)

__all__ = [
    "Chair",
    "ConsultationBand",
    "Decision",
    "DecisionStatus",
    "LateReason",
    "OversightKind",
    "OversightNote",
    "Participation",
    "RagRating",
    "Rating",
    "Review",
    "ReviewFormat",
    "ReviewStatus",
    "Timeliness",
    "YesNoNA",
]
