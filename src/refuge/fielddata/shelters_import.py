"""A region's shelter list (one row per shelter) read into new shelters and changes.

The stable key of a shelter is its name within the coordinator's region, compared
without case, punctuation or repeated spaces («ПВР, школа №5, Курск» is «пвр школа 5
курск»): the name is what a region's list and the shelter pages both show, and the
region is the importer's. A row whose key matches a shelter updates it; any other row
adds one. Nothing is deleted: a shelter missing from the list is left as it is.

Columns are found by their headers (ru/uk/en): name, address, settlement, district,
capacity, kind, status, features (one column listing them, or one yes/no column per
feature: wheelchair access, medical post, children's area, pets), lat/lon (else the
settlement's). The dry run (`plan`) changes nothing; `apply` writes each row in its own
transaction through the shelter pages' own action for capacity and status
(`do_desk_change_status`: a `ShelterChange` in the shelter's history and an audit
entry, refused when people inside would not fit), and audits every other change.
Only a regional coordinator imports, and only into their region.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from refuge.accounts.models import Role
from refuge.accounts.scope import Actor
from refuge.audit.actions import do_record
from refuge.audit.models import AuditEvent
from refuge.desks.actions import do_desk_change_status
from refuge.fielddata.exports import BadFile
from refuge.fielddata.sheets import Sheet, _norm
from refuge.geo.models import Settlement
from refuge.shelters.actions import ShelterRefused
from refuge.shelters.models import Shelter, Status

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("название", "наименование", "назва", "найменування", "name", "shelter", "пвр",
             "пункт временного размещения", "пункт тимчасового розміщення"),
    "address": ("адрес", "адреса", "address"),
    "settlement": ("нас пункт", "населенный пункт", "населений пункт", "settlement", "город",
                   "місто", "town"),
    "district": ("район", "district"),
    "capacity": ("вместимость", "мест", "кол во мест", "количество мест", "місткість",
                 "кількість місць", "місць", "capacity", "places", "beds"),
    "kind": ("тип", "вид", "kind", "type"),
    "status": ("статус", "состояние", "стан", "status"),
    "features": ("особенности", "условия", "особливості", "умови", "features"),
    "wheelchair": ("доступная среда", "пандус", "маломобильные", "доступність", "wheelchair",
                   "wheelchair access", "інвалідний візок"),
    "medical": ("медпункт", "медицинский пункт", "медичний пункт", "medical", "medical post"),
    "children": ("детская комната", "дитяча кімната", "children", "children s area"),
    "pets": ("животные", "с животными", "тварини", "pets", "pets allowed"),
    "lat": ("широта", "lat", "latitude"),
    "lon": ("долгота", "довгота", "lon", "lng", "longitude"),
}  # fmt: skip
STATUS_WORDS: dict[str, str] = {
    "open": Status.OPEN, "открыт": Status.OPEN, "открыто": Status.OPEN, "работает": Status.OPEN,
    "відкрито": Status.OPEN, "відкритий": Status.OPEN, "працює": Status.OPEN,
    "standby": Status.STANDBY, "резерв": Status.STANDBY, "в резерве": Status.STANDBY,
    "у резерві": Status.STANDBY, "full": Status.FULL, "заполнен": Status.FULL,
    "заполнено": Status.FULL, "заповнений": Status.FULL, "заповнено": Status.FULL,
    "closed": Status.CLOSED, "закрыт": Status.CLOSED, "закрыто": Status.CLOSED,
    "закрито": Status.CLOSED, "закритий": Status.CLOSED,
}  # fmt: skip
KIND_WORDS: dict[str, str] = {
    "школа": "school", "школ": "school", "school": "school", "лицей": "school",
    "гимназия": "school", "ліцей": "school", "гімназія": "school",
    "общежитие": "dormitory", "гуртожиток": "dormitory", "dormitory": "dormitory",
    "санаторий": "sanatorium", "санаторій": "sanatorium", "sanatorium": "sanatorium",
    "гостиница": "hotel", "отель": "hotel", "готель": "hotel", "hotel": "hotel",
    "спортзал": "sports_hall", "спортивный": "sports_hall", "спортивний": "sports_hall",
    "sports": "sports_hall", "лагерь": "children_camp", "табір": "children_camp",
    "camp": "children_camp", "дк": "cultural_centre", "дом культуры": "cultural_centre",
    "будинок культури": "cultural_centre", "cultural": "cultural_centre",
}  # fmt: skip
FEATURE_WORDS: dict[str, str] = {
    "wheelchair": "wheelchair", "пандус": "wheelchair", "доступная среда": "wheelchair",
    "доступність": "wheelchair", "маломобильн": "wheelchair", "колясоч": "wheelchair",
    "medical": "medical", "медпункт": "medical", "медичний": "medical", "медицинск": "medical",
    "children": "children", "детск": "children", "дитяч": "children",
    "pets": "pets", "животн": "pets", "тварин": "pets",
}  # fmt: skip
FLAGS = {
    "wheelchair": "wheelchair_access",
    "medical": "medical_post",
    "children": "children_area",
    "pets": "pets_allowed",
}
YES = {"да", "есть", "имеется", "так", "є", "yes", "y", "true", "1", "+", "x", "х", "✓"}
NO = {"нет", "ні", "немає", "no", "n", "false", "0", "-", ""}


def key(name: str) -> str:
    return _norm(name)


@dataclass
class RowPlan:
    row: int
    name: str
    action: str  # create, update, unchanged, rejected
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    shelter: Shelter | None = None


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> str:
        return _("%(new)s new, %(changed)s changed, %(same)s unchanged, %(rejected)s rejected") % {
            "new": self.count("create"),
            "changed": self.count("update"),
            "same": self.count("unchanged"),
            "rejected": self.count("rejected"),
        }


def region_of(actor: Actor) -> Any:
    m = actor.membership
    if m is None or m.role != Role.REGIONAL_COORDINATOR or m.region is None:
        raise PermissionError(_("only a regional coordinator imports their region's shelters"))
    return m.region


def columns_of(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        text, padded, best, length = _norm(h), f" {_norm(h)} ", "", 0
        for name, words in COLUMNS.items():
            for word in words:
                if (word == text or f" {word} " in padded) and len(word) > length:
                    best, length = name, len(word) + (1000 if word == text else 0)
        if best and best not in found:
            found[best] = i
    if "name" not in found or "capacity" not in found:
        raise BadFile(_("a shelter list needs a name column and a capacity column"))
    return found


def plan(sheet: Sheet, actor: Actor) -> Plan:
    """What the list would change in the coordinator's region; nothing is written."""
    region = region_of(actor)
    operation = actor.membership.operation  # type: ignore[union-attr]
    col = columns_of(sheet.header)
    existing = {key(s.name): s for s in Shelter.objects.filter(operation=operation, region=region)}
    settlements: dict[str, list[Settlement]] = {}
    for s in Settlement.objects.filter(district__region=region).select_related("district"):
        for n in {s.name_en, s.name_ru, s.name_uk} - {""}:
            settlements.setdefault(_norm(n), []).append(s)
    result, seen = Plan(), set()
    for index, row in enumerate(sheet.rows):
        if not any(v.strip() for v in row):
            continue
        values = {f: (row[i].strip() if i < len(row) else "") for f, i in col.items()}
        r = RowPlan(sheet.row_number(index), values["name"], "create")
        _read_row(r, values, col, sheet.header, settlements)
        k = key(values["name"])
        if k in seen:
            r.problems.append((sheet.header[col["name"]], _("this shelter is already on the list")))
        seen.add(k)
        if r.problems:
            r.action = "rejected"
        elif (shelter := existing.get(k)) is not None:
            r.shelter = shelter
            r.changes = _changes(shelter, r.values)
            r.action = "update" if r.changes else "unchanged"
        elif "lat" not in r.values:
            r.problems.append(
                (sheet.header[col.get("settlement", col["name"])],
                 _("a new shelter needs its settlement or its coordinates"))
            )  # fmt: skip
            r.action = "rejected"
        result.rows.append(r)
    return result


