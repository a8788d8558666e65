"""Open311 GeoReport v2, mounted at /open311/v2/ (jembatan.api.open311)."""

from django.urls import path, re_path

from jembatan.api import open311

app_name = "open311"

# The format is the path's extension, as the spec has it; any other extension is a 404.
FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    path("", open311.not_found, name="root"),
    re_path(r"^discovery" + FORMAT, open311.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, open311.service_list, name="services"),
    re_path(
        r"^services/(?P<code>[^/]+?)" + FORMAT,
        open311.service_definition,
        name="service_definition",
    ),
    re_path(r"^requests" + FORMAT, open311.service_requests, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[^/]+?)" + FORMAT,
        open311.request_detail,
        name="request_detail",
    ),
    # Everything else under /open311/v2/ answers in the spec's error format.
    re_path(r"^", open311.not_found, name="not_found"),
]
