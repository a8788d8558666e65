"""The project's URLs plus a probe that shows what TenantMiddleware gave the view."""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone

from jembatan.tenants.current import current_code, served_code
from jembatan.urls import urlpatterns as project_urlpatterns


def probe(request: HttpRequest) -> JsonResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    return JsonResponse(
        {
            "tenant": tenant.pk,
            "code": tenant.code,
            "zone": timezone.get_current_timezone_name(),
            "current": current_code(),
            "served": served_code(),
        }
    )


urlpatterns = [path("_tenant-probe/", probe), *project_urlpatterns]