def _read_row(
    r: RowPlan,
    v: dict[str, str],
    col: dict[str, int],
    header: list[str],
    settlements: dict[str, list[Settlement]],
) -> None:
    def bad(name: str, message: str) -> None:
        r.problems.append((header[col[name]], message))

    if not v["name"]:
        bad("name", _("the shelter's name is missing"))
    out = r.values
    out["name"] = v["name"][:200]
    capacity = v["capacity"].replace(" ", "").removesuffix(".0")
    if not capacity.isdigit() or int(capacity) > 100_000:
        bad("capacity", _("write the capacity as a whole number of places, not «%(typed)s»") % {
            "typed": v["capacity"]
        })  # fmt: skip
    else:
        out["capacity"] = int(capacity)
    if "status" in col and v["status"]:
        status = STATUS_WORDS.get(_norm(v["status"]))
        if status is None:
            bad("status", _("unknown status «%(typed)s»: open, standby, full or closed") % {
                "typed": v["status"]
            })  # fmt: skip
        else:
            out["status"] = status
    if "address" in col and v["address"]:
        out["address"] = v["address"][:300]
    text = _norm(v.get("kind", "") or v["name"])
    kind = next((k for w, k in KIND_WORDS.items() if f" {w} " in f" {text} "), None)
    if "kind" in col and v["kind"] and kind is None:
        kind = "other"
    if kind:
        out["kind"] = kind
    features: dict[str, bool] = {}
    if "features" in col:
        listed = _norm(v["features"])
        for word, feature in FEATURE_WORDS.items():
            if word in listed:
                features[feature] = True
        for feature in FLAGS:
            features.setdefault(feature, False)
    for feature in FLAGS:
        if feature in col:
            answer = _norm(v[feature])
            if answer in YES:
                features[feature] = True
            elif answer in NO:
                features[feature] = False
            else:
                bad(feature, _("write yes or no, not «%(typed)s»") % {"typed": v[feature]})
    out.update({FLAGS[f]: on for f, on in features.items()})
    if "settlement" in col and v["settlement"]:
        found = settlements.get(_norm(v["settlement"]), [])
        if v.get("district") and len(found) > 1:
            found = [s for s in found if _norm(v["district"]) in _norm(s.district.name_ru + " "
                     + s.district.name_uk + " " + s.district.name_en)] or found  # fmt: skip
        if len(found) == 1:
            out["district_id"] = found[0].district_id
            out["lat"], out["lon"] = found[0].lat, found[0].lon
        else:
            bad("settlement", _("%(name)s is not a settlement of your region, or not only one") % {
                "name": v["settlement"]
            })  # fmt: skip
    if "lat" in col and "lon" in col and v["lat"] and v["lon"]:
        try:
            lat, lon = float(v["lat"].replace(",", ".")), float(v["lon"].replace(",", "."))
        except ValueError:
            bad("lat", _("coordinates are decimal degrees, such as 51.73"))
        else:
            out["lat"], out["lon"] = lat, lon


