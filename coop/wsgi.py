"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")

application = get_wsgi_application()

# What is loaded by now (Django, Wagtail, the apps) lives as long as the process: once the
# garbage of loading is collected, the rest is moved out of the collector's reach, so that a
# full collection during a request no longer walks it (it showed in the pages' p95).
gc.collect()
gc.freeze()
