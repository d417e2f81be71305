"""Routes of the customer portal, mounted under /portal/."""

from django.urls import path

from helpmesh.portal import deflection, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.new_request, name="new"),
    path("requests/new/suggest/", deflection.suggest, name="suggest"),
    path("requests/new/deflected/", deflection.deflected, name="deflected"),
    path("requests/<int:ticket_id>/", views.request_detail, name="request"),
    path("requests/<int:ticket_id>/bot-verdict/", deflection.bot_verdict, name="bot_verdict"),
]
