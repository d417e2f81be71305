"""Django settings for helpmesh, all from HELPMESH_* environment variables (see helpmesh.config)."""

from __future__ import annotations

from helpmesh import config
from helpmesh.core.logs import log_format

HOME = config.home()
DEBUG = config.env_bool("HELPMESH_DEBUG", False)
SECRET_KEY = config.secret_key(HOME)
ALLOWED_HOSTS = config.allowed_hosts()
CSRF_TRUSTED_ORIGINS = [
    o for o in (config.env("HELPMESH_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o
]
BASE_URL = config.env("HELPMESH_BASE_URL", "http://127.0.0.1:8000") or ""

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "ninja",  # Swagger UI from its own static files (without it, /api/v1/docs loads a CDN)
    "django_tasks",
    "django_tasks_db",
    "helpmesh.core",
    "helpmesh.accounts",
    "helpmesh.customers",
    "helpmesh.conversations",
    "helpmesh.routing",
    "helpmesh.automation",
    "helpmesh.channels.email",
    "helpmesh.search",
    "helpmesh.knowledge",
    "helpmesh.bot",
    "helpmesh.chat",
    "helpmesh.community",
    "helpmesh.proactive",
    "helpmesh.portal",
    "helpmesh.web",
    "helpmesh.analytics",
    "helpmesh.simulate",
]

MIDDLEWARE = [
    "helpmesh.core.metrics.RequestMetrics",  # first: times everything below (docs/operations.md)
    "django.middleware.security.SecurityMiddleware",
    "helpmesh.chat.cors.VisitorCors",  # the chat widget calls the visitor API from other sites
    "helpmesh.core.security_headers.SecurityHeaders",  # CSP, Permissions-Policy, HSTS
    "helpmesh.api.middleware.RequestSizeLimit",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "helpmesh.urls"
WSGI_APPLICATION = "helpmesh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": config.database(HOME)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["helpmesh.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
MEDIA_ROOT = HOME / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Attachments: one file and one message's total, in bytes.
HELPMESH_MAX_ATTACHMENT_BYTES = config.env_int("HELPMESH_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
HELPMESH_MAX_MESSAGE_ATTACHMENTS_BYTES = config.env_int(
    "HELPMESH_MAX_MESSAGE_ATTACHMENTS_BYTES", 25 * 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = HELPMESH_MAX_MESSAGE_ATTACHMENTS_BYTES * 2
# What one message may say (characters), and one API request's size (bytes, checked before the
# body is read). The request default leaves room for a message's attachments in base64 and for
# a raw mail on the inbound webhook (HELPMESH_EMAIL_MAX_BYTES, 40 MiB).
HELPMESH_MAX_BODY_CHARS = config.env_int("HELPMESH_MAX_BODY_CHARS", 200_000)
HELPMESH_MAX_BODY_HTML_CHARS = config.env_int("HELPMESH_MAX_BODY_HTML_CHARS", 1_000_000)
HELPMESH_MAX_REQUEST_BYTES = config.env_int(
    "HELPMESH_MAX_REQUEST_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE
)
# Steps that higher layers (triage, routing, SLAs) run after ticket changes: conversations.hooks.
HELPMESH_TICKET_HOOKS: dict[str, list[str]] = {
    # triage.classify goes first in "received" (it writes intent for the routing rules).
    # bot.answer_first goes before routing: its verdict decides what the self_service layer does.
    "received": [
        "helpmesh.triage.steps.classify",
        "helpmesh.bot.steps.answer_first",
        "helpmesh.community.crowd.offer",  # names the experts a crowd question goes to
        "helpmesh.routing.steps.route",
        "helpmesh.proactive.linking.link_new_ticket",  # a ticket about an open incident
        "helpmesh.automation.steps.on_received",
    ],
    "message_added": [
        "helpmesh.routing.steps.track_message",
        "helpmesh.bot.steps.customer_wrote",
        "helpmesh.community.crowd.staff_replied",
        "helpmesh.chat.steps.publish_message",  # a reply on a chat ticket reaches the widget
    ],
    "updated": [
        "helpmesh.routing.steps.track_update",
        "helpmesh.automation.steps.on_updated",
        "helpmesh.channels.email.steps.notify_status_change",
    ],
}
HELPMESH_SUPPORT_ADDRESS = config.env("HELPMESH_SUPPORT_ADDRESS", "support@example.com")
# The answer bot (docs/bot.md): below these confidences it hands off (calibrated defaults:
# bench/bot_calibrate.py); questions touching these topics always go to a person.
HELPMESH_BOT_MIN_CONFIDENCE = float(config.env("HELPMESH_BOT_MIN_CONFIDENCE", "0.35") or 0.35)
HELPMESH_BOT_MIN_LEXICAL_CONFIDENCE = float(
    config.env("HELPMESH_BOT_MIN_LEXICAL_CONFIDENCE", "0.54") or 0.54
)
_NEVER_AUTOMATE = "billing dispute,chargeback,legal,cancel contract"
HELPMESH_BOT_NEVER_AUTOMATE = [
    t.strip()
    for t in (config.env("HELPMESH_BOT_NEVER_AUTOMATE", _NEVER_AUTOMATE) or "").split(",")
    if t.strip()
]
# Periodic work the worker enqueues ({task path: seconds}; core.scheduler). The tasks claim rows,
# so running several schedulers is safe.
HELPMESH_PERIODIC_TASKS: dict[str, float] = {
    "helpmesh.routing.tasks.sweep": 60,
    "helpmesh.community.crowd_tasks.escalate": 60,
    "helpmesh.automation.tasks.time_triggers": 60,
    "helpmesh.automation.tasks.retry_webhooks": 60,
    "helpmesh.channels.email.tasks.poll_due_mailboxes": 15,
    "helpmesh.triage.tasks.retrain": 86400,  # skips while the model is younger than 20 h
    "helpmesh.community.tasks.send_digests": 3600,  # a member's digest at most once a day
    "helpmesh.proactive.tasks.run_monitors": 15,  # claims due monitors (proactive.monitors)
}
# Search (docs/search.md): "off" makes it lexical only even with the ml extra; the exported
# encoder's folder; the vector index ("auto": exact below 20k documents, usearch above;
# "usearch"; "exact" numpy brute force).
HELPMESH_SEARCH_SEMANTIC = config.env("HELPMESH_SEARCH_SEMANTIC", "auto")
HELPMESH_SEARCH_ENCODER_DIR = config.env("HELPMESH_SEARCH_ENCODER_DIR", "")
HELPMESH_SEARCH_VECTOR_INDEX = config.env("HELPMESH_SEARCH_VECTOR_INDEX", "auto")
# How long configuration read on every ticket may be cached per process (core.config_cache).
HELPMESH_CONFIG_CACHE_SECONDS = config.env_int("HELPMESH_CONFIG_CACHE_SECONDS", 5)
# Functions yielding every search.documents.Document of a source, for `helpmesh search reindex`.
HELPMESH_SEARCH_SOURCES = [
    "helpmesh.knowledge.search_source.documents",
    "helpmesh.community.search_source.documents",
]
# The private community groups a user belongs to (search shows a group's topics to them only).
HELPMESH_SEARCH_GROUPS = "helpmesh.community.access.group_slugs"
# Networks webhooks may post to although they are not public (on-prem receivers, tests): a comma
# list of CIDRs, e.g. "10.0.0.0/8,127.0.0.1/32". Empty: public addresses only (automation.targets).
_webhook_networks = config.env("HELPMESH_WEBHOOK_ALLOWED_NETWORKS") or ""
HELPMESH_WEBHOOK_ALLOWED_NETWORKS = [n.strip() for n in _webhook_networks.split(",") if n.strip()]

_email = config.email(HOME)
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_FILE_PATH = HOME / "sent-mail"
DEFAULT_FROM_EMAIL = HELPMESH_SUPPORT_ADDRESS

# Background tasks: one API (django.tasks), three backends. See docs/adr/0003-task-queue.md.
BROKER_URL = config.broker_url()
if config.env_bool("HELPMESH_TASKS_IMMEDIATE", False):
    _task_backend = "django_tasks.backends.immediate.ImmediateBackend"
elif BROKER_URL:
    _task_backend = "helpmesh.core.taskqueue.CeleryBackend"
else:
    _task_backend = "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": _task_backend, "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "helpmesh.core.logs.JsonFormatter"},
    },
    # HELPMESH_LOG_FORMAT=json: one JSON object per line (core.logs, docs/operations.md).
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format()}},
    "root": {"handlers": ["console"], "level": config.env("HELPMESH_LOG_LEVEL", "WARNING")},
    "loggers": {"helpmesh": {"level": config.env("HELPMESH_LOG_LEVEL", "INFO")}},
}

# GET /metrics (core.metrics): with a token, callers send it as a bearer token; without, only
# loopback callers are answered.
HELPMESH_METRICS_TOKEN = config.env("HELPMESH_METRICS_TOKEN")

SESSION_COOKIE_HTTPONLY = True
# HTTPS (docs/operations.md): over TLS answers carry HSTS and cookies are Secure on their own
# (core.security_headers); HELPMESH_HTTPS declares TLS for every request (it ends at a proxy that
# sends no X-Forwarded-Proto) and is on when HELPMESH_BASE_URL is https://.
HELPMESH_HTTPS = config.env_bool("HELPMESH_HTTPS", BASE_URL.startswith("https://"))
HELPMESH_HSTS_SECONDS = config.env_int("HELPMESH_HSTS_SECONDS", 31_536_000)
SESSION_COOKIE_SECURE = config.env_bool("HELPMESH_SECURE_COOKIES", HELPMESH_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Sign-in throttling (accounts.throttle, docs/adr/0029-login-throttling.md): free failures per
# account and per client address, then a pause of LOCK seconds doubling per failure up to MAX;
# WINDOW quiet seconds forget the count. TRUSTED_PROXIES: reverse proxies in front (0: none).
HELPMESH_LOGIN_ACCOUNT_FAILURES = config.env_int("HELPMESH_LOGIN_ACCOUNT_FAILURES", 5)
HELPMESH_LOGIN_ADDRESS_FAILURES = config.env_int("HELPMESH_LOGIN_ADDRESS_FAILURES", 10)
HELPMESH_LOGIN_LOCK_SECONDS = config.env_int("HELPMESH_LOGIN_LOCK_SECONDS", 30)
HELPMESH_LOGIN_MAX_LOCK_SECONDS = config.env_int("HELPMESH_LOGIN_MAX_LOCK_SECONDS", 3600)
HELPMESH_LOGIN_FAILURE_WINDOW_SECONDS = config.env_int("HELPMESH_LOGIN_FAILURE_WINDOW_SECONDS", 900)
HELPMESH_TRUSTED_PROXIES = config.env_int("HELPMESH_TRUSTED_PROXIES", 0)
# Roles that must sign in with a second factor (accounts.twofactor): a comma list, or "none".
_2fa_roles = config.env("HELPMESH_2FA_REQUIRED_ROLES", "admin") or ""
HELPMESH_2FA_REQUIRED_ROLES = [
    role.strip() for role in _2fa_roles.split(",") if role.strip() and role.strip() != "none"
]
if HELPMESH_TRUSTED_PROXIES:  # a trusted proxy says which scheme the browser used
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
