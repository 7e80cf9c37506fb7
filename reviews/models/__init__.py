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
    YesNoNA,
)
from reviews.models.support import (
    AdvocacyOutcome,
    AdvocacyReferral,
    ContactLog,
    ContactMethod,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
    VisitorStatus,
)

__all__ = [
    "AdvocacyOutcome",
    "AdvocacyReferral",
    "Chair",
    "ConsultationBand",
    "ContactLog",
    "ContactMethod",
    "Decision",
    "DecisionStatus",
    "InContactPlan",
    "IndependentVisitor",
    "IvMatch",
    "IvReferral",
    "LateReason",
    "OversightKind",
    "OversightNote",
    "Participation",
    "RagRating",
    "Rating",
    "Review",
    "ReviewFormat",
    "ReviewStatus",
    "VisitorStatus",
    "YesNoNA",
]
