"""The baselines' WSGI entry point (`gunicorn bench_baselines.wsgi`, run
from scripts/)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench_baselines.settings"

application = get_wsgi_application()
