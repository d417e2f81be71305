from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "helpmesh.automation"
    label = "automation"
    verbose_name = "Automation"
