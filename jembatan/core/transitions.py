"""One type for every state machine of the project.

A machine is a table ``action -> Transition``: the states an action may start from, the
state it leads to, its label and, where it matters, who may take it. Services keep their
own order of checks (lock the row, check the actor, check the version, check the state),
using the machine for the parts that are the same everywhere:

    POST_MACHINE = Machine(
        noun=gettext_lazy("berita"),
        transitions={
            "submit": Transition({S.DRAFT}, S.REVIEW, gettext_lazy("Ajukan"), can_edit_post),
        },
    )
    step = POST_MACHINE.step("submit")              # unknown action: ValidationError
    POST_MACHINE.require_state(step, "submit", post.status, post.get_status_display())
    POST_MACHINE.available(post.status, user, post)  # the actions to offer

A transition whose ``target`` is None keeps the state (editing a draft, correcting a
published item): it still says from which states it may be taken.

Nothing here imports an app: core is the ground floor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

Check = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Transition:
    """One step: from any of ``sources`` to ``target``; ``allowed(actor, obj)`` says who.
    ``target`` None: the step keeps the state it starts from."""

    sources: frozenset[str]
    target: str | None
    label: Any = ""  # a lazy translated string: the button's text
    allowed: Check | None = None

    def __init__(
        self,
        sources: Iterable[str],
        target: str | None,
        label: Any = "",
        allowed: Check | None = None,
    ) -> None:
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", None if target is None else str(target))
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "allowed", allowed)

    def starts_from(self, state: str) -> bool:
        return str(state) in self.sources

    def leads_to(self, state: str) -> str:
        """The state after the step taken from ``state``."""
        return str(state) if self.target is None else self.target

    def permits(self, actor: Any, obj: Any) -> bool:
        return self.allowed is None or bool(self.allowed(actor, obj))


@dataclass(frozen=True)
class Machine:
    """A named table of transitions. ``noun`` names the thing in messages ("berita")."""

    noun: Any
    transitions: Mapping[str, Transition] = field(default_factory=dict)

    def __contains__(self, action: object) -> bool:
        return action in self.transitions

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def actions(self) -> list[str]:
        return list(self.transitions)

    def labels(self) -> dict[str, Any]:
        return {action: t.label for action, t in self.transitions.items()}

    def step(self, action: str) -> Transition:
        """The transition named ``action``; an unknown name is the user's error, not a 500."""
        try:
            return self.transitions[action]
        except (KeyError, TypeError):
            raise ValidationError(_("Tindakan tidak dikenal.")) from None

    def available(self, state: str, actor: Any = None, obj: Any = None) -> list[str]:
        """The actions that start from ``state`` and that ``actor`` may take on ``obj``."""
        return [
            action
            for action, t in self.transitions.items()
            if t.starts_from(state) and (actor is None or t.permits(actor, obj))
        ]

    def require_state(self, action: str, state: str, state_label: Any = None) -> Transition:
        """The transition, or a translated ValidationError when ``state`` is not a source."""
        t = self.step(action)
        if not t.starts_from(state):
            raise ValidationError(
                _("Tindakan “%(action)s” tidak berlaku untuk %(noun)s berstatus “%(status)s”.")
                % {
                    "action": t.label or action,
                    "noun": self.noun,
                    "status": state_label if state_label is not None else state,
                }
            )
        return t

    def require_permitted(self, action: str, actor: Any, obj: Any) -> Transition:
        """The transition, or PermissionDenied when ``actor`` may not take it on ``obj``."""
        t = self.step(action)
        if not t.permits(actor, obj):
            raise PermissionDenied(_("Anda tidak berhak melakukan tindakan ini."))
        return t

    def targets(self) -> set[str]:
        return {t.target for t in self.transitions.values() if t.target is not None}

    def states(self) -> set[str]:
        found = self.targets()
        for t in self.transitions.values():
            found |= t.sources
        return found
