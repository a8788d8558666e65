"""An S3-compatible server for the tests: moto's standalone server, a process of its own on
a free port of 127.0.0.1 (a real HTTP server speaking the S3 protocol, not a mock of our
code), started once per test process; each test gets fresh buckets and the settings that
point the storages at them (core.objectstorage)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from jembatan.core.objectstorage import s3_storages

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"  # noqa: S105 (the test server's own)
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The endpoint URL of a moto S3 server running for the whole session."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("The moto S3 server did not start.") from None
                time.sleep(0.05)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Buckets:
    endpoint: str
    public: str
    private: str
    storages: dict[str, dict[str, Any]]

    def client(self) -> Any:
        import boto3  # type: ignore[import-untyped]

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        answer = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in answer.get("Contents", []))


def make_buckets(endpoint: str) -> Buckets:
    """Two fresh buckets (public and private) and the STORAGES entries that use them."""
    tag = uuid.uuid4().hex[:12]
    public, private = f"media-{tag}", f"private-{tag}"
    entries = s3_storages(
        bucket=public,
        private_bucket=private,
        endpoint_url=endpoint,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region=REGION,
    )
    buckets = Buckets(endpoint=endpoint, public=public, private=private, storages=entries)
    client = buckets.client()
    client.create_bucket(Bucket=public)
    client.create_bucket(Bucket=private)
    return buckets


@pytest.fixture
def s3_buckets(s3_server: str, settings: Any) -> Buckets:
    """Fresh buckets, with the site's storages on them for the test."""
    buckets = make_buckets(s3_server)
    settings.STORAGES = {**settings.STORAGES, **buckets.storages}
    return buckets
