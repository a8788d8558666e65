"""Calling a service from a view and showing its ValidationError: one way for every view.

    with service_errors(request, form, success=_("Tersimpan.")) as call:
        obj = services.thing_save(actor=request.user, data=form.cleaned_data)
    if call.ok:
        return redirect(obj)

A ValidationError raised in the block ends the block and is shown: on the form when one
is given (each field's errors on that field, the others as non-field errors or on
`field`), otherwise as one error message. A PermissionDenied passes through, as Http404
always does, unless the view asks (`denied=True`) to show a refused choice on the form.
What to do on success stays with the caller (`if call.ok:`), or is the `success=` message.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest


def add_service_errors(
    form: forms.BaseForm,
    exc: ValidationError,
    *,
    field: str | None = None,
    rename: Mapping[str, str] | None = None,
) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one
    (after `rename`), else on `field` (None: a non-field error)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            name = (rename or {}).get(name, name)
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, exc.messages)


class ServiceCall:
    """What became of the block: `ok`, or the `error` that ended it (its `messages`, `codes`)."""

    def __init__(self) -> None:
        self.error: ValidationError | PermissionDenied | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def messages(self) -> list[str]:
        """Every message of the error (none when the call went well)."""
        if isinstance(self.error, ValidationError):
            return self.error.messages
        return [str(self.error)] if self.error is not None else []

    @property
    def message(self) -> str:
        """Every message of the error as one text ("" when the call went well)."""
        return " ".join(self.messages)

    @property
    def codes(self) -> set[str]:
        """The codes of the error's messages ("stale", "throttled", …)."""
        if not isinstance(self.error, ValidationError):
            return set()
        if hasattr(self.error, "error_dict"):
            errors = [e for field in self.error.error_dict.values() for e in field]
        else:
            errors = self.error.error_list
        return {e.code for e in errors if e.code}


class service_errors:  # a context manager named as it reads, like contextlib.suppress
    """Run the `with` block; show a ValidationError it raises (see the module's docstring).

    request: where the error message (when there is no form) and the `success` message
    go; it may be None with a form, or to only learn the outcome (`call.message`).
    form, field, rename: see `add_service_errors`. denied: a PermissionDenied is shown
    too (on the form, on `field`), for a choice the actor may not make; by default it
    passes through, as Http404 always does.
    """

    def __init__(
        self,
        request: HttpRequest | None = None,
        form: forms.BaseForm | None = None,
        *,
        field: str | None = None,
        rename: Mapping[str, str] | None = None,
        denied: bool = False,
        success: str | None = None,
    ) -> None:
        self.request = request
        self.form = form
        self.field = field
        self.rename = rename
        self.denied = denied
        self.success = success
        self.call = ServiceCall()

    def __enter__(self) -> ServiceCall:
        return self.call

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if exc is None:
            if self.success is not None and self.request is not None:
                messages.success(self.request, self.success)
            return False
        if not isinstance(exc, ValidationError | PermissionDenied):
            return False
        if isinstance(exc, PermissionDenied) and not self.denied:
            return False
        self.call.error = exc
        if self.form is None:
            if self.request is not None:
                messages.error(self.request, self.call.message)
        elif isinstance(exc, ValidationError):
            add_service_errors(self.form, exc, field=self.field, rename=self.rename)
        else:
            self.form.add_error(self.field, str(exc))
        return True
