"""Page-number pagination with clear errors: a page past the end is a 404 that says how
many pages there are; a page that is not a positive number is a 400."""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class ApiPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        # DRF falls back to the default size on a bad value; say so instead (a size past
        # the maximum is still cut to it, as documented).
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (
            raw.isascii() and raw.isdecimal() and len(raw) <= 7 and int(raw) >= 1
        ):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Jumlah per halaman harus bilangan bulat 1 atau lebih.")
                    ]
                }
            )
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not (raw.isascii() and raw.isdecimal() and len(raw) <= 7) or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_query_param: [_("Nomor halaman harus bilangan bulat 1 atau lebih.")]}
            )
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(int(raw))
        except InvalidPage as exc:
            raise exceptions.NotFound(
                _(
                    "Halaman %(page)s tidak ada: hasil ini hanya %(pages)s halaman "
                    "(%(count)s data, %(size)s per halaman)."
                )
                % {
                    "page": int(raw),
                    "pages": paginator.num_pages,
                    "count": paginator.count,
                    "size": page_size,
                }
            ) from exc
        return list(self.page)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "page": self.page.number,
                "pages": self.page.paginator.num_pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "page", "pages", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "page": {"type": "integer", "example": 1},
                "pages": {"type": "integer", "example": 7},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Nomor halaman (mulai dari 1).")),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Jumlah data per halaman (paling banyak 100).")),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
