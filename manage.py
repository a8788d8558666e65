#!/usr/bin/env python
"""Django's command-line utility for Jembatan."""

import gc
import os
import sys


def main() -> None:
    # Start-up (the imports, django.setup(), loading the command) makes about a million
    # objects that live as long as the process; the cyclic garbage collector would walk
    # them all several times meanwhile (a quarter of the start-up's CPU) and find nothing
    # to free. It is off until the command is loaded; then those objects are frozen (left
    # out of every later collection, also in the children of a command that forks) and the
    # collector runs as usual for what the command itself makes.
    gc.disable()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jembatan.settings")
    from django.core.management import BaseCommand, ManagementUtility
    from django.db import OperationalError

    from jembatan.env import ConfigError

    class Utility(ManagementUtility):
        def fetch_command(self, subcommand: str) -> BaseCommand:
            # Called once the apps are set up, and before the command runs.
            command = super().fetch_command(subcommand)
            if not gc.isenabled():
                gc.freeze()
                gc.enable()
            return command

    try:
        Utility(sys.argv).execute()
    except ConfigError as exc:
        # A configuration mistake gets one line an operator can act on, not a traceback.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        sys.stderr.write(f"Database error: {str(exc).splitlines()[0]}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
