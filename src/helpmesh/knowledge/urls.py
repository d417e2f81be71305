"""The help center's public pages under /help/."""

from django.urls import path

from helpmesh.knowledge import views

app_name = "help"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path(
        "search/<int:query_id>/open/<slug:kind>/<int:object_id>/",
        views.open_result,
        name="open_result",
    ),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("categories/<slug:category_slug>/<slug:slug>/", views.section, name="section"),
    path("articles/<int:article_id>/", views.article, name="article_by_id"),
    path("articles/<int:article_id>-<slug:slug>/", views.article, name="article"),
    path("articles/<int:article_id>/feedback/", views.feedback, name="feedback"),
    path("articles/<int:article_id>/files/<int:file_id>/", views.attachment, name="attachment"),
]
