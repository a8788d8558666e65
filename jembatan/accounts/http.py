"""The request type of views that only a signed-in user reaches."""

from __future__ import annotations

from django.http import HttpRequest

from jembatan.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request behind ``login_required``: its user is a ``User``, never anonymous.

    Only an annotation (django-stubs' way of typing ``request.user``); Django still passes
    its own ``HttpRequest``.
    """

    user: User
