"""The REST API under /api/v1/: each app's router mounted on one NinjaAPI."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from helpmesh import __version__
from helpmesh.accounts.api import router as accounts_router
from helpmesh.api import errors
from helpmesh.api.auth import AUTH
from helpmesh.automation.api import router as automation_router
from helpmesh.bot.api import router as bot_router
from helpmesh.channels.email.api import router as email_router
from helpmesh.chat.api import router as chat_router
from helpmesh.community import api as community_api
from helpmesh.community import api_crowd, api_moderation, api_reputation
from helpmesh.conversations.api import router as tickets_router
from helpmesh.customers.api import router as customers_router
from helpmesh.customers.privacy_api import router as privacy_router
from helpmesh.knowledge.api import router as knowledge_router
from helpmesh.proactive.api import router as proactive_router
from helpmesh.routing.api import router as routing_router
from helpmesh.search.api import router as search_router

api = NinjaAPI(
    title="helpmesh",
    version=__version__,
    description="Every channel, one conversation. Authenticate with `POST /auth/token`, then "
    "send `Authorization: Bearer <token>`.",
    auth=AUTH,
    urls_namespace="api",
    # Served from ninja's static files ("ninja" in INSTALLED_APPS); no validator badge either,
    # which Swagger UI would fetch from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", customers_router)
api.add_router("", privacy_router)  # GDPR export and erasure
api.add_router("", tickets_router)
api.add_router("", routing_router)
api.add_router("", email_router)
api.add_router("", automation_router)
api.add_router("", search_router)
api.add_router("", knowledge_router)
api.add_router("", bot_router)
api.add_router("", proactive_router)
api.add_router("", chat_router)
for community_router in (community_api, api_reputation, api_moderation, api_crowd):
    api.add_router("/community", community_router.router)

urlpatterns = api.urls
