from django.conf import settings
from django.core.management.base import BaseCommand

from jembatan.core import jscatalog


class Command(BaseCommand):
    help = (
        "Writes the scripts' translations of every language as static files "
        "(JS_CATALOG_ROOT), for collectstatic to hash; run it before collectstatic."
    )

    def handle(self, *args, **options) -> None:
        for path in jscatalog.build(settings.JS_CATALOG_ROOT):
            if options["verbosity"] >= 1:
                self.stdout.write(str(path.relative_to(settings.JS_CATALOG_ROOT)))
