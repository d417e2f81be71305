from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "helpmesh.analytics"
    label = "analytics"
    verbose_name = "Analytics and staffing"
