from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from refuge.accounts.lockout import do_clear_attempts, do_take_attempt
from refuge.accounts.scope import Actor, client_ip
from refuge.audit.actions import do_record


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Try again in 15 minutes."),
    }

    def clean(self):  # type: ignore[no-untyped-def]
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else None
        if not do_take_attempt(username=username, ip=ip):
            do_record(
                actor=Actor(user=None, membership=None, ip=ip),
                action="login_failed",
                object_type="user",
                summary="refused: locked out",
            )
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            do_record(
                actor=Actor(user=None, membership=None, ip=ip),
                action="login_failed",
                object_type="user",
                summary="wrong username or password",
            )
            raise
        do_clear_attempts(username=username, ip=ip)
        return cleaned
