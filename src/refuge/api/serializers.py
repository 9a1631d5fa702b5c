"""What the API shows of each record. Read-only except the registration."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from django.db import NotSupportedError, connections
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.adapt import Loader
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

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


def _iso(value: datetime | None, tz: tzinfo) -> str | None:
    """A time as DRF's DateTimeField writes it: in the current time zone, ISO 8601."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class RowsSerializer(serializers.ListSerializer):
    """A page of rows read by `.values(*child.VALUES)`, written by the child's `row`.

    DRF writes a model instance field by field (a relation's `get_attribute`, the current
    time zone looked up for every date): about 0.4 ms a ledger event, 400 ms a page of
    1,000, most of a page's time (docs/PERFORMANCE.md). Reading plain values and writing
    them in one function per row gives the same JSON (test_feed.py compares the two on
    every kind of event and shelter) in a tenth of that. Instances, as anywhere else the
    serializer is used with many=True, go DRF's way.
    """

    child: Any

    def to_representation(self, data: Any) -> list[Any]:
        rows = data if isinstance(data, list) else list(data)
        if not rows or not isinstance(rows[0], dict):
            return super().to_representation(rows)
        row: Callable[[dict[str, Any], tzinfo], dict[str, Any]] = self.child.row
        tz = timezone.get_current_timezone()
        return [row(r, tz) for r in rows]


class JsonObjectSql(Func):
    """Each row as one JSON object written by PostgreSQL: `'{"id":' || id || ',"name":' ...`.

    `fields` are (key, expression, kind) in the order the object shows them; "text" is
    written as a JSON string (to_json), a list of strings (a field's choices) as the
    string each of them is written as, written once here, with to_json for any other
    value; anything else by its own text form: integers, `true`/`false`, and floats as
    PostgreSQL writes them (the shortest text that reads back as the same number, its
    default since version 12, which psycopg reads too); NULL is `null`.

    `opening`, when given, is an expression holding the object's first members already
    written, `{"id":1,"name":"…"` without the closing brace (Shelter.json_opening); the
    fields follow it.

    For a list of thousands of rows this is several times faster than reading the values
    into Python and writing them with the json module, and faster than PostgreSQL's own
    json_build_object or row_to_json, which look up each value's type on every row (as
    to_json does: most of the time here, hence the choices written once).
    docs/PERFORMANCE.md has the figures. Only PostgreSQL: elsewhere the view writes rows
    in Python.
    """

    output_field = TextField()

    def __init__(self, fields: Sequence[tuple[str, Any, str | Sequence[str]]],
                 opening: Any = None) -> None:  # fmt: skip
        self.keys = [(key, kind) for key, _, kind in fields]
        self.opened = opening is not None
        super().__init__(*([opening] if self.opened else []),
                         *(expression for _, expression, _ in fields))  # fmt: skip

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        raise NotSupportedError("JsonObjectSql is written for PostgreSQL only")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        parts, params = [], []
        expressions = self.get_source_expressions()
        if self.opened:  # an object's opening members already written: `{"id":1,...`
            sql, p = compiler.compile(expressions.pop(0))
            parts.append(sql)
            params.extend(p)
        for i, ((key, kind), expression) in enumerate(zip(self.keys, expressions, strict=True)):
            sql, p = compiler.compile(expression)
            # The keys are ours (identifiers); json.dumps quotes them as JSON does.
            label = ("{" if i == 0 and not self.opened else ",") + json.dumps(key) + ":"
            if isinstance(kind, str):
                value = f"to_json({sql})::text" if kind == "text" else f"({sql})::text"
                params.extend(p)
            else:  # CASE x WHEN 'open' THEN '"open"' ... ELSE to_json(x)::text END
                whens = " ".join(["WHEN %s THEN %s"] * len(kind))
                value = f"CASE {sql} {whens} ELSE to_json({sql})::text END"
                params.extend(p)
                for choice in kind:
                    params.extend([choice, json.dumps(choice, ensure_ascii=False)])
                params.extend(p)
            parts.append(f"'{label}' || COALESCE({value}, 'null')")
        return "(" + " || ".join(parts) + " || '}')", params


