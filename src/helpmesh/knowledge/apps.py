from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "helpmesh.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"
