from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and oversight"

    def ready(self) -> None:
        from reviews import (  # noqa: F401  (registers the timeline sources and care-ended step)
            care_end,
            timeline,
        )
