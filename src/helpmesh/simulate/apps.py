from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "helpmesh.simulate"
    label = "simulate"
    verbose_name = "Support model simulator"
