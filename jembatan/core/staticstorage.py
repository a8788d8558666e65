"""Collected static files: hashed names, gzip and brotli copies (WhiteNoise)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names in pages under DEBUG too (Django's own storage links the plain names
    while DEBUG is on): `make run` runs with DEBUG and serves what collectstatic wrote,
    so browsers keep each file for a year and fetch it again only when it changes.

    Only the hashed copies are compressed, and only once: pages link nothing else (the
    plain names stay on disk and are still served, uncompressed), and a hashed name's
    content never changes, so gzip and brotli copies a previous collectstatic wrote are
    kept. Brotli at its best quality is most of collectstatic's time: compressing the
    plain names too doubled it, and every `make run` compressed everything again."""

    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=True)

    def compress_files(self, paths: Iterable[str]) -> Iterator[tuple[str, str]]:
        hashed = set(self.hashed_files.values())
        fresh = []
        for path in paths:
            if path not in hashed:
                continue
            done = [path + suffix for suffix in (".br", ".gz") if self.exists(path + suffix)]
            if done and os.path.getmtime(self.path(done[0])) == os.path.getmtime(self.path(path)):
                yield from ((path, name) for name in done)
            else:
                fresh.append(path)
        yield from super().compress_files(fresh)
