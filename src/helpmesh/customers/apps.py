from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "helpmesh.customers"
    label = "customers"
    verbose_name = "Customers"
