from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from refuge.accounts.decorators import role_required
from refuge.accounts.models import Role
from refuge.audit.models import AuditEvent
from refuge.audit.selectors import audit_events


class AuditFilter(forms.Form):
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *AuditEvent.Action.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    # Year 1 or 9999 turned into a moment in Moscow time falls off the calendar when the
    # database converts it to UTC: the page answered 500. Refuge's trail starts long after
    # 1900 and no filter needs a date past 2100.
    EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)

    def _in_range(self, name: str) -> date | None:
        value: date | None = self.cleaned_data.get(name)
        if value is not None and not self.EARLIEST <= value <= self.LATEST:
            raise forms.ValidationError(
                _("%(field)s: give a date between 1900 and 2100.")
                % {"field": self.fields[name].label},
                code="out_of_range",
            )
        return value

    def clean_since(self) -> date | None:
        return self._in_range("since")

    def clean_until(self) -> date | None:
        return self._in_range("until")


@role_required(Role.AUDITOR)
def trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(request.actor, **filters)[:500]  # type: ignore[attr-defined]
    return render(request, "audit/trail.html", {"form": form, "events": events})
