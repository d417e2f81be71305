"""The public status page: /status, /status.json, /status/feed.atom and subscriptions."""

from django.urls import path

from helpmesh.proactive import views

app_name = "status"
urlpatterns = [
    path("status", views.page, name="page"),
    path("status.json", views.page_json, name="json"),
    path("status/feed.atom", views.feed, name="feed"),
    path("status/subscribe", views.subscribe, name="subscribe"),
    path("status/confirm/<str:token>", views.confirm, name="confirm"),
    path("status/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
    path("status/opt-out/<str:token>", views.opt_out, name="opt_out"),
]
