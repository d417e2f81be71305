"""Settings for the test suite: the real settings with tasks run inline and a throwaway home.

Set HELPMESH_DATABASE_URL to run the suite on PostgreSQL; set HELPMESH_TEST_TASKS=broker (with
HELPMESH_BROKER_URL) to send tasks through Celery instead of running them inline.
"""

import os
import tempfile

os.environ.setdefault("HELPMESH_HOME", tempfile.mkdtemp(prefix="helpmesh-test-"))
if os.environ.get("HELPMESH_TEST_TASKS", "inline") == "inline":
    os.environ["HELPMESH_TASKS_IMMEDIATE"] = "1"
    os.environ.pop("HELPMESH_BROKER_URL", None)

from helpmesh.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HELPMESH_CONFIG_CACHE_SECONDS = 0  # tests change configuration and expect to see it at once
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
