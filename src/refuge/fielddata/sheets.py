"""Volunteers' spreadsheet lists read into the submissions the Kobo/ODK import checks.

A list is any sheet with a header row (found among the first ten rows: the one whose
cells name most known fields; a title line above it is skipped). Each column is
mapped to a field (`FIELDS`): guessed from its header (ru/uk/en synonyms) and, where
the header says nothing, from its values (dates, phones, three-word names); the user
corrects the guess on the page or with `--mapping M.json`, and the mapping is
remembered for the next file with the same headers (`SavedMapping`).

Rows become households by one rule, the first that applies:
1. a *household* column (family number, «№ семьи»): rows with the same value form one
   household, wherever they stand;
2. a *household size* column («Кол-во членов семьи»): a row with a size starts a
   household and the rows after it with an empty size join it, up to that size; a
   household with fewer rows than its size is rejected (a list of heads alone names
   nobody else to register);
3. otherwise consecutive rows with the same non-empty address and the same family name
   (by its stem: Иванов and Иванова) form one household; every other row is one person.

Each household becomes a `Submission` (exports.py) with the field values of the
XLSForm contract (origin `s…`, reception point `p…`, dates as 14.03.1948, phones
+7… / +380…), and goes through `imports.check` and `imports.apply` exactly as an ODK
export does: the desk's validation, duplicate check, batches, idempotency. The
household's idempotency key is derived from the operation and its members' names and
birth dates, so the same list imported again, or a longer version of it, adds no
household twice.

Problems found while reading the list (a date that is no date, a phone that is no
phone, an unknown settlement, a family short of its size) are reported here in the
user's language with the row and the column header as the file has them.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from refuge.core.birthdates import (
    BirthDateError,
    as_desk_writes_it,
    looks_like_a_date,
    read_birth_date,
)
from refuge.core.names.forms import surname_stem
from refuge.core.names.split import sex_of_patronymic, split_full_name
from refuge.core.names.translit import name_key
from refuge.fielddata import exports, imports
from refuge.fielddata.exports import BadFile, Member, Submission, Table
from refuge.movements.models import Movement
from refuge.registry.actions import NEEDS
from refuge.registry.models import Destination

FIELDS: dict[str, Any] = {
    "": gettext_lazy("— not imported —"),
    "full_name": gettext_lazy("Full name (family given patronymic)"),
    "family_name": gettext_lazy("Family name"),
    "given_name": gettext_lazy("Given name"),
    "patronymic": gettext_lazy("Patronymic"),
    "birth_date": gettext_lazy("Birth date"),
    "sex": gettext_lazy("Sex"),
    "phone": gettext_lazy("Phone"),
    "origin": gettext_lazy("Home settlement"),
    "district": gettext_lazy("District"),
    "address": gettext_lazy("Address"),
    "household": gettext_lazy("Household (family number)"),
    "household_size": gettext_lazy("Household size"),
    "needs": gettext_lazy("Needs"),
}

# Header words per field, normalised as `_norm` does; the longest one found in a header wins.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "фио", "ф и о", "фамилия имя отчество", "фамилия имя", "фио полностью", "піб",
        "п і б", "прізвище ім я по батькові", "прізвище імя по батькові", "прізвище ім я",
        "full name", "name surname", "surname name", "name",
    ),
    "family_name": ("фамилия", "прізвище", "surname", "family name", "last name"),
    "given_name": ("имя", "ім я", "імя", "given name", "first name"),
    "patronymic": ("отчество", "по батькові", "patronymic", "middle name", "father s name"),
    "birth_date": (
        "дата рождения", "д р", "др", "год рождения", "г р", "дата народження", "д н",
        "рік народження", "birth date", "date of birth", "dob", "born", "birthdate",
    ),
    "sex": ("пол", "стать", "sex", "gender"),
    "phone": (
        "телефон", "тел", "моб", "мобильный", "контактный телефон", "номер телефона",
        "номер телефону", "phone", "mobile", "tel", "contact phone",
    ),
    "origin": (
        "нас пункт", "населенный пункт", "населений пункт", "нп", "н п", "откуда",
        "звідки", "место жительства", "місце проживання", "settlement", "place of origin",
        "town village", "locality", "город село", "місто село",
    ),
    "district": ("район", "district", "raion"),
    "address": ("адрес", "адреса", "адрес проживания", "address", "home address"),
    "household": (
        "семья", "номер семьи", "семья", "сім я", "номер сім ї", "household", "family",
        "family id", "household id", "family no", "household no",
    ),
    "household_size": (
        "кол во членов семьи", "количество членов семьи", "членов семьи", "состав семьи",
        "кол во человек", "кількість членів сім ї", "членів сім ї", "склад сім ї",
        "household size", "family size", "size of household", "persons", "people",
    ),
    "needs": ("потребности", "особые потребности", "потреби", "needs", "special needs"),
}  # fmt: skip

MODES = tuple(Movement.Mode.values)
DESTINATIONS = tuple(Destination.values)
PREVIEW_ROWS = 5
MAX_ODS_UNPACKED = 40 * 1024 * 1024
HEADER_SCAN = 10

_PHONE_JUNK = re.compile(r"[\s()\-.]")
_SETTLEMENT_PREFIX = re.compile(
    r"^(?:г|гор|город|с|село|пос|посёлок|поселок|пгт|смт|м|місто|д|дер|деревня|х|хутор|сл"
    r"|слобода|рп)\.?\s+",
)
_SEX = {
    "м": "M", "муж": "M", "мужской": "M", "мужчина": "M", "ч": "M", "чол": "M",
    "чоловіча": "M", "чоловік": "M", "m": "M", "male": "M",
    "ж": "F", "жен": "F", "женский": "F", "женщина": "F", "жін": "F", "жіноча": "F",
    "жінка": "F", "f": "F", "female": "F",
}  # fmt: skip
_KEY_SPACE = uuid.UUID("6f1d2f0e-8c1e-4b6a-9a51-3c7d1f0b5e21")


def _norm(text: str) -> str:
    text = text.casefold().replace("ё", "е").replace("ʼ", " ").replace("’", " ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def headers_key(header: Sequence[str]) -> str:
    """The same headers (case, spaces and punctuation aside) give the same key."""
    return hashlib.sha256(json.dumps([_norm(h) for h in header]).encode()).hexdigest()


@dataclass
class Sheet:
    """A list's first sheet from its header row on; `first_row` is the header's row number."""

    name: str
    header: list[str]
    rows: list[list[str]]
    first_row: int = 1

    def row_number(self, index: int) -> int:
        return self.first_row + 1 + index

    def preview(self, count: int = PREVIEW_ROWS) -> list[list[str]]:
        return [(r + [""] * len(self.header))[: len(self.header)] for r in self.rows[:count]]


@dataclass
class Mapping:
    """A field per column (by position; "" not imported) and the values the list lacks."""

    columns: list[str]
    point: str = ""  # "p<pk>": the reception point the households registered at
    mode: str = Movement.Mode.ORGANISED
    destination: str = Destination.SHELTER

    def as_json(self, header: Sequence[str]) -> dict[str, Any]:
        return {
            "columns": {h: f for h, f in zip(header, self.columns, strict=True) if f},
            "reception_point": self.point,
            "mode": self.mode,
            "destination": self.destination,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], header: Sequence[str]) -> Mapping:
        given = data.get("columns", {})
        if isinstance(given, list):
            columns = [str(f or "") for f in given][: len(header)]
            columns += [""] * (len(header) - len(columns))
        else:
            by_name = {_norm(h): str(f or "") for h, f in given.items()}
            columns = [by_name.get(_norm(h), "") for h in header]
        unknown = sorted({c for c in columns if c not in FIELDS})
        if unknown:
            raise BadFile(_("unknown fields in the mapping: %(f)s") % {"f": ", ".join(unknown)})
        return cls(
            columns,
            point=str(data.get("reception_point", "")),
            mode=str(data.get("mode", Movement.Mode.ORGANISED)),
            destination=str(data.get("destination", Destination.SHELTER)),
        )


# Reading --------------------------------------------------------------------------


def is_ods(data: bytes) -> bool:
    return (
        data[:4] == b"PK\x03\x04"
        and b"application/vnd.oasis.opendocument.spreadsheet" in (data[:200])
    )


def is_export(path: Path) -> bool:
    """An ODK/Kobo export (its first sheet has `_uuid` or `KEY`), not a list."""
    if is_ods(path.read_bytes()[:200]):
        return False
    return bool({"_uuid", "KEY"} & set(exports.read_tables(path)[0].header))


def read_sheet(path: Path) -> Sheet:
    """The first sheet of an .xlsx, .ods or .csv list, from its header row on."""
    try:
        data = path.read_bytes()[:200]
    except OSError as error:
        raise BadFile(f"cannot read {path.name}: {error.strerror}") from None
    table = _ods(path) if is_ods(data) else exports.read_tables(path)[0]
    grid = [table.header, *table.rows]
    at = _header_row(grid)
    header = [h.strip() for h in grid[at]]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise BadFile(_("the first sheet has no header row"))
    header = [h or _("column %(n)s") % {"n": i + 1} for i, h in enumerate(header)]
    rows = grid[at + 1 :]
    return Sheet(table.name, header, rows, first_row=at + 1)


def _ods(path: Path) -> Table:
    size = path.stat().st_size
    if size > exports.MAX_FILE:
        raise BadFile(f"the file is {size:,} bytes; at most {exports.MAX_FILE:,} are read")
    data = path.read_bytes()
    archive = exports._archive(data)  # refuses a zip bomb from its directory, unread
    unpacked = sum(i.file_size for i in archive.infolist())
    if unpacked > MAX_ODS_UNPACKED:
        # odfpy holds the whole document as a tree, some twenty times its XML's size.
        raise BadFile(_(
            "the .ods file would unpack to %(size)s bytes (at most %(max)s): save it as .xlsx "
            "or .csv"
        ) % {"size": f"{unpacked:,}", "max": f"{MAX_ODS_UNPACKED:,}"})  # fmt: skip
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(data), engine="odf", header=None, dtype=object)
    except Exception:
        raise BadFile(_("the .ods file is damaged and cannot be read")) from None
    grid = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    for number, values in enumerate(grid, start=1):
        exports._bounded("ods", number, grid[0] if grid else [], values)
    if not grid:
        raise BadFile(_("the first sheet has no header row"))
    return Table("Sheet1", grid[0], grid[1:])


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN: an empty cell
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    return exports._text(value)


def _header_row(grid: list[list[str]]) -> int:
    best, best_score = 0, 0
    for at, row in enumerate(grid[:HEADER_SCAN]):
        score = sum(1 for cell in row if cell and _field_of_header(cell))
        if score > best_score:
            best, best_score = at, score
    return best


# Guessing the mapping -------------------------------------------------------------


def _field_of_header(header: str) -> str:
    text = _norm(header)
    if not text:
        return ""
    best, length = "", 0
    padded = f" {text} "
    for name, words in SYNONYMS.items():
        for word in words:
            if word == text:
                return name
            if f" {word} " in padded and len(word) > length:
                best, length = name, len(word)
    return best


def guess(sheet: Sheet) -> Mapping:
    """A field for each column from its header, then from its values; each field once."""
    columns = [_field_of_header(h) for h in sheet.header]
    seen: set[str] = set()
    for i, f in enumerate(columns):
        if f in seen:
            columns[i] = ""
        seen.add(f)
    if "full_name" in seen and {"family_name", "given_name"} & seen:
        # «Фамилия» beside «ФИО» is a duplicate; the split columns are more precise.
        columns = ["" if f == "full_name" else f for f in columns]
    for i, f in enumerate(columns):
        if f:
            continue
        sample = [r[i] for r in sheet.rows[:50] if i < len(r) and r[i].strip()]
        by_values = _field_of_values(sample)
        if by_values and by_values not in columns:
            columns[i] = by_values
    return Mapping(columns)


def _field_of_values(sample: list[str]) -> str:
    if len(sample) < 2:
        return ""
    share = 0.8 * len(sample)
    if sum(1 for v in sample if looks_like_a_date(v)) >= share:
        return "birth_date"
    if sum(1 for v in sample if normal_phone(v) and len(_digits(v)) >= 10) >= share:
        return "phone"
    if sum(1 for v in sample if len(v.split()) == 3 and not any(c.isdigit() for c in v)) >= share:
        return "full_name"
    return ""


# Values ---------------------------------------------------------------------------


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def normal_phone(text: str) -> str | None:
    """+7… for Russian numbers (8-9xx…, 9xx…), +380… for Ukrainian (0xx…, 380…);
    other numbers of 4 to 20 digits as typed; None for what is no phone number."""
    first = re.split(r"[,;/]", text)[0].strip()
    if not first:
        return ""
    if re.search(r"[^\d\s()\-.+]", first):
        return None
    plus = first.startswith("+")
    d = _digits(first)
    if len(d) == 11 and d[0] in "78" and not (plus and d[0] == "8"):
        return f"+7{d[1:]}"
    if len(d) == 10 and d[0] == "9" and not plus:
        return f"+7{d}"
    if len(d) == 12 and d.startswith("380"):
        return f"+{d}"
    if len(d) == 10 and d[0] == "0" and not plus:
        return f"+38{d}"
    if 4 <= len(d) <= 20:
        return f"+{d}" if plus else d
    return None


class BadValue(ValueError):
    """A cell that cannot be read as its field; the message is in the user's language."""


