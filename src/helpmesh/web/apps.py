from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "helpmesh.web"
    label = "web"
    verbose_name = "Agent inbox"
