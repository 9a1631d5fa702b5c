"""What the API shows of each record. Read-only except the registration."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from refuge.geo.models import District, Region, Settlement
from refuge.movements.models import Movement
from refuge.operations.models import EvacuationOrder, Operation
from refuge.registry.actions import NEEDS
from refuge.registry.models import Destination, Household, Person
from refuge.shelters.models import Shelter, ShelterChange, Status


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "country", "name_en", "name_ru", "name_uk", "lat", "lon"]


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "region", "slug", "name_en", "name_ru", "name_uk", "lat", "lon"]


class SettlementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Settlement
        fields = ["id", "district", "kind", "name_en", "name_ru", "name_uk", "lat", "lon",
                  "population", "border_km"]  # fmt: skip


class EvacuationOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvacuationOrder
        fields = ["id", "effective_at", "kind", "scope", "within_km", "districts", "settlements"]


class OperationSerializer(serializers.ModelSerializer):
    orders = EvacuationOrderSerializer(many=True, read_only=True)
    affected_region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Operation
        fields = ["id", "slug", "name", "affected_region", "started_at", "timezone", "orders"]


class ShelterSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shelter
        fields = ["id", "name", "region", "district", "address", "lat", "lon", "kind", "capacity",
                  "status", "occupancy", "reserved", "free", "wheelchair_access", "medical_post",
                  "children_area", "pets_allowed"]  # fmt: skip


class ShelterChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShelterChange
        fields = ["at", "status", "capacity", "reason"]


class ShelterDetailSerializer(ShelterSerializer):
    history = ShelterChangeSerializer(source="changes", many=True, read_only=True)

    class Meta(ShelterSerializer.Meta):
        fields = [*ShelterSerializer.Meta.fields, "history"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "given_name", "patronymic", "family_name", "sex", "birth_year",
                  "birth_month", "birth_day", "needs_wheelchair", "needs_medical", "pregnant",
                  "unaccompanied_minor", "elderly_alone"]  # fmt: skip


class HouseholdSerializer(serializers.ModelSerializer):
    members = PersonSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "reception_point", "origin", "destination", "destination_region",
                  "registered_at", "members"]  # fmt: skip


class MovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movement
        fields = ["id", "kind", "at", "recorded_at", "person", "household", "mode", "settlement",
                  "district", "reception_point", "shelter", "destination", "destination_region",
                  "corrects"]  # fmt: skip


class MemberInSerializer(serializers.Serializer):
    family_name = serializers.CharField(max_length=100)
    given_name = serializers.CharField(max_length=100)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, allow_blank=True)
    birth_date = serializers.CharField(
        max_length=10, required=False, allow_blank=True,
        help_text="As the desk takes it: 14.03.1948, 03.1948, 1948 or 1948-03-14",
    )  # fmt: skip
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=list(NEEDS)), required=False, max_length=5
    )
    document_type = serializers.ChoiceField(
        choices=Person.Document.choices, required=False, allow_blank=True
    )
    document_number = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def validate_birth_date(self, value: str) -> tuple[int | None, int | None, int | None]:
        from django import forms

        from refuge.desks.forms import parse_birth_date

        try:
            return parse_birth_date(value)
        except forms.ValidationError as error:
            # The desk's message begins "Person 1: "; here the key names the member.
            said = [m.split(": ", 1)[-1] for m in error.messages]
            raise serializers.ValidationError(said) from None

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if (data.get("document_number") or "").strip() and not data.get("document_type"):
            raise serializers.ValidationError(
                {"document_type": [_("Choose the kind of document.")]}
            )
        return data


class RegistrationInSerializer(serializers.Serializer):
    """A household to register at the registrar's reception point (the desk's form)."""

    origin = serializers.PrimaryKeyRelatedField(
        queryset=Settlement.objects.all(), help_text="settlement id (the gazetteer)"
    )
    mode = serializers.ChoiceField(choices=Movement.Mode.choices)
    destination = serializers.ChoiceField(
        choices=Destination.choices,
        help_text="shelter: the household joins the placement queue (/placement/)",
    )
    destination_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    destination_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    consents_to_be_found = serializers.BooleanField(required=False, default=False)
    members = MemberInSerializer(many=True, min_length=1, max_length=30)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["destination"] in (Destination.RELATIVES, Destination.OWN_HOUSING):
            errors = {}
            if not data.get("destination_region"):
                errors["destination_region"] = [_("Choose the region they are going to.")]
            if not (data.get("destination_address") or "").strip():
                errors["destination_address"] = [_("Enter the address they are going to.")]
            if errors:
                raise serializers.ValidationError(errors)
        return data


class LooksLikeSerializer(serializers.Serializer):
    typed = serializers.CharField(help_text="the member as sent")
    full_name = serializers.CharField()
    birth_date = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class FamilyMatchSerializer(serializers.Serializer):
    household_id = serializers.IntegerField()
    whereabouts = serializers.CharField()
    people = LooksLikeSerializer(many=True)
    newcomers = serializers.IntegerField()


class PossibleDuplicatesSerializer(serializers.Serializer):
    families = FamilyMatchSerializer(many=True, help_text="within your scope: shown in full")
    elsewhere = serializers.ListField(
        child=serializers.CharField(),
        help_text="members who look like someone registered outside your scope (names as sent)",
    )


class RegisteredSerializer(serializers.Serializer):
    household = HouseholdSerializer()
    possible_duplicates = PossibleDuplicatesSerializer(
        help_text="Reported, not merged: the pairs go to the tracing officers' queue."
    )


# Query parameters: read (and documented in the schema) by the same serializers.
ID = {"required": False, "min_value": 1, "max_value": 2**62}


class RegionQuery(serializers.Serializer):
    country = serializers.CharField(max_length=2, required=False)


class DistrictQuery(serializers.Serializer):
    region = serializers.CharField(max_length=8, required=False, help_text="ISO 3166-2 code")


class SettlementQuery(serializers.Serializer):
    district = serializers.IntegerField(**ID)


class ShelterQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    region = serializers.CharField(max_length=8, required=False, help_text="ISO 3166-2 code")


class HouseholdQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="registered at or after")
    reception_point = serializers.IntegerField(**ID)
    destination = serializers.ChoiceField(choices=Destination.choices, required=False)


class LedgerQuery(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="recorded at or after")
    kind = serializers.ChoiceField(choices=Movement.Kind.choices, required=False)
    shelter = serializers.IntegerField(**ID)


class SitrepQuery(serializers.Serializer):
    as_of = serializers.DateTimeField(required=False, help_text="default: now")


class OpenDataSerializer(serializers.Serializer):
    headers = serializers.ListField(child=serializers.CharField())
    hashtags = serializers.ListField(child=serializers.CharField(), help_text="HXL hashtags")
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
