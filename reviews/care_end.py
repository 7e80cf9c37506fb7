"""What the end of a child's care does to their reviews and RAG follow-ups (children.lifecycle)."""

from children.lifecycle import CareEnded, on_care_ended
from reviews import services
from reviews.models import RagRating, Review, ReviewStatus


@on_care_ended
def close_reviews_and_follow_ups(event: CareEnded) -> None:
    """Cancel the period's reviews only scheduled and end open RAG follow-ups that day.

    A review already held whose record is still a draft stays, so the IRO can finalise it.
    """
    scheduled = Review.objects.filter(period=event.period, status=ReviewStatus.SCHEDULED)
    for review in scheduled.order_by("pk"):
        services.review_cancel(
            by=event.by,
            review=review,
            version=review.version,
            reason=services.CEASED_TO_BE_LOOKED_AFTER,
            request=event.request,
        )
    open_follow_ups = RagRating.objects.filter(
        child=event.child, followed_up_on=None, follow_up_ended_on=None
    )
    for rating in open_follow_ups.order_by("pk"):
        services.rag_follow_up_end(
            by=event.by,
            rating=rating,
            on=event.on,
            reason=services.CEASED_TO_BE_LOOKED_AFTER,
            request=event.request,
        )
