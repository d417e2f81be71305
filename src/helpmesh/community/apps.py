from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "helpmesh.community"
    label = "community"
    verbose_name = "Community"