_BIRTH_DATE_REFUSALS = {
    "format": gettext_lazy("write the date as 14.03.1948, 03.1948 or 1948, not «%(typed)s»"),
    "invalid": gettext_lazy("there is no such date as %(typed)s"),
    "range": gettext_lazy("the birth year %(year)s is out of range"),
    "future": gettext_lazy("the birth date %(typed)s is in the future"),
}


def birth_text(text: str, today: date | None = None) -> str:
    """A birth date as the desk writes it (14.03.1948, 03.1948, 1948), from
    dd.mm.yyyy, d.m.yy, yyyy-mm-dd, mm.yyyy, yyyy or an Excel serial number."""
    try:
        parts = read_birth_date(text, today or timezone.localdate(), lenient=True)
    except BirthDateError as refused:
        said = {"typed": text.strip(), "year": refused.year}
        raise BadValue(str(_BIRTH_DATE_REFUSALS[refused.code]) % said) from None
    return as_desk_writes_it(parts)


_NEED_WORDS = {
    "коляска": "wheelchair", "колясочник": "wheelchair", "инвалидная коляска": "wheelchair",
    "візок": "wheelchair", "на візку": "wheelchair", "лежачий": "medical", "лежачая": "medical",
    "медицинская помощь": "medical", "медична допомога": "medical", "беременная": "pregnant",
    "беременность": "pregnant", "вагітна": "pregnant", "ребенок без сопровождения":
    "unaccompanied_minor", "дитина без супроводу": "unaccompanied_minor",
    "одинокий пожилой": "elderly_alone", "одинокая пожилая": "elderly_alone",
    "самотня літня людина": "elderly_alone",
    # As volunteers write them in a notes column (seen in the first-user walk).
    "инвалид колясочник": "wheelchair", "на коляске": "wheelchair", "колясочница": "wheelchair",
    "маломобильный": "wheelchair", "маломобильная": "wheelchair", "візочник": "wheelchair",
    "лежачий больной": "medical", "лежачая больная": "medical", "лежача хвора": "medical",
    "нужна медицинская помощь": "medical", "потрібна медична допомога": "medical",
    "одинокий пенсионер": "elderly_alone", "одинокая пенсионерка": "elderly_alone",
    "самотній пенсіонер": "elderly_alone", "самотня пенсіонерка": "elderly_alone",
    "medical care": "medical",
}  # fmt: skip
# What a refusal suggests: each of these words is understood (tests/test_sheets.py).
NEEDS_UNDERSTOOD = gettext_lazy(
    "wheelchair, medical care, pregnant, unaccompanied minor, elderly alone"
)


