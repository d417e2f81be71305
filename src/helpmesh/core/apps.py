from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "helpmesh.core"
    label = "core"
    verbose_name = "Kernel"

    def ready(self) -> None:
        from helpmesh.core import metrics

        metrics.connect_task_signals()  # task failures and retries, wherever tasks run
