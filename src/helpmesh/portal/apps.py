from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "helpmesh.portal"
    label = "portal"
    verbose_name = "Customer portal"
