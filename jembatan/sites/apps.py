from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "jembatan.sites"
    label = "kimsites"
    verbose_name = _("Situs KIM")
