"""One moderation system for what the public writes: site comments, dialogue comments, replies.

The apps keep only *who* moderates (a KIM's pengurus, the kabupaten's Diskominfo) and *what*
is moderated (their models, their audit rows). Everything else is here, once:

- the vocabulary: ``Visibility`` (published, held, hidden) on the abstract ``Moderated``;
- the transition table ``MACHINE`` (hide, restore, keep) and ``decide()`` that applies it;
- reporting: ``count_report()`` adds a report and holds the text at ``REPORTS_TO_HOLD``;
- the word filter: ``filtered_word()`` over the word lists registered per kabupaten;
- the text itself: ``clean_text()`` (line ends, blanks, length) and the honeypot form;
- the public POST: ``submit_public_text()`` (rate limit, honeypot, service, message);
- the queue: ``QUEUES`` (the lists a moderator picks) and ``core/_moderation_queue.html``.

Core imports no app: services in the apps lock nothing themselves but call ``decide()`` and
``count_report()`` inside their own ``transaction.atomic()`` and write the audit row there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.core.pagecache import content_changed
from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.core.service_calls import service_errors
from jembatan.core.transitions import Machine, Transition

REPORTS_TO_HOLD = 3
# The fields a decision changes; audit rows snapshot them before and after.
FIELDS = ["visibility", "held_reason", "report_count"]


class Visibility(models.TextChoices):
    """What a text is on the public page: the moderation state."""

    PUBLISHED = "tampil", gettext_lazy("Tampil")
    HELD = "ditahan", gettext_lazy("Ditahan untuk moderasi")
    HIDDEN = "disembunyikan", gettext_lazy("Disembunyikan moderator")


def visibility_field(default: str = Visibility.PUBLISHED) -> models.CharField:
    return models.CharField(
        gettext_lazy("tampilan"), max_length=14, choices=Visibility.choices, default=default
    )


class Moderated(models.Model):
    """A text the public wrote: its state, why it is held, how many reported it."""

    visibility = visibility_field()
    held_reason = models.CharField(gettext_lazy("alasan ditahan"), max_length=200, blank=True)
    report_count = models.PositiveIntegerField(gettext_lazy("dilaporkan"), default=0)

    class Meta:
        abstract = True


MACHINE = Machine(
    noun=gettext_lazy("tulisan"),
    transitions={
        "hide": Transition(
            {Visibility.PUBLISHED, Visibility.HELD},
            Visibility.HIDDEN,
            gettext_lazy("Sembunyikan"),
        ),
        "restore": Transition(
            {Visibility.HELD, Visibility.HIDDEN}, Visibility.PUBLISHED, gettext_lazy("Terbitkan")
        ),
        # Reported but fine: it stays up and leaves the queue (the reports stay on record).
        "keep": Transition(
            {Visibility.PUBLISHED}, Visibility.PUBLISHED, gettext_lazy("Biarkan tampil")
        ),
    },
)

# The lists a moderator picks from; by default what needs a decision: held texts, and
# texts still up that someone reported.
PUBLISHED_BUT_REPORTED = Q(visibility=Visibility.PUBLISHED, report_count__gt=0)
NEEDS_DECISION = Q(visibility=Visibility.HELD) | PUBLISHED_BUT_REPORTED
QUEUES: dict[str, tuple[Any, Q]] = {
    "perlu": (gettext_lazy("Perlu keputusan (ditahan atau dilaporkan)"), NEEDS_DECISION),
    "antrean": (gettext_lazy("Antrean (ditahan)"), Q(visibility=Visibility.HELD)),
    "dilaporkan": (gettext_lazy("Tampil tetapi dilaporkan"), PUBLISHED_BUT_REPORTED),
    "tersembunyi": (gettext_lazy("Disembunyikan"), Q(visibility=Visibility.HIDDEN)),
}


def queue_filter(name: str | None) -> tuple[str, Q]:
    """The queue's key and condition; an unknown name is the default queue."""
    if name not in QUEUES:
        name = "perlu"
    return name, QUEUES[name][1]


def actions_for(item: Moderated) -> list[tuple[str, Any]]:
    """The decisions to offer on a text: "keep" only when someone reported it."""
    return [
        (action, MACHINE[action].label)
        for action in MACHINE.available(item.visibility)
        if action != "keep" or item.report_count
    ]


def state(item: Moderated) -> dict[str, Any]:
    return {name: getattr(item, name) for name in FIELDS}


# --- Decisions and reports (call inside the service's transaction) --------------------------


