from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "helpmesh.proactive"
    label = "proactive"
    verbose_name = "Proactive support"
