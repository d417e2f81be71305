from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "helpmesh.search"
    label = "search"
    verbose_name = "Search"
