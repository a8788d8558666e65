"""WSGI entry point (gunicorn jembatan.wsgi)."""

import gc
import os
import sys

# Importing and setting up the project makes about a million objects that live as long as
# the worker; the cyclic garbage collector would walk them all several times meanwhile (a
# quarter of the start-up's CPU) and find nothing to free. It is off while they are made;
# then they are frozen (left out of every later collection, which the requests' garbage
# keeps triggering) and the collector runs as before. gunicorn imports this module in each
# worker after the fork (no preload), so the frozen objects are the worker's own.
_collecting = gc.isenabled()
gc.disable()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jembatan.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from jembatan.env import ConfigError  # noqa: E402

try:
    application = get_wsgi_application()
except ConfigError as exc:
    sys.stderr.write(f"Configuration error: {exc}\n")
    # 3 is gunicorn's "worker failed to boot": the master stops (and systemd shows the
    # line above) instead of starting one failing worker after another.
    sys.exit(3)
finally:
    if _collecting:
        gc.freeze()
        gc.enable()