def decide(model: type[Moderated], pk: int, action: str) -> tuple[Any, dict, dict]:
    """Lock the text, apply ``action`` from MACHINE, save; returns (row, before, after).

    Publishing (restore, keep) clears the held reason and the reports: a moderator looked.
    """
    step = MACHINE.step(action)
    locked = model._default_manager.select_for_update().get(pk=pk)
    MACHINE.require_state(action, locked.visibility, locked.get_visibility_display())
    before = state(locked)
    locked.visibility = step.leads_to(locked.visibility)
    if locked.visibility == Visibility.PUBLISHED:
        locked.held_reason = ""
        locked.report_count = 0
    locked.save(update_fields=FIELDS)
    transaction.on_commit(content_changed)
    return locked, before, state(locked)


def count_report(model: type[Moderated], pk: int) -> Any | None:
    """Add one report to a text; returns the row when this report held it, else None."""
    model._default_manager.filter(pk=pk).update(report_count=F("report_count") + 1)
    locked = model._default_manager.select_for_update().get(pk=pk)
    if locked.report_count < REPORTS_TO_HOLD or locked.visibility != Visibility.PUBLISHED:
        return None
    locked.visibility = Visibility.HELD
    locked.held_reason = _("Dilaporkan %(n)s orang") % {"n": locked.report_count}
    locked.save(update_fields=["visibility", "held_reason"])
    transaction.on_commit(content_changed)
    return locked


# --- Word filter ---------------------------------------------------------------------------

# Each returns the words filtered in a kabupaten; filled from above (the dialogue app keeps
# the list its moderators edit), read by every app whose texts are moderated.
_word_sources: list[Callable[[str], Iterable[str]]] = []


def register_word_source(source: Callable[[str], Iterable[str]]) -> None:
    if source not in _word_sources:
        _word_sources.append(source)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def matching_word(words: Iterable[str], text: str) -> str | None:
    """The first of ``words`` (a word or a phrase, whole words only) in ``text``, or None."""
    padded = f" {_normal(text)} "
    for word in words:
        if f" {_normal(word)} " in padded:
            return word
    return None


def filtered_word(kabupaten_code: str, text: str) -> str | None:
    """The first word of the kabupaten's filter that the text contains, or None."""
    for source in _word_sources:
        word = matching_word(source(kabupaten_code), text)
        if word is not None:
            return word
    return None


def screen(kabupaten_code: str, text: str, default: str = Visibility.PUBLISHED) -> tuple[str, str]:
    """The visibility and held reason a new text starts with."""
    if filtered_word(kabupaten_code, text) is not None:
        return Visibility.HELD, _("Memuat kata tersaring")
    return default, ""


# --- The text itself -----------------------------------------------------------------------


def clean_text(text: str, *, max_length: int, min_length: int = 1, field: str = "body") -> str:
    """Plain text kept as typed (escaped on output): only line ends and outer blanks change."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({field: _("Tulisan tidak boleh kosong.")})
    if len(text) < min_length:
        raise ValidationError({field: _("Tulisan terlalu pendek.")})
    if len(text) > max_length:
        raise ValidationError(
            {field: _("Paling panjang %(n)s huruf.") % {"n": f"{max_length:,}".replace(",", ".")}}
        )
    return text


class HoneypotForm(forms.Form):
    # Hidden from people, filled in by bots (core/_form.html renders it out of sight).
    website = forms.CharField(required=False, label=gettext_lazy("Jangan diisi"))


def submit_public_text(
    request: HttpRequest,
    form: forms.Form,
    *,
    scope: str,
    limit: int,
    window: int,
    create: Callable[[dict[str, Any]], Moderated],
    bot_to: str,
    shown: str,
    held: str,
    anchor: Callable[[Moderated], str],
) -> tuple[HttpResponse | None, int]:
    """The POST of a public text: the visitor's rate limit, the form, the honeypot, the
    service (``create(cleaned_data)``), and a message that says whether the text shows or
    waits for the moderators. Returns (a redirect or None, the status to render the form
    with)."""
    if rate_limit_exceeded(scope, visitor_key(request), limit=limit, window=window):
        form.is_valid()
        form.add_error(None, _("Terlalu banyak kiriman. Coba lagi beberapa menit lagi."))
        return None, 429
    if not form.is_valid():
        return None, 400
    if form.cleaned_data.get("website"):
        # Tell the bot it worked; keep nothing.
        return redirect(bot_to), 200
    with service_errors(request, form) as call:
        text = create(form.cleaned_data)
    if not call.ok:
        return None, 400
    if text.visibility == Visibility.PUBLISHED:
        messages.success(request, shown)
    else:
        messages.info(request, held)
    return redirect(anchor(text)), 200


# --- The queue -----------------------------------------------------------------------------


@dataclass
class QueueItem:
    """One text in ``core/_moderation_queue.html``, with where its decisions are posted."""

    obj: Any
    author: str
    where: str
    action_url: str
    where_url: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    reasons: list[tuple[str, int]] = field(default_factory=list)
    key: str = ""

    @property
    def actions(self) -> list[tuple[str, Any]]:
        return actions_for(self.obj)
