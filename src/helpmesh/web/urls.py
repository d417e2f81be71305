"""Routes of the agent inbox, sign-in and attachment downloads (the portal has its own)."""

from django.urls import path

from helpmesh.web import favicon, health
from helpmesh.web.views import attachments, auth, inbox, ticket

app_name = "web"
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/bulk/", inbox.bulk, name="bulk"),
    path("inbox/tickets/<int:ticket_id>/", ticket.detail, name="ticket"),
    path("inbox/tickets/<int:ticket_id>/reply/", ticket.reply, name="reply"),
    path("inbox/tickets/<int:ticket_id>/update/", ticket.update, name="update"),
    path("inbox/tickets/<int:ticket_id>/merge/", ticket.merge, name="merge"),
    path("inbox/tickets/<int:ticket_id>/escalate/", ticket.escalate, name="escalate"),
    path("inbox/tickets/<int:ticket_id>/macro/", ticket.apply_macro, name="apply_macro"),
    path("attachments/<int:attachment_id>/", attachments.download, name="attachment"),
]
