"""The privacy notice (UU 27/2022 Pasal 21): what is collected, why, on what legal basis,
for how long, who sees it, the data subject's rights and how to use them.

Core knows no app: the kinds of personal data come from the registry each app fills
(core.personal_data), the tenant's contact from the context the tenant middleware gives
every page (``tenant``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from jembatan.core.personal_data import personal_data_registry
from jembatan.core.structured import government_name


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    kinds = [
        {
            "kind": kind,
            "retention": (kind.retention_text % {"days": kind.retention_days()})
            if kind.retention_text
            else "",
        }
        for kind in personal_data_registry.kinds()
    ]
    # The controller is the government that runs the site, not the product's name.
    tenant = getattr(request, "tenant", None)
    region = getattr(tenant, "region", None)
    controller = government_name(region) if region is not None else ""
    return render(request, "core/privacy.html", {"kinds": kinds, "controller": controller})