def _need(text: str) -> str:
    """A need's code from its code (wheelchair, elderly_alone…) or a ru/uk phrase."""
    low = _norm(text)
    return _NEED_WORDS.get(low, low.replace(" ", "_"))


def _sex(text: str) -> str | None:
    low = _norm(text)
    return "" if not low else _SEX.get(low)


# Settlements ----------------------------------------------------------------------


class Gazetteer:
    """The operation's settlements by any of their names, with their district's names."""

    def __init__(self, places: imports.Places) -> None:
        self.by_name: dict[str, list[str]] = {}
        self.districts: dict[str, set[str]] = {}
        for code, s in places.settlements.items():
            for name in {s.name_en, s.name_ru, s.name_uk} - {""}:
                self.by_name.setdefault(_norm(name), []).append(code)
            d = s.district
            self.districts[code] = {_norm(n) for n in (d.name_en, d.name_ru, d.name_uk) if n}

    def find(self, text: str, district: str = "") -> list[str]:
        name = _SETTLEMENT_PREFIX.sub("", text.strip().casefold().replace("ё", "е"))
        found = self.by_name.get(_norm(name), [])
        if len(found) > 1 and district:
            wanted = _norm(re.sub(r"\b(район|р-н|district|р н)\b", "", district, flags=re.I))
            narrowed = [c for c in found if any(wanted in d for d in self.districts[c])]
            found = narrowed or found
        return found

    def in_address(self, address: str, district: str = "") -> list[str]:
        for part in re.split(r"[,;]", address):
            if found := self.find(part, district):
                return found
        return []


