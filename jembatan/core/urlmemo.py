"""URL reversals kept per process: ``reverse()`` once, the same string afterwards.

A URL without per-request arguments (a menu link, a workspace entry, the pages the
second-step check lets through, a dashboard list by metric) reverses to the same path on
every request served with the same language, script prefix and URLconf. Reversing it
again costs a resolver walk each time; pages and middleware that do it on every request
ask here instead::

    memo_reverse("accounts:logout")
    memo_reverse("dashboard:list", kwargs={"metric": metric})
    memo_urls("accounts.open_paths", build)  # anything worked out from reversals

A value is kept by its key and the active language, script prefix and URLconf
(``request.urlconf``), so each variant is reversed in its own. Every changed setting
(``ROOT_URLCONF``, ``FORCE_SCRIPT_NAME``, ``STATIC_URL`` in tests) and
``jembatan.core.localcache.clear_all`` forget everything; in production URLs change only
with a deployment, which restarts the workers.

Only for arguments from a fixed set (URL names, metric names): a URL with an id or a
slug is reversed by ``reverse()``. Past ``MAX_ENTRIES`` everything is forgotten, a bound
on memory should such a key slip in, not an eviction policy.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from jembatan.core import localcache

T = TypeVar("T")

MAX_ENTRIES = 1024

_memo: dict[tuple[Hashable, ...], Any] = {}


def memo_urls(key: Hashable, build: Callable[[], T]) -> T:
    """``build()``'s value (made of reversals), worked out once per ``key``, language,
    script prefix and URLconf."""
    full = (key, get_language(), get_script_prefix(), get_urlconf())
    try:
        return _memo[full]
    except KeyError:
        pass
    value = build()
    if len(_memo) >= MAX_ENTRIES:
        _memo.clear()
    _memo[full] = value
    return value


def memo_reverse(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs)``, reversed once (see the module);
    the arguments are part of the key, so hashable (str, int)."""
    key = (
        viewname,
        tuple(args) if args else (),
        tuple(sorted(kwargs.items())) if kwargs else (),
    )
    full = (key, get_language(), get_script_prefix(), get_urlconf())
    url = _memo.get(full)
    if url is None:
        url = memo_urls(key, lambda: reverse(viewname, args=args, kwargs=kwargs))
    return url


def clear(**kwargs: Any) -> None:
    """Forget every kept URL (a setting_changed receiver; ``localcache.clear_all``)."""
    _memo.clear()


setting_changed.connect(clear, dispatch_uid="jembatan-core-urlmemo")
localcache.register(_memo)