def _changes(shelter: Shelter, values: dict[str, Any]) -> list[str]:
    return [
        f
        for f, new in values.items()
        if f not in ("name", "lat", "lon") and getattr(shelter, f) != new
    ]


def apply(result: Plan, actor: Actor, file_name: str) -> list[tuple[RowPlan, str]]:
    """Write the plan, a row per transaction; returns the rows refused as they were written."""
    region = region_of(actor)
    operation = actor.membership.operation  # type: ignore[union-attr]
    refused = []
    for r in result.rows:
        if r.action not in ("create", "update"):
            continue
        try:
            with transaction.atomic():
                _apply_row(r, actor, operation, region, file_name)
        except ShelterRefused as error:
            refused.append((r, str(error)))
    return refused


def _apply_row(r: RowPlan, actor: Actor, operation: Any, region: Any, file_name: str) -> None:
    v = r.values
    status = v.get("status")
    if r.shelter is None:
        shelter = Shelter.objects.create(
            operation=operation, region=region, name=v["name"], address=v.get("address", ""),
            lat=v["lat"], lon=v["lon"], kind=v.get("kind", "other"), capacity=v["capacity"],
            district_id=v.get("district_id"), status=Status.STANDBY,
            **{f: v[f] for f in FLAGS.values() if f in v},
        )  # fmt: skip
        do_record(
            actor=actor, action=AuditEvent.Action.CREATE, object_type="shelter",
            object_id=shelter.pk, summary=f"added from the shelter list {file_name}",
        )  # fmt: skip
        do_desk_change_status(
            actor=actor, shelter=shelter, status=status or Status.STANDBY,
            capacity=v["capacity"], reason=f"shelter list {file_name}",
        )  # fmt: skip
        return
    shelter = Shelter.objects.select_for_update().get(pk=r.shelter.pk)
    plain = {f: v[f] for f in r.changes if f not in ("status", "capacity")}
    if plain:
        Shelter.objects.filter(pk=shelter.pk).update(**plain)
        do_record(
            actor=actor, action=AuditEvent.Action.CHANGE, object_type="shelter",
            object_id=shelter.pk,
            summary=f"shelter list {file_name}: " + ", ".join(f"{f}={plain[f]}" for f in plain),
        )  # fmt: skip
    if "status" in r.changes or "capacity" in r.changes:
        do_desk_change_status(
            actor=actor, shelter=shelter, status=status or shelter.status,
            capacity=v["capacity"], reason=f"shelter list {file_name}",
        )  # fmt: skip
