"""The site's addresses plus uploaded files, for browser tests (the live server runs
without DEBUG, so the site itself leaves /media/ to nginx)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from jembatan.urls import urlpatterns as site_patterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_patterns, re_path(r"^media/(?P<path>.*)$", media)]
