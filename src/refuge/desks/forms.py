"""Desk forms: they parse and check what was typed; nothing is written here."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.core.birthdates import BirthDateError, read_birth_date
from refuge.core.linkage.search import MIN_PHONE_DIGITS, digits, words
from refuge.geo.models import Region, Settlement
from refuge.geo.selectors import region_choices
from refuge.movements.models import Movement
from refuge.registry.actions import MemberData, document_key
from refuge.registry.models import NEED_LABELS, Destination, Person, ReceptionPoint
from refuge.shelters.models import Status

MAX_MEMBER_ROWS = 30
NEED_FIELDS = tuple(NEED_LABELS.items())
# A row counts as a person once any of these is filled: a family name or a sex alone is
# what the page carries over to a new row, not something the registrar typed.
PERSON_FIELDS = ("given_name", "patronymic", "birth_date", "document_number") + tuple(
    name for name, _label in NEED_FIELDS
)


_BIRTH_DATE_REFUSALS = {
    "format": _("Person %(row)s: write the birth date as DD.MM.YYYY, MM.YYYY or YYYY."),
    "invalid": _("Person %(row)s: there is no such date as %(typed)s."),
    "range": _("Person %(row)s: the birth year is out of range."),
    "future": _("Person %(row)s: the birth date is in the future."),
}


def parse_birth_date(text: str, row: int = 1) -> tuple[int | None, int | None, int | None]:
    """14.03.1948, 03.1948, 1948 as written in Russian and Ukrainian, or ISO; else ValidationError.

    `row` is the person's number on the page: the message names it, since it is read
    at the top of a page that may hold eight people.
    """
    try:
        return read_birth_date(text, timezone.localdate())
    except BirthDateError as refused:
        raise forms.ValidationError(
            _BIRTH_DATE_REFUSALS[refused.code],
            code=refused.code,
            params={"row": row, "typed": text.strip()},
        ) from None


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
        widget=forms.TextInput(
            attrs={"placeholder": _("DD.MM.YYYY"), "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    wheelchair = forms.BooleanField(label=NEED_FIELDS[0][1], required=False)
    medical = forms.BooleanField(label=NEED_FIELDS[1][1], required=False)
    pregnant = forms.BooleanField(label=NEED_FIELDS[2][1], required=False)
    unaccompanied_minor = forms.BooleanField(label=NEED_FIELDS[3][1], required=False)
    elderly_alone = forms.BooleanField(label=NEED_FIELDS[4][1], required=False)
    document_type = forms.ChoiceField(
        label=_("Document"),
        required=False,
        choices=[
            ("", "—"),
            (Person.Document.PASSPORT, _("passport")),
            (Person.Document.INTERNATIONAL_PASSPORT, _("passport for travel abroad")),
            (Person.Document.BIRTH_CERTIFICATE, _("birth certificate")),
            (Person.Document.ID_CARD, _("ID card")),
            (Person.Document.OTHER, _("other document")),
        ],
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    @property
    def row(self) -> int:
        """The person's number on the page (Person 1, Person 2…)."""
        index = (self.prefix or "").rsplit("-", 1)[-1]
        return int(index) + 1 if index.isdigit() else 1

    def has_changed(self) -> bool:
        """Whether the row holds a person: blank rows, whatever else they carry, are skipped."""
        for name in PERSON_FIELDS:
            value = self[name].data
            if value and (not isinstance(value, str) or value.strip()):
                return True
        return False

    def clean_birth_date(self) -> tuple[int | None, int | None, int | None]:
        return parse_birth_date(self.cleaned_data.get("birth_date", ""), self.row)

    def clean(self) -> dict[str, object]:
        d = super().clean()
        if (d.get("document_number") or "").strip() and not d.get("document_type"):
            self.add_error("document_type", _("Choose the kind of document."))
        return d

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
            document_type=d["document_type"],
            document_number=d["document_number"].strip(),
        )

    def need_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in NEED_FIELDS]


class BaseMemberFormSet(forms.BaseFormSet):
    repaired = False  # the posted row count was unreadable and was recounted

    def _construct_form(self, i: int, **kwargs: object) -> forms.Form:
        # Every row may stay blank, the first included: what counts is that one is filled.
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        if self.repaired:
            self._non_form_errors.append(
                _("The list of members came back damaged: check the people below and send again.")
            )

    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(f.has_changed() for f in self.forms):
            raise forms.ValidationError(
                _("Enter at least one member of the household, with a given name.")
            )

    def members(self, consents: bool) -> list[MemberData]:
        return [f.member(consents) for f in self.forms if f.has_changed()]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=1, max_num=MAX_MEMBER_ROWS
)
_ROW_FIELD = re.compile(r"^m-(\d+)-")


def member_formset(data: QueryDict | None = None, more: int = 0) -> BaseMemberFormSet:
    """The members' rows: one blank row to start, or the posted rows (plus `more` blank ones).

    A row count that is not a number from 0 to 30 (a damaged or forged page) is recounted
    from the rows actually posted, and the registrar is told, instead of an error page.
    """
    if data is None:
        return MemberFormSet(prefix="m")
    data = data.copy()
    total, repaired = _posted_rows(data)
    data["m-TOTAL_FORMS"] = str(min(total + more, MAX_MEMBER_ROWS))
    data["m-INITIAL_FORMS"] = "0"  # no row is an existing record, whatever was posted
    members = MemberFormSet(data, prefix="m")
    members.repaired = repaired
    return members


def _posted_rows(data: QueryDict) -> tuple[int, bool]:
    text = (data.get("m-TOTAL_FORMS") or "").strip()
    if text.isdigit() and 0 < int(text) <= MAX_MEMBER_ROWS:
        return int(text), False
    indexes = [int(m.group(1)) for k in data if (m := _ROW_FIELD.match(k))]
    rows = [i for i in indexes if i < MAX_MEMBER_ROWS]
    return (max(rows) + 1 if rows else 1), True


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
    # No default: a preselected "organised group" was counted for every hurried desk.
    mode = forms.ChoiceField(
        label=_("How they left"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how they left: in an organised group or on their own.")
        },
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
    """A name in any script or spelling, a phone number's digits, a document number."""

    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("Any formatting; the last four digits or more are enough."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    document = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and len(digits(phone)) < MIN_PHONE_DIGITS:
            raise forms.ValidationError(_("Type at least four digits of the phone number."))
        return phone

    def clean(self) -> dict[str, object]:
        d = super().clean()
        name = words(d.get("family_name", ""))
        if d.get("given_name", "").strip() and not name:
            self.add_error("family_name", _("Type the family name too."))
        elif not (self.errors or name or d.get("phone") or document_key(d.get("document", ""))):
            raise forms.ValidationError(
                _("Type a family name, a phone number or a document number.")
            )
        return d
