"""A URLconf for tests: the server is up but answers every request with 503."""

from django.http import HttpRequest, HttpResponse
from django.urls import re_path


def unavailable(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Layanan sedang tidak tersedia", status=503, content_type="text/plain")


urlpatterns = [re_path(r"", unavailable)]
