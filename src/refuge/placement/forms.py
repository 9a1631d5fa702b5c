"""Placement forms: they parse what a coordinator typed or chose; nothing is written here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from refuge.shelters.models import Shelter, Status


class ShelterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Shelter) -> str:
        return f"{obj.name} ({obj.get_status_display()}, {obj.occupancy}/{obj.capacity})"


class ClosureForm(forms.Form):
    shelter = ShelterChoiceField(
        label=_("Shelter to close"),
        queryset=Shelter.objects.none(),
        error_messages={"invalid_choice": _("Choose a shelter from the list.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, shelters, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["shelter"].queryset = shelters

    def clean_shelter(self) -> Shelter:
        shelter = self.cleaned_data["shelter"]
        if shelter.status == Status.CLOSED:
            raise forms.ValidationError(_("This shelter is closed already."), code="closed")
        return shelter


class OpenStandbyForm(forms.Form):
    reason = forms.CharField(label=_("Reason for opening"), max_length=300)


class StandbySearchForm(forms.Form):
    q = forms.CharField(label=_("Name, address or district"), max_length=100, required=False)
