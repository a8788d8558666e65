#!/usr/bin/env python
"""Django's command-line utility for Jembatan."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jembatan.settings")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    from jembatan.env import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        # A configuration mistake gets one line an operator can act on, not a traceback.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        sys.stderr.write(f"Database error: {str(exc).splitlines()[0]}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
