"""Collected static files: hashed names, gzip and brotli copies (WhiteNoise)."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator

import brotli  # type: ignore[import-untyped]
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
            if self._compressed_before(path):
                yield from ((path, path + suffix) for suffix in (".br", ".gz"))
            else:
                fresh.append(path)
        yield from super().compress_files(fresh)

    def _compressed_before(self, path: str) -> bool:
        """Both copies are there and unpack to the file (a run cut short may have left
        one half written). collectstatic writes CSS and JS files again on every run, so
        their times say nothing; unpacking is fast, brotli's packing is not."""
        try:
            with self.open(path) as handle:
                data = handle.read()
            with self.open(path + ".br") as handle:
                if brotli.decompress(handle.read()) != data:
                    return False
            with self.open(path + ".gz") as handle:
                return gzip.decompress(handle.read()) == data
        except (OSError, brotli.error, gzip.BadGzipFile, EOFError):
            return False
