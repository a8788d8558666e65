from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Everything `make run` does before collecting the static files, in one process "
        "(each command on its own would start Django again): migrate, import_regions, "
        "load_holidays, load_demo, build_js_catalog."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        out = {"stdout": self.stdout, "stderr": self.stderr}
        call_command("migrate", interactive=False, verbosity=verbosity, **out)
        call_command("import_regions", verbosity=verbosity, **out)
        call_command("load_holidays", verbosity=verbosity, **out)
        call_command("load_demo", verbosity=verbosity, **out)
        call_command("build_js_catalog", verbosity=0, **out)