# Rows into submissions ------------------------------------------------------------


@dataclass
class ListFinding:
    row: int
    column: str
    message: str
    outcome: str = "rejected"


@dataclass
class _Person:
    row: int
    values: dict[str, str]


@dataclass
class Converted:
    submissions: list[Submission] = field(default_factory=list)
    findings: list[ListFinding] = field(default_factory=list)
    rejected: int = 0


def convert(
    sheet: Sheet,
    mapping: Mapping,
    places: imports.Places,
    *,
    operation_id: int,
    at: datetime,
) -> Converted:
    """The list's households as submissions; what cannot be read, as findings."""
    out = Converted()
    header = sheet.header
    col = {f: i for i, f in enumerate(mapping.columns) if f}
    for name in col:
        twice = [header[i] for i, f in enumerate(mapping.columns) if f == name]
        if len(twice) > 1:
            out.findings.append(ListFinding(sheet.first_row, ", ".join(twice), _(
                "these columns are all mapped to «%(field)s»: keep one"
            ) % {"field": FIELDS[name]}))  # fmt: skip
    if out.findings:
        return out
    if "full_name" not in col and not {"family_name", "given_name"} <= col.keys():
        out.findings.append(ListFinding(sheet.first_row, "", _(
            "map a full-name column, or both a family-name and a given-name column"
        )))  # fmt: skip
        return out
    if mapping.point not in places.points:
        out.findings.append(ListFinding(sheet.first_row, "", _(
            "choose a reception point you may import into"
        )))  # fmt: skip
        return out
    if mapping.mode not in MODES or mapping.destination not in DESTINATIONS:
        out.findings.append(ListFinding(sheet.first_row, "", _(
            "choose how they travelled and where they go"
        )))  # fmt: skip
        return out
    gazetteer = Gazetteer(places)

    def cell(row: list[str], name: str) -> str:
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    today = timezone.localdate(at)
    people: list[_Person] = []
    for index, row in enumerate(sheet.rows):
        values = {f: cell(row, f) for f in col}
        if any(values.values()):  # rows numbered in advance and left blank are no one
            people.append(_Person(sheet.row_number(index), values))
    for group in _households(people, col.keys(), out, header, col):
        submission = _submission(group, col, header, gazetteer, mapping, out, at, today)
        if submission is None:
            out.rejected += 1
        else:
            submission.uuid = str(_key(operation_id, submission))
            out.submissions.append(submission)
    return out


