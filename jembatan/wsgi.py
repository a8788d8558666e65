"""WSGI entry point (gunicorn jembatan.wsgi)."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jembatan.settings")

from django.core.wsgi import get_wsgi_application

from jembatan.env import ConfigError

try:
    application = get_wsgi_application()
except ConfigError as exc:
    sys.stderr.write(f"Configuration error: {exc}\n")
    # 3 is gunicorn's "worker failed to boot": the master stops (and systemd shows the
    # line above) instead of starting one failing worker after another.
    sys.exit(3)
