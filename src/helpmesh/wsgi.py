"""WSGI entry point for ``helpmesh serve`` (granian) and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")
application = get_wsgi_application()
