"""The help center's public pages under /help/."""

app_name = "help"
urlpatterns: list = []
