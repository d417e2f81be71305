"""The community's pages under /community/: the forum, profiles and leaderboards, moderation."""

from helpmesh.community import views, views_moderation, views_profiles

app_name = "community"
urlpatterns = views.urlpatterns + views_profiles.urlpatterns + views_moderation.urlpatterns
