"""The report page's one question: as of when."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What a browser's date-time field sends, and what a coordinator types without one.
AS_OF_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"]


class AsOfForm(forms.Form):
    """Read inside `timezone.override(operation.timezone)`: a typed time is local to the
    operation, like the times on its report."""

    as_of = forms.DateTimeField(
        label=_("Figures as of"),
        required=False,
        input_formats=AS_OF_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "invalid": _("Figures as of: write the date and time like 19.08.2024 08:00."),
        },
    )

    def clean_as_of(self) -> datetime | None:
        value: datetime | None = self.cleaned_data["as_of"]
        if value is not None and value > timezone.now():
            # The ledger holds nothing yet after now: a later moment would print today's
            # figures under tomorrow's date.
            raise forms.ValidationError(
                _("Figures as of: the moment cannot be in the future."), code="future"
            )
        return value


def as_of_form(query: object, *, default: datetime) -> tuple[AsOfForm, datetime]:
    """The form for the page and the moment to count at: the one asked for if it is
    valid, else the default (the form then carries the error for the field)."""
    if query.get("as_of"):  # type: ignore[attr-defined]
        form = AsOfForm(query)  # type: ignore[arg-type]
        if form.is_valid() and form.cleaned_data["as_of"]:
            return form, form.cleaned_data["as_of"]
        return form, default
    local = timezone.localtime(default).replace(second=0, microsecond=0, tzinfo=None)
    return AsOfForm(initial={"as_of": local}), default
