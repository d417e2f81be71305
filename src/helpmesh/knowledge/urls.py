"""The help center's public pages under /help/."""

from django.urls import path

app_name = "help"
urlpatterns: list = []
