from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("merge", _("Same person: merge")), ("keep_apart", _("Different people"))],
        widget=forms.RadioSelect,
    )
    kept = forms.ChoiceField(
        label=_("Keep the record of"),
        choices=[("left", _("the left registration")), ("right", _("the right registration"))],
        initial="left",
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class HouseholdMergeForm(forms.Form):
    kept = forms.ChoiceField(
        label=_("Keep the records of"),
        choices=[("left", _("the left household")), ("right", _("the right household"))],
        initial="left",
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class PublicSearchForm(forms.Form):
    family_name = forms.CharField(
        label=_("Family name of the person you are looking for"), max_length=100
    )
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic (optional)"), max_length=100, required=False)
    birth_year = forms.IntegerField(
        label=_("Year of birth (optional)"), min_value=1900, max_value=2030, required=False
    )
    settlement = forms.CharField(
        label=_("Home town or village (optional)"), max_length=200, required=False
    )
    enquirer_name = forms.CharField(label=_("Your name"), max_length=200)
    enquirer_contact = forms.CharField(
        label=_("How we can reach you (phone or e-mail)"), max_length=200
    )
    message = forms.CharField(
        label=_("Anything that helps us (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=20)
