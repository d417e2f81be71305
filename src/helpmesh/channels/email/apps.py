from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "helpmesh.channels.email"
    label = "email_channel"
    verbose_name = "Email channel"

    def ready(self) -> None:
        from helpmesh.channels.email import outbound

        outbound.register()
