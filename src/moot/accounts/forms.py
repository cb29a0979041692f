from __future__ import annotations

import datetime

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils import timezone

from moot.dates import long_date


class ClaimForm(forms.Form):
    """Set the password of the account an invitation creates."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ; type the same one twice.")
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, e.g. “branch spreadsheet sync”.",
    )
    expires_on = forms.DateField(
        label="Expires on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a token that lasts until you revoke it.",
    )

    def clean_expires_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("expires_on")
        today = timezone.localdate()
        if value is not None and value <= today:
            raise forms.ValidationError(f"Choose a date after today ({long_date(today)}).")
        return value


class AddEmailForm(AllauthAddEmailForm):
    """Add an address to one's own account (allauth's form, ``ACCOUNT_FORMS``). The address
    stays unverified, and cannot become the primary one, until its owner follows the link
    mailed to it. An address that belongs to another account is refused here, with a message,
    rather than failing later on the unique address of accounts."""

    def clean_email(self) -> str:
        from allauth.account.models import EmailAddress

        from moot.accounts.models import User

        value = super().clean_email()
        others = User.objects.filter(email__iexact=value).exclude(pk=self.user.pk).exists() or (
            EmailAddress.objects.filter(email__iexact=value, verified=True)
            .exclude(user=self.user)
            .exists()
        )
        if others:
            raise forms.ValidationError(
                f"{value} is the address of another account; add an address of your own. If "
                "it is yours, ask the membership office to sort out the other account.",
                code="email_taken",
            )
        return value
