from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "helpmesh.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # Modules that listen to community events register themselves when imported
        # (community.events); one import line each.
        from helpmesh.community import (  # noqa: F401
            crowd,
            indexing,
            notifications,
            reputation,
        )
