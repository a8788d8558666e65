from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jembatan.demo.loader import DEMO_PASSWORD, DemoError, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo of Kabupaten Bengkayang and Kutai Kartanegara, two tenants "
        "(idempotent: a second run changes nothing)."
    )

    def handle(self, *args, **options):
        try:
            report = demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        if report.changed:
            summary = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo loaded: created {summary}."))
        else:
            self.stdout.write("Demo already loaded; nothing changed.")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in report.logins:
            self.stdout.write(f"  {login.role:<32} {login.login}")
        self.stdout.write("Tenants (each on its own host names):")
        for name, detail, hosts in report.tenants:
            self.stdout.write(f"  {name} ({detail}): {', '.join(hosts)}")
        if not settings.DEBUG:
            self.stdout.write(self.style.WARNING("DEBUG is off: demo accounts cannot log in."))
