from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "helpmesh.routing"
    label = "routing"
    verbose_name = "Routing and SLAs"