class RawRows(list):  # type: ignore[type-arg]
    """A page's rows as JSON texts already written (JsonObjectSql), in UTF-8 bytes:
    RowsJSONRenderer puts them in the page as they are."""


class _Undecoded(Loader):
    def load(self, data: Any) -> bytes:
        return bytes(data)


def json_texts(queryset: QuerySet[Any]) -> list[bytes]:
    """The rows of a flat values_list of one text column (PostgreSQL) as the bytes the
    database sent them in, for a page of JSON texts: decoding each into a str only to
    encode the page again was a quarter of the Python time of every shelter at once."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.cursor.adapters.register_loader("text", _Undecoded)  # psycopg's, this cursor only
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


class RowsJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, which writes a page whose `results` are RawRows by putting
    the rows' texts in place instead of reading and writing every value again."""

    def render(self, data: Any, accepted_media_type: Any = None,
               renderer_context: Any = None) -> bytes:  # fmt: skip
        rows = data.get("results") if isinstance(data, dict) else None
        if not isinstance(rows, RawRows):
            return super().render(data, accepted_media_type, renderer_context)
        page = super().render({**data, "results": []}, accepted_media_type, renderer_context)
        if not page.endswith(b'"results":[]}'):  # indented on request: write it all
            parsed = [json.loads(r) for r in rows]
            return super().render({**data, "results": parsed}, accepted_media_type,
                                  renderer_context)  # fmt: skip
        return b"".join((page[:-3], b"[", b",".join(rows), b"]}"))


class ShelterSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shelter
        # What a shelter is, then where and how full: the first eleven are the opening
        # PostgreSQL keeps written (Shelter.json_opening), the rest change by the hour.
        fields = ["id", "name", "district", "address", "lat", "lon", "kind",
                  "wheelchair_access", "medical_post", "children_area", "pets_allowed",
                  "region", "capacity", "status", "occupancy", "reserved", "free"]  # fmt: skip
        list_serializer_class = RowsSerializer

    #: what the list reads with `.values()`; `row` writes it as the fields above
    VALUES: Sequence[str] = ["id", "name", "region__code", "district", "address", "lat", "lon",
                             "kind", "capacity", "status", "occupancy", "reserved",
                             "wheelchair_access", "medical_post", "children_area",
                             "pets_allowed"]  # fmt: skip

    @staticmethod
    def row(v: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
        free = max(0, v["capacity"] - v["occupancy"] - v["reserved"])  # as Shelter.free
        return {
            "id": v["id"], "name": v["name"], "district": v["district"],
            "address": v["address"], "lat": v["lat"], "lon": v["lon"], "kind": v["kind"],
            "wheelchair_access": v["wheelchair_access"], "medical_post": v["medical_post"],
            "children_area": v["children_area"], "pets_allowed": v["pets_allowed"],
            "region": v["region__code"], "capacity": v["capacity"], "status": v["status"],
            "occupancy": v["occupancy"], "reserved": v["reserved"], "free": free,
        }  # fmt: skip

    @staticmethod
    def json_object() -> JsonObjectSql:
        """The row as `row` writes it, written by PostgreSQL (same keys, same order): the
        opening its trigger keeps (id to pets_allowed), then the region and the counters."""
        free = Greatest(Value(0), F("capacity") - F("occupancy") - F("reserved"))  # as Shelter.free
        return JsonObjectSql([
            ("region", F("region__code"), "text"), ("capacity", F("capacity"), "int"),
            ("status", F("status"), Status.values), ("occupancy", F("occupancy"), "int"),
            ("reserved", F("reserved"), "int"), ("free", free, "int"),
        ], opening=F("json_opening"))  # fmt: skip


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
        list_serializer_class = RowsSerializer

    #: what the feed reads with `.values()` (a relation by name gives its id)
    VALUES: Sequence[str] = Meta.fields

    @staticmethod
    def row(v: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
        return {**v, "at": _iso(v["at"], tz), "recorded_at": _iso(v["recorded_at"], tz)}


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
    name = serializers.CharField(
        max_length=100, required=False, help_text="the name, or its start, in any language"
    )


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
