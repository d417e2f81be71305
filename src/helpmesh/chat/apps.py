from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "helpmesh.chat"
    label = "chat"
    verbose_name = "Live chat"

    def ready(self) -> None:
        from helpmesh.chat import delivery

        delivery.register()
