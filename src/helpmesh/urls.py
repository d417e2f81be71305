"""Top-level routes: the API, the agent inbox, the customer portal, the admin and health."""

from django.contrib import admin
from django.urls import include, path

from helpmesh.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("portal/", include("helpmesh.portal.urls")),
    path("help/", include("helpmesh.knowledge.urls")),
    path("community/", include("helpmesh.community.urls")),
    path("", include("helpmesh.web.urls")),
]
