from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "helpmesh.automation"
    label = "automation"
    verbose_name = "Automation"

    def ready(self) -> None:
        from helpmesh.automation import targets

        targets.allowed_networks()  # a malformed allowlist fails at start, naming the variable