def _households(
    people: list[_Person],
    mapped: Iterable[str],
    out: Converted,
    header: list[str],
    col: dict[str, int],
) -> list[list[_Person]]:
    mapped = set(mapped)
    if "household" in mapped:
        groups: dict[str, list[_Person]] = {}
        for n, p in enumerate(people):
            groups.setdefault(p.values["household"] or f"\0{n}", []).append(p)
        return list(groups.values())
    if "household_size" in mapped:
        result: list[list[_Person]] = []
        for p in people:
            size = p.values["household_size"]
            if size or not result:
                result.append([p])
            else:
                result[-1].append(p)
        return result
    result = []
    for p in people:
        last = result[-1][-1] if result else None
        if (
            last is not None
            and p.values.get("address")
            and p.values.get("address") == last.values.get("address")
            and _family_stem(p) == _family_stem(last)
        ):
            result[-1].append(p)
        else:
            result.append([p])
    return result


def _family_stem(p: _Person) -> str:
    family = p.values.get("family_name") or split_full_name(p.values.get("full_name", ""))[0]
    return surname_stem(family) if family else ""


def _submission(
    group: list[_Person],
    col: dict[str, int],
    header: list[str],
    gazetteer: Gazetteer,
    mapping: Mapping,
    out: Converted,
    at: datetime,
    today: date,
) -> Submission | None:
    before = len(out.findings)
    head = group[0]

    def bad(p: _Person, name: str, message: str) -> None:
        out.findings.append(ListFinding(p.row, header[col[name]] if name in col else "", message))

    members: list[Member] = []
    for p in group:
        v = p.values
        if "full_name" in col:
            family, given, patronymic = split_full_name(v["full_name"])
        else:
            family, given, patronymic = v.get("family_name", ""), v.get("given_name", ""), ""
        patronymic = v.get("patronymic") or patronymic
        name_column = "full_name" if "full_name" in col else "family_name"
        if not family or not given:
            bad(p, name_column, _("a family name and a given name are needed"))
        born = ""
        if "birth_date" in col:
            try:
                born = birth_text(v["birth_date"], today)
            except BadValue as error:
                bad(p, "birth_date", str(error))
        sex = _sex(v.get("sex", "")) if "sex" in col else ""
        if sex is None:
            bad(p, "sex", _("write the sex as М/Ж, Ч/Ж or M/F, not «%(typed)s»") % {
                "typed": v["sex"]
            })  # fmt: skip
            sex = ""
        typed_needs = [w.strip() for w in re.split(r"[,;]", v.get("needs", "")) if w.strip()]
        needs = {_need(w) for w in typed_needs}
        if unknown := [w for w in typed_needs if _need(w) not in NEEDS]:
            bad(p, "needs", _("needs not understood: %(typed)s; write one of: %(known)s") % {
                "typed": ", ".join(f"«{w}»" for w in unknown),
                "known": NEEDS_UNDERSTOOD,
            })  # fmt: skip
            needs &= set(NEEDS)
        members.append(Member(("", p.row), {
            "family_name": family, "given_name": given, "patronymic": patronymic,
            "sex": sex or sex_of_patronymic(patronymic), "birth_date": born,
            "needs": " ".join(sorted(needs)),
        }))  # fmt: skip
    values = {
        "reception_point": mapping.point,
        "mode": mapping.mode,
        "destination": mapping.destination,
        "left_at": "",
    }
    phone = next((p.values["phone"] for p in group if p.values.get("phone")), "")
    if phone:
        normal = normal_phone(phone)
        if normal is None:
            bad(head, "phone", _("«%(typed)s» is not a phone number") % {"typed": phone})
        values["phone"] = normal or ""
    district = next((p.values["district"] for p in group if p.values.get("district")), "")
    if "origin" in col:
        origin_text = next((p.values["origin"] for p in group if p.values.get("origin")), "")
        found = gazetteer.find(origin_text, district)
        column = "origin"
    else:
        origin_text = next((p.values["address"] for p in group if p.values.get("address")), "")
        found = gazetteer.in_address(origin_text, district)
        column = "address" if "address" in col else "origin"
    if len(found) == 1:
        values["origin"] = found[0]
    elif len(found) > 1:
        bad(head, column, _("%(name)s is the name of several settlements: add the district") % {
            "name": origin_text
        })  # fmt: skip
    elif origin_text:
        bad(head, column, _("%(name)s is not a settlement of this operation's evacuated area") % {
            "name": origin_text
        })  # fmt: skip
    else:
        bad(head, column, _("the home settlement is missing"))
    if "household_size" in col:
        size_text = head.values.get("household_size", "")
        if not size_text.isdigit() or not 1 <= int(size_text) <= 30:
            bad(head, "household_size", _("write the household size as a number from 1 to 30"))
        elif int(size_text) != len(group):
            bad(head, "household_size", _(
                "the household size says %(size)s, the list has %(count)s rows for it: "
                "one row per person is needed"
            ) % {"size": size_text, "count": len(group)})  # fmt: skip
    if len(out.findings) > before:
        return None
    return Submission("", at.isoformat(), ("", head.row), values, members)


