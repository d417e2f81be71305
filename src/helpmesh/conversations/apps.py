from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "helpmesh.conversations"
    label = "conversations"
    verbose_name = "Tickets"
