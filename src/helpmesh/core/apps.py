from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "helpmesh.core"
    label = "core"
    verbose_name = "Kernel"
