"""OpenAPI: the bearer-token scheme and which paths make up the v1 document.

drf-spectacular imports this module through SPECTACULAR_SETTINGS (the generator below,
the preprocessing hook), which registers the scheme before any schema is made: its views
with the URLconf, `manage.py spectacular` when it runs. The app's ready() does not, so
django.setup() alone does not import drf-spectacular and DRF (a sixth of its CPU).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator as SpectacularSchemaGenerator

API_PREFIX = "/api/v1/"


class SchemaGenerator(SpectacularSchemaGenerator):
    """drf-spectacular's generator (DEFAULT_GENERATOR_CLASS), named from here so that
    whatever makes the schema (the view, `manage.py spectacular`) imports this module."""


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "jembatan.api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token dari /kelola/api/: Authorization: Bearer jbt_…",
        }


def only_v1(endpoints):
    """drf-spectacular preprocessing hook: the v1 document holds the v1 paths only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
