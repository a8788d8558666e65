import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jembatan.accounts.forms import EmailOrPhonePasswordResetForm, LoginForm
from jembatan.accounts.lockout import account_lock_clear, login_key
from jembatan.accounts.models import User
from jembatan.accounts.two_factor import has_confirmed_device, needs_verification
from jembatan.core.ratelimit import rate_limit_exceeded, visitor_key
from jembatan.tenants.current import current_site_name

# Reset mails per visitor and per account in an hour: enough for a typo or a slow inbox,
# not enough to flood someone's mailbox from the public form.
RESET_LIMIT_PER_VISITOR = 5
RESET_LIMIT_PER_LOGIN = 3
RESET_WINDOW = 60 * 60


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """The second step next, when the account has (or must have) an authenticator."""
        url = super().get_success_url()
        user = self.request.user
        if not isinstance(user, User) or not needs_verification(user):
            return url
        name = (
            "accounts:two_factor_verify"
            if has_confirmed_device(user)
            else "accounts:two_factor_setup"
        )
        return reverse(name) + "?" + urlencode({"next": url})


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = EmailOrPhonePasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"site_name": current_site_name()}

    def form_valid(self, form: EmailOrPhonePasswordResetForm) -> HttpResponse:
        # Per account, however it is written (email, 08..., +62...), as the login lockout
        # counts: a flood to one mailbox is what the limit stops.
        login = login_key(form.cleaned_data["email"])
        key = hashlib.sha256(f"{settings.SECRET_KEY}:{login}".encode()).hexdigest()[:32]
        if rate_limit_exceeded(
            "password-reset",
            visitor_key(self.request),
            limit=RESET_LIMIT_PER_VISITOR,
            window=RESET_WINDOW,
        ) or rate_limit_exceeded(
            "password-reset-login", key, limit=RESET_LIMIT_PER_LOGIN, window=RESET_WINDOW
        ):
            form.add_error(
                None, _("Terlalu banyak permintaan atur ulang kata sandi. Coba lagi nanti.")
            )
            return render(self.request, self.template_name, {"form": form}, status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form) -> HttpResponse:
        # Whoever set a new password from the mailed link is the owner: failed sign-ins
        # of others no longer stand between them and their account.
        response = super().form_valid(form)
        account_lock_clear(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
