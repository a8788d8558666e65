"""Uploads on S3-compatible object storage (django-storages), when the environment names a
bucket; without one, the local directories (MEDIA_ROOT, PPID_PRIVATE_ROOT) as before.

Two storages:

* ``default`` (photos and their renditions, attachments, lesson files and videos, tenant
  logos): objects readable by anyone (``public-read``, or a bucket policy when
  ``S3_PUBLIC_ACL`` is empty), linked by plain URLs on the bucket or ``S3_CUSTOM_DOMAIN``.
  Every stored name is fresh (a UUID folder or a suffix: ``file_overwrite`` is off), so the
  objects are cached as immutable.
* ``private`` (PPID documents and answers, identity documents, files of answers to
  aspirations): private objects in ``S3_PRIVATE_BUCKET`` (else under ``private/`` in the
  same bucket), never linked. The views that check who asks stream them
  (``core.storage.private_file_response``), as they stream the local files; a URL the
  storage is asked for anyway is signed and lives ``S3_PRIVATE_URL_SECONDS``.

This module only builds the ``STORAGES`` entries from values settings.py read; it reads
no environment and imports nothing of Django's at import time.
"""

from __future__ import annotations

from typing import Any

S3_BACKEND = "storages.backends.s3.S3Storage"
PRIVATE_ALIAS = "private"
PRIVATE_PREFIX = "private"
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"


def s3_storages(
    *,
    bucket: str,
    private_bucket: str = "",
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "",
    custom_domain: str = "",
    public_acl: str = "public-read",
    private_url_seconds: int = 60,
) -> dict[str, dict[str, Any]]:
    """The ``default`` and ``private`` STORAGES entries for a bucket (and a private one)."""
    common: dict[str, Any] = {
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "signature_version": "s3v4",
        # A self-hosted server (MinIO, Garage, Ceph) answers on one host: path-style.
        "addressing_style": "path" if endpoint_url else None,
        # Never replace an object: a name that exists gets a suffix.
        "file_overwrite": False,
    }
    public: dict[str, Any] = {
        **common,
        "bucket_name": bucket,
        "default_acl": public_acl or None,
        "querystring_auth": False,
        "custom_domain": custom_domain or None,
        "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
    }
    private: dict[str, Any] = {
        **common,
        "bucket_name": private_bucket or bucket,
        # In a shared bucket the prefix keeps them apart (and out of a public prefix policy).
        "location": "" if private_bucket and private_bucket != bucket else PRIVATE_PREFIX,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": private_url_seconds,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    return {
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": public},
        PRIVATE_ALIAS: {"BACKEND": S3_BACKEND, "OPTIONS": private},
    }


def is_object_storage(storage: Any) -> bool:
    """Whether a storage keeps its files in a bucket (rather than a local directory)."""
    from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

    return isinstance(storage, S3Storage)
