from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "helpmesh.accounts"
    label = "accounts"
    verbose_name = "Agents and teams"
