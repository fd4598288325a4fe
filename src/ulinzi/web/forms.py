"""Forms that belong to no single app: sign-in."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form; when the throttle refused the attempt
    (:mod:`ulinzi.accounts.lockout`) it says so instead of "did not match"."""

    refused = False

    def get_invalid_login_error(self) -> ValidationError:
        refusal = getattr(self.request, "sign_in_refusal", None)
        if refusal is None:
            return super().get_invalid_login_error()
        self.refused = True
        if refusal.locked:
            message = _(
                "Too many failed sign-ins for this account from your network. "
                "Try again later, or from another network."
            )
        else:
            message = _("Too many failed sign-ins for this account. Wait a minute, then try again.")
        return ValidationError(message, code="throttled")
