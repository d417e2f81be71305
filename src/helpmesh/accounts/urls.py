"""Routes of two-factor sign-in (the rest of signing in lives in helpmesh.web)."""

from django.urls import path

from helpmesh.accounts import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.enrol, name="two_factor_enrol"),
    path("two-factor/verify/", views.verify, name="two_factor_verify"),
]
