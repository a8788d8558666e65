"""OpenAPI: the bearer-token scheme and which paths make up the v1 document."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

API_PREFIX = "/api/v1/"


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
