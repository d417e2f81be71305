from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "helpmesh.bot"
    label = "bot"
    verbose_name = "Answer bot"
