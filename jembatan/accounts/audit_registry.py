"""The one list of audit actions: every app declares its own, accounts keeps the list.

Accounts imports no upper app, so each app names its actions in its own
``audit_actions.py``: a ``TextChoices`` whose values are the stored action names and whose
labels say, in Indonesian (English as translation), what happened::

    @register_actions
    class AuditAction(models.TextChoices):
        POST_CREATE = "post.create", _("Berita dibuat")

``AccountsConfig.ready`` imports every app's ``audit_actions`` module
(``autodiscover_modules``, the admin's pattern), so the list is complete before any request.
``audit_record`` refuses a name that is not registered, so a typo fails at once, and the
pages that show audit rows read the label with ``action_label``. The values are the names
already stored in ``AuditLog.action``: rows written before the registry keep their meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class UnregisteredAuditAction(ValueError):
    """An audit row was asked for with an action no app declared."""


@dataclass(frozen=True)
class ActionInfo:
    name: str
    app: str  # the app that declared it ("sites", "aspirations" …)
    label: Any  # a lazy translatable string


_ACTIONS: dict[str, ActionInfo] = {}
C = TypeVar("C", bound=type[models.TextChoices])


def _app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "jembatan" else parts[0]


def register_actions(choices: C) -> C:
    """Register every member of an app's action choices (usable as a class decorator)."""
    app = _app_of(choices.__module__)
    for member in choices:
        known = _ACTIONS.get(member.value)
        if known is not None and known.app != app:
            raise ImproperlyConfigured(
                f"Audit action {member.value!r} is declared by both {known.app} and {app}."
            )
        _ACTIONS[member.value] = ActionInfo(name=member.value, app=app, label=member.label)
    return choices


def is_registered(action: str) -> bool:
    return str(action) in _ACTIONS


def require_registered(action: str) -> str:
    if str(action) not in _ACTIONS:
        raise UnregisteredAuditAction(
            f"Unknown audit action {action!r}: declare it in the app's audit_actions.py."
        )
    return str(action)


def action_label(action: str) -> Any:
    """What the action means, for a reader; an unknown (old) name is shown as it is."""
    info = _ACTIONS.get(action)
    return info.label if info is not None else action


def registered_actions() -> dict[str, ActionInfo]:
    return dict(_ACTIONS)
