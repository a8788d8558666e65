"""Collected static files: hashed names, gzip and brotli copies (WhiteNoise)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names in pages under DEBUG too (Django's own storage links the plain names
    while DEBUG is on): `make run` runs with DEBUG and serves what collectstatic wrote,
    so browsers keep each file for a year and fetch it again only when it changes."""

    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=True)
