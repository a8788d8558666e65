"""JSON bodies of the API: nesting too deep for the parser is a 400, not a server error."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # Python's parser recurses once per level: a body nested thousands deep
            # exhausts the stack, which DRF's ValueError handler does not catch.
            raise exceptions.ParseError(_("Isi JSON bersarang terlalu dalam.")) from exc
