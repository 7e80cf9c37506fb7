from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and oversight"

    def ready(self) -> None:
        from reviews import timeline  # noqa: F401  (registers the child timeline sources)
