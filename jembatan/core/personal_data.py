"""The registry of personal data (UU 27/2022): where each app keeps a data subject's data,
and how to show, correct, erase and trace it.

Core imports no app, so it only keeps the list. Each app that stores personal data of
citizens describes it in its own ``personal_data.py`` module and registers a ``Kind``
here (core's AppConfig discovers those modules, as the workspace does with
``workspace.py``). Three things read the registry:

- erasure (the data subject's request, UU 27/2022 Pasal 8 and 43; the retention jobs,
  Pasal 42 and 44) goes through ``erase`` so that every field, file, text and audit note
  the app declared is reached, not only the name and contact;
- the command ``personal_data_touched`` (the breach runbook, Pasal 46) asks every kind
  which subjects had records changed in a time window;
- the privacy notice (Pasal 21) lists what each kind collects, why, on what basis and
  for how long.

An audit row keeps the fact (action, time, actor), not the content: an app's eraser
replaces the personal text inside its audit rows with ``ERASED``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# What replaces a personal text (a follow-up, an audit note) once it is erased.
ERASED = "[dihapus]"


@dataclass(frozen=True)
class Touched:
    """A data subject whose records changed in a window: a reference people can look up
    (a case code, a request number), how to reach them, and the contact itself (printed
    only when asked)."""

    kind: str
    reference: str
    channels: tuple[str, ...]  # "email", "telepon"
    contact: dict[str, str] = field(default_factory=dict)
    erased: bool = False


@dataclass(frozen=True)
class Kind:
    """One kind of data subject (an aspiration's reporter, a PPID requester).

    ``erase(subject, actor=..., reason=...)`` removes every personal field, file and text
    of one subject (returns False when there was nothing left to erase);
    ``touched(since, until)`` lists the subjects whose records changed in the window;
    ``retention_days()`` the days they are kept after their matter ends; the notice texts
    (lazy translatable strings) feed the privacy page."""

    key: str  # "<app>.<who>"
    title: Any
    collected: Any
    purpose: Any
    basis: Any
    who_sees: Any
    erase: Callable[..., bool]
    touched: Callable[[datetime.datetime, datetime.datetime], Iterable[Touched]]
    retention_days: Callable[[], int]
    retention_text: Any = ""
    order: int = 100


class AlreadyRegistered(Exception):
    pass


class PersonalDataRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, Kind] = {}

    def register(self, kind: Kind) -> Kind:
        if kind.key in self._kinds:
            raise AlreadyRegistered(kind.key)
        self._kinds[kind.key] = kind
        return kind

    def unregister(self, key: str) -> None:
        self._kinds.pop(key, None)

    def kinds(self) -> list[Kind]:
        return sorted(self._kinds.values(), key=lambda k: (k.order, k.key))

    def get(self, key: str) -> Kind:
        return self._kinds[key]

    def erase(self, key: str, subject: Any, *, actor: Any = None, reason: str) -> bool:
        """Erase one subject's personal data through the kind that holds it."""
        return self._kinds[key].erase(subject, actor=actor, reason=reason)

    def touched(self, since: datetime.datetime, until: datetime.datetime) -> list[Touched]:
        found: list[Touched] = []
        for kind in self.kinds():
            found.extend(kind.touched(since, until))
        return found


personal_data_registry = PersonalDataRegistry()


def scrub_text(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values`` (a name, a phone number...) replaced by the marker:
    for texts that stay (a staff note) but may quote the subject."""
    for value in sorted({v for v in values if v and len(v) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(value), ERASED, text, flags=re.IGNORECASE)
    return text
