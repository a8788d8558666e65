"""Log in with an email address or an Indonesian phone number."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from jembatan.accounts.models import User
from jembatan.accounts.phone import looks_like_phone, normalize_phone
from jembatan.core.compiled import CompiledQuery

# The signed-in user, read on every request by AuthenticationMiddleware: compiled once.
_user_by_id = CompiledQuery(lambda pk: User._default_manager.filter(pk=pk), -424242)


def user_read(user_id: int) -> tuple[CompiledQuery[User], tuple[int]]:
    """The read ``get_user`` makes for this id, to be sent with others (core.compiled's
    ``read_together``)."""
    return _user_by_id, (user_id,)


def find_user_by_login(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    if looks_like_phone(login):
        try:
            return User.objects.filter(phone=normalize_phone(login)).first()
        except ValidationError:
            return None
    return User.objects.filter(email__iexact=login).first()


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = find_user_by_login(username)
        if user is None:
            # Spend the same time as a real check, so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user: User) -> bool:  # type: ignore[override]
        if user.is_demo and not settings.DEBUG:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: int) -> User | None:
        if type(user_id) is int:
            # ModelBackend.get_user, with the query compiled once per process.
            found = _user_by_id(user_id)
            user = found[0] if found and self.user_can_authenticate(found[0]) else None
        else:
            user = super().get_user(user_id)
        if user is not None and user.is_demo and not settings.DEBUG:
            return None
        return user
