"""Desk forms: they parse and check what was typed; nothing is written here."""

from __future__ import annotations

import re
import uuid
from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.geo.models import Region, Settlement
from refuge.geo.selectors import region_choices
from refuge.movements.models import Movement
from refuge.registry.actions import MemberData
from refuge.registry.models import Destination, Person, ReceptionPoint
from refuge.shelters.models import Status

BIRTH_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
NEED_FIELDS = (
    ("wheelchair", _("Wheelchair")),
    ("medical", _("Medical care")),
    ("pregnant", _("Pregnant")),
    ("unaccompanied_minor", _("Unaccompanied minor")),
    ("elderly_alone", _("Elderly, alone")),
)


def parse_birth_date(text: str) -> tuple[int | None, int | None, int | None]:
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY`; raises ValidationError otherwise."""
    text = text.strip()
    if not text:
        return None, None, None
    m = BIRTH_DATE.match(text)
    if not m:
        raise forms.ValidationError(
            _("Write the birth date as YYYY-MM-DD, YYYY-MM or YYYY."), code="format"
        )
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise forms.ValidationError(_("There is no such date."), code="invalid") from None
    if not 1900 <= year <= timezone.localdate().year:
        raise forms.ValidationError(_("The birth year is out of range."), code="range")
    if date(year, month or 1, day or 1) > timezone.localdate():
        raise forms.ValidationError(_("The birth date is in the future."), code="future")
    return year, month, day


class MemberForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "—"), (Person.Sex.FEMALE, _("female")), (Person.Sex.MALE, _("male"))],
    )
    birth_date = forms.CharField(
        label=_("Birth date"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "inputmode": "numeric"}),
    )
    wheelchair = forms.BooleanField(label=NEED_FIELDS[0][1], required=False)
    medical = forms.BooleanField(label=NEED_FIELDS[1][1], required=False)
    pregnant = forms.BooleanField(label=NEED_FIELDS[2][1], required=False)
    unaccompanied_minor = forms.BooleanField(label=NEED_FIELDS[3][1], required=False)
    elderly_alone = forms.BooleanField(label=NEED_FIELDS[4][1], required=False)

    def clean_birth_date(self) -> tuple[int | None, int | None, int | None]:
        return parse_birth_date(self.cleaned_data.get("birth_date", ""))

    def member(self, consents: bool) -> MemberData:
        d = self.cleaned_data
        year, month, day = d["birth_date"]
        return MemberData(
            given_name=d["given_name"],
            family_name=d["family_name"],
            patronymic=d["patronymic"],
            sex=d["sex"],
            birth_year=year,
            birth_month=month,
            birth_day=day,
            needs=frozenset(name for name, _ in NEED_FIELDS if d.get(name)),
            consents_to_be_found=consents,
        )

    def need_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in NEED_FIELDS]


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(f.has_changed() and not self._should_delete_form(f) for f in self.forms):
            raise forms.ValidationError(_("Enter at least one member of the household."))

    def members(self, consents: bool) -> list[MemberData]:
        return [f.member(consents) for f in self.forms if f.has_changed()]


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=0, max_num=30)


class HouseholdForm(forms.Form):
    origin = forms.CharField(
        label=_("Home settlement"),
        max_length=300,
        widget=forms.TextInput(attrs={"list": "settlements", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    consents_to_be_found = forms.BooleanField(
        label=_("They agree that relatives looking for them may be told where they are"),
        required=False,
    )
    mode = forms.ChoiceField(
        label=_("How they left"),
        choices=[
            (Movement.Mode.ORGANISED, _("in an organised group")),
            (Movement.Mode.OWN, _("on their own")),
        ],
    )
    destination = forms.ChoiceField(
        label=_("Where they go"),
        widget=forms.RadioSelect,
        choices=[
            (Destination.SHELTER, _("a temporary shelter")),
            (Destination.RELATIVES, _("relatives")),
            (Destination.OWN_HOUSING, _("own housing")),
        ],
    )
    destination_region = forms.ModelChoiceField(
        label=_("Region of the relatives or housing"),
        queryset=Region.objects.all(),
        required=False,
    )
    destination_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    shelter = forms.IntegerField(widget=forms.HiddenInput, required=False)
    shown = forms.CharField(widget=forms.HiddenInput, required=False)  # duplicates.seal

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Drawn from the cached list; a posted value is still checked against the table.
        self.fields["destination_region"].choices = [("", "---------"), *region_choices()]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean_origin(self) -> Settlement:
        text = self.cleaned_data["origin"].strip()
        if m := re.match(r"^(.*?)\s*\((.*)\)$", text):
            name, district = m.group(1), m.group(2)
        else:
            name, district = text, ""
        named = Settlement.objects.select_related("district").filter(_any_language("name", name))
        if district:
            named = named.filter(_any_language("district__name", district))
        found = list(named[:2])
        if not found:
            raise forms.ValidationError(_("No settlement of that name: pick one from the list."))
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several settlements have that name: pick the one with its district.")
            )
        return found[0]

    def clean(self) -> dict[str, object]:
        d = super().clean()
        if d.get("destination") in (Destination.RELATIVES, Destination.OWN_HOUSING):
            if not d.get("destination_region"):
                self.add_error("destination_region", _("Choose the region they are going to."))
            if not (d.get("destination_address") or "").strip():
                self.add_error("destination_address", _("Enter the address they are going to."))
        return d


def _any_language(field: str, value: str) -> Q:
    return Q(**{f"{field}_en": value}) | Q(**{f"{field}_ru": value}) | Q(**{f"{field}_uk": value})


class CheckOutForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(
        label=_("Leaving for"),
        choices=[
            (Movement.CheckOutTo.RELATIVES, _("relatives")),
            (Movement.CheckOutTo.OWN_HOUSING, _("own housing")),
            (Movement.CheckOutTo.HOSPITAL, _("hospital")),
            (Movement.CheckOutTo.OTHER_SHELTER, _("another shelter")),
            (Movement.CheckOutTo.HOME, _("home")),
        ],
    )


class CheckInForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)


class ShelterStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Status.STANDBY, _("standby")),
            (Status.OPEN, _("open")),
            (Status.FULL, _("full")),
            (Status.CLOSED, _("closed")),
        ],
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=0, max_value=100000)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ShelterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, address or district"), max_length=100, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Status.choices]
    )
    min_free = forms.IntegerField(
        label=_("At least this many free places"), min_value=0, required=False
    )
    wheelchair = forms.BooleanField(label=_("Wheelchair access"), required=False)
    medical = forms.BooleanField(label=_("Medical post"), required=False)
    children = forms.BooleanField(label=_("Children's area"), required=False)
    pets = forms.BooleanField(label=_("Pets allowed"), required=False)

    def __init__(self, *args: object, regions: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: r.name


DESTINATIONS = [
    (Destination.SHELTER, _("a temporary shelter")),
    (Destination.RELATIVES, _("relatives")),
    (Destination.OWN_HOUSING, _("own housing")),
]


class HouseholdFilterForm(forms.Form):
    """The households list's filters: numbers and choices only, so no name enters a URL."""

    number = forms.IntegerField(label=_("Household number"), min_value=1, required=False)
    reception_point = forms.ModelChoiceField(
        label=_("Reception point"), queryset=ReceptionPoint.objects.none(), required=False
    )
    destination = forms.ChoiceField(
        label=_("Destination"), required=False, choices=[("", "—"), *DESTINATIONS]
    )

    def __init__(self, *args: object, points: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if points is not None:
            self.fields["reception_point"].queryset = points


class ResidentSearchForm(forms.Form):
    """A name to look for among a shelter's households; sent by POST, never in a URL."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)


class PersonSearchForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
