import re

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

RATE = re.compile(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)")


def check_throttle_rates(rates: dict) -> None:
    """Refuse a bad API_*_RATE at start-up rather than with a 500 on the first request."""
    from django.core.exceptions import ImproperlyConfigured

    for scope, rate in rates.items():
        if rate is not None and not RATE.fullmatch(str(rate)):
            raise ImproperlyConfigured(
                f"API rate for {scope!r} is {rate!r}; write it as number/period, "
                "e.g. 60/minute (period: second, minute, hour or day)."
            )


class ApiConfig(AppConfig):
    name = "jembatan.api"
    label = "api"
    verbose_name = _("API publik")

    def ready(self) -> None:
        from django.conf import settings

        check_throttle_rates(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}))
