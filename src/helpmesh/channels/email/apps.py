from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "helpmesh.channels.email"
    label = "email_channel"
    verbose_name = "Email channel"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from helpmesh.accounts.models import User
        from helpmesh.channels.email import addresses, outbound
        from helpmesh.channels.email.models import Mailbox

        outbound.register()
        for model in (Mailbox, User):
            post_save.connect(
                addresses.forget, sender=model, dispatch_uid=f"email-{model.__name__}"
            )
            post_delete.connect(
                addresses.forget, sender=model, dispatch_uid=f"email-del-{model.__name__}"
            )
