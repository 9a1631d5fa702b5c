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


@role_required(Role.AUDITOR)
def trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(request.actor, **filters)[:500]  # type: ignore[attr-defined]
    return render(request, "audit/trail.html", {"form": form, "events": events})
