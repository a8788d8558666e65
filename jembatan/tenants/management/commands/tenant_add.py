from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http.request import validate_host

from jembatan.tenants.models import TimeZone
from jembatan.tenants.setup import TenantSetupError, tenant_add


class Command(BaseCommand):
    help = (
        "Serve a kabupaten/kota as a tenant on one or more host names (idempotent: adds "
        "hosts to an existing tenant). Meant for the first tenant of a fresh install; "
        "later changes belong in /kelola/platform/tenant/, which keeps the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="The kabupaten/kota code, e.g. 61.07.")
        parser.add_argument(
            "--host",
            action="append",
            required=True,
            dest="hosts",
            help="A host name it answers on (repeat for more; the first is the primary one).",
        )
        parser.add_argument("--name", help='Display name (default: "<SITE_NAME> <region>").')
        parser.add_argument(
            "--time-zone", dest="time_zone", help=f"One of {', '.join(TimeZone.values)}."
        )

    def handle(self, *args, code, hosts, name=None, time_zone=None, **options):
        try:
            setup = tenant_add(code, hosts, name=name, time_zone=time_zone)
        except TenantSetupError as exc:
            raise CommandError(str(exc)) from None
        tenant = setup.tenant
        label = f"{tenant.name} ({tenant.code}, {tenant.time_zone})"
        if setup.created:
            self.stdout.write(self.style.SUCCESS(f"Created tenant {label}."))
        elif setup.changed:
            self.stdout.write(f"Updated tenant {label}: {', '.join(setup.changed)}.")
        for host in setup.added_hosts:
            self.stdout.write(f"Added host {host}.")
        if not setup.did_something:
            self.stdout.write(f"Tenant {label} already answers on these hosts; nothing changed.")
        hosts_now = list(tenant.hosts.order_by("-is_primary", "host"))
        self.stdout.write(
            "Hosts: "
            + ", ".join(h.host + (" (primary)" if h.is_primary else "") for h in hosts_now)
        )
        refused = [h.host for h in hosts_now if not validate_host(h.host, settings.ALLOWED_HOSTS)]
        if refused:
            self.stdout.write(
                self.style.WARNING(
                    f"ALLOWED_HOSTS does not accept {', '.join(refused)}: add them "
                    "(or a domain pattern such as .example.go.id) before serving."
                )
            )
