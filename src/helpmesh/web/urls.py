from django.urls import path

from helpmesh.web import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