def _key(operation_id: int, s: Submission) -> uuid.UUID:
    people = sorted(
        "|".join(
            (
                name_key(m.values["family_name"]),
                name_key(m.values["given_name"]),
                name_key(m.values["patronymic"]),
                m.values["birth_date"],
            )
        )
        for m in s.members
    )
    return uuid.uuid5(_KEY_SPACE, f"{operation_id}\n" + "\n".join(people))


# The dry run ----------------------------------------------------------------------

_OUTCOMES = {
    "accepted": gettext_lazy("accepted"),
    "rejected": gettext_lazy("rejected"),
    "warning": gettext_lazy("warning"),
    "already imported": gettext_lazy("already imported"),
    "possible duplicate": gettext_lazy("possible duplicate"),
}
_CONTRACT_COLUMN = {
    "family_name": ("family_name", "full_name"),
    "given_name": ("given_name", "full_name"),
    "patronymic": ("patronymic", "full_name"),
    "origin": ("origin", "address"),
    "_uuid": ("full_name", "family_name"),  # a list's household key is its names and dates
}


def outcome_label(outcome: str) -> str:
    return str(_OUTCOMES.get(outcome, outcome))


def check(
    sheet: Sheet,
    mapping: Mapping,
    places: imports.Places,
    *,
    operation_id: int,
    at: datetime,
) -> imports.Report:
    """The list's dry run: the Kobo check over its submissions, with the list's own
    findings first; every finding names the sheet's row and the column's header."""
    converted = convert(sheet, mapping, places, operation_id=operation_id, at=at)
    report = imports.check(converted.submissions, places)
    by_field = {f: sheet.header[i] for i, f in enumerate(mapping.columns) if f}
    sizes = {s.where[1]: len(s.members) for s in converted.submissions}
    relabelled = []
    for f in report.findings:
        column = next(
            (by_field[c] for c in _CONTRACT_COLUMN.get(f.column, (f.column,)) if c in by_field),
            f.column,
        )
        message = f.message
        if f.outcome == "accepted" and message.endswith(" people"):
            count = sizes.get(f.row, 0)
            message = ngettext("%(n)s person", "%(n)s people", count) % {"n": count}
        elif f.message == "the same submission twice: kept once":
            message = _("the same household is on the list twice: imported once")
        relabelled.append(imports.Finding(sheet.name, f.row, column, f.outcome, message))
    own = [
        imports.Finding(sheet.name, f.row, f.column, f.outcome, f.message)
        for f in converted.findings
    ]
    report.findings = sorted(own + relabelled, key=lambda f: f.row)
    report.rejected += converted.rejected
    return report
