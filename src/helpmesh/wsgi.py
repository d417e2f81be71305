"""WSGI entry point for ``helpmesh serve`` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")
application = get_wsgi_application()
