from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and oversight"

    def ready(self) -> None:
        from audit import writer
        from reviews import (  # noqa: F401  (registers the timeline sources and care-ended step)
            care_end,
            services,
            timeline,
        )

        # A saved change to a child's record stores the child's next review due again.
        writer.after_change(services.on_change)
