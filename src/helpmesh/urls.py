"""Top-level routes: the API, the agent inbox, the customer portal, the admin and health."""

from django.contrib import admin
from django.urls import include, path

from helpmesh.api.urls import api
from helpmesh.chat.views import widget_js
from helpmesh.core.metrics import metrics_view

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("widget.js", widget_js, name="chat-widget"),
    path("portal/", include("helpmesh.portal.urls")),
    path("help/", include("helpmesh.knowledge.urls")),
    path("community/", include("helpmesh.community.urls")),
    path("account/", include("helpmesh.accounts.urls")),  # two-factor sign-in
    path("", include("helpmesh.proactive.urls")),  # /status, /status.json, /status/feed.atom
    path("", include("helpmesh.web.urls")),
]
