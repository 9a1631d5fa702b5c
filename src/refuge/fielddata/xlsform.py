"""The household registration form for ODK Collect and KoboToolbox, as an XLSForm.

The field names below are the contract with `refuge import kobo|odk`: the importer
reads exactly these names (exports.py). Choices carry database ids ("s1000123" for a
settlement, "p1000007" for a reception point) so a name several districts share is
never ambiguous; the settlement list is filtered by the district picked before it.
Constraints repeat the desk's validation (desks/forms.py): birth dates typed
14.03.1948, 03.1948 or 1948, a phone with at least four digits, one member at least.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import translation
from openpyxl import Workbook

from refuge.geo.models import Settlement
from refuge.operations.models import Operation
from refuge.operations.selectors import coverage_start
from refuge.registry.actions import NEEDS
from refuge.registry.models import ReceptionPoint

LANGUAGES = (("en", "English (en)"), ("ru", "Русский (ru)"), ("uk", "Українська (uk)"))
BIRTH_DATE = r"^((0?[1-9]|[12][0-9]|3[01])\.)?((0?[1-9]|1[0-2])\.)?(19|20)[0-9]{2}$"
PHONE = r"^\+?[0-9 ()\-]{4,20}$"

# (English, Russian, Ukrainian) for every label the form shows.
T = {
    "household": ("Household", "Семья", "Родина"),
    "district": (
        "District of the home settlement",
        "Район места жительства",
        "Район місця проживання",
    ),
    "origin": ("Home settlement", "Населённый пункт", "Населений пункт"),
    "phone": ("Phone", "Телефон", "Телефон"),
    "phone_msg": ("At least four digits.", "Не менее четырёх цифр.", "Не менше чотирьох цифр."),
    "mode": ("How they left", "Как выехали", "Як виїхали"),
    "organised": ("in an organised group", "организованно", "організовано"),
    "own": ("on their own", "самостоятельно", "самостійно"),
    "left_at": ("When they left home", "Когда выехали из дома", "Коли виїхали з дому"),
    "destination": ("Where they go", "Куда направляются", "Куди прямують"),
    "shelter": (
        "a temporary shelter",
        "пункт временного размещения",
        "пункт тимчасового розміщення",
    ),
    "relatives": ("relatives", "к родственникам", "до родичів"),
    "own_housing": ("own housing", "собственное жильё", "власне житло"),
    "reception_point": ("Reception point", "Пункт приёма", "Пункт прийому"),
    "household_size": ("How many people", "Сколько человек", "Скільки осіб"),
    "size_msg": ("From 1 to 30.", "От 1 до 30.", "Від 1 до 30."),
    "consent": (
        "They agree that relatives looking for them may be told where they are",
        "Согласны, чтобы ищущим их родственникам сообщили, где они",
        "Згодні, щоб родичам, які їх шукають, повідомили, де вони",
    ),
    "yes": ("yes", "да", "так"),
    "no": ("no", "нет", "ні"),
    "members": ("Person", "Человек", "Особа"),
    "family_name": ("Family name", "Фамилия", "Прізвище"),
    "given_name": ("Given name", "Имя", "Ім'я"),
    "patronymic": ("Patronymic", "Отчество", "По батькові"),
    "sex": ("Sex", "Пол", "Стать"),
    "F": ("female", "женский", "жіноча"),
    "M": ("male", "мужской", "чоловіча"),
    "birth_date": (
        "Birth date (DD.MM.YYYY, MM.YYYY or YYYY)",
        "Дата рождения (ДД.ММ.ГГГГ, ММ.ГГГГ или ГГГГ)",
        "Дата народження (ДД.ММ.РРРР, ММ.РРРР або РРРР)",
    ),
    "birth_msg": (
        "Write the birth date as DD.MM.YYYY, MM.YYYY or YYYY.",
        "Укажите дату рождения как ДД.ММ.ГГГГ, ММ.ГГГГ или ГГГГ.",
        "Вкажіть дату народження як ДД.ММ.РРРР, ММ.РРРР або РРРР.",
    ),
    "needs": ("Needs", "Потребности", "Потреби"),
    "wheelchair": ("wheelchair", "кресло-коляска", "крісло колісне"),
    "medical": ("medical care", "медицинская помощь", "медична допомога"),
    "pregnant": ("pregnant", "беременность", "вагітність"),
    "unaccompanied_minor": (
        "unaccompanied minor",
        "несовершеннолетний без сопровождения",
        "неповнолітній без супроводу",
    ),
    "elderly_alone": ("elderly person alone", "одинокий пожилой человек", "самотня літня особа"),
}


def _labels(key: str, prefix: str = "label") -> list[str]:
    del prefix
    return list(T[key])


def survey_rows() -> list[list[str]]:
    """type, name, labels×3, required, constraint, messages×3, choice_filter, relevant."""
    none = ["", "", ""]
    return [
        ["begin_group", "household", *_labels("household"), "", "", *none, "", ""],
        ["select_one district", "district", *_labels("district"), "yes", "", *none, "", ""],
        [
            "select_one settlement",
            "origin",
            *_labels("origin"),
            "yes",
            "",
            *none,
            "district=${district}",
            "",
        ],
        [
            "select_one point",
            "reception_point",
            *_labels("reception_point"),
            "yes",
            "",
            *none,
            "",
            "",
        ],
        ["datetime", "left_at", *_labels("left_at"), "yes", ". <= now()", *none, "", ""],
        ["select_one mode", "mode", *_labels("mode"), "yes", "", *none, "", ""],
        [
            "select_one destination",
            "destination",
            *_labels("destination"),
            "yes",
            "",
            *none,
            "",
            "",
        ],
        [
            "text",
            "phone",
            *_labels("phone"),
            "",
            f"regex(., '{PHONE}')",
            *_labels("phone_msg"),
            "",
            "",
        ],
        [
            "integer",
            "household_size",
            *_labels("household_size"),
            "yes",
            ". >= 1 and . <= 30",
            *_labels("size_msg"),
            "",
            "",
        ],
        ["select_one yes_no", "consent", *_labels("consent"), "yes", "", *none, "", ""],
        ["end_group", "", "", "", "", "", "", *none, "", ""],
        ["begin_repeat", "members", *_labels("members"), "", "", *none, "", ""],
        [
            "text",
            "family_name",
            *_labels("family_name"),
            "yes",
            "string-length(.) <= 100",
            *none,
            "",
            "",
        ],
        [
            "text",
            "given_name",
            *_labels("given_name"),
            "yes",
            "string-length(.) <= 100",
            *none,
            "",
            "",
        ],
        [
            "text",
            "patronymic",
            *_labels("patronymic"),
            "",
            "string-length(.) <= 100",
            *none,
            "",
            "",
        ],
        ["select_one sex", "sex", *_labels("sex"), "", "", *none, "", ""],
        [
            "text",
            "birth_date",
            *_labels("birth_date"),
            "",
            f"regex(., '{BIRTH_DATE}')",
            *_labels("birth_msg"),
            "",
            "",
        ],
        ["select_multiple needs", "needs", *_labels("needs"), "", "", *none, "", ""],
        ["end_repeat", "", "", "", "", "", "", *none, "", ""],
    ]


SURVEY_HEADER = [
    "type",
    "name",
    *[f"label::{name}" for _, name in LANGUAGES],
    "required",
    "constraint",
    *[f"constraint_message::{name}" for _, name in LANGUAGES],
    "choice_filter",
    "relevant",
]


def _choices(operation: Operation) -> list[list[str]]:
    rows: list[list[str]] = []
    for value in ("organised", "own"):
        rows.append(["mode", value, *_labels(value), ""])
    for value in ("shelter", "relatives", "own_housing"):
        rows.append(["destination", value, *_labels(value), ""])
    for value in ("yes", "no"):
        rows.append(["yes_no", value, *_labels(value), ""])
    for value in ("F", "M"):
        rows.append(["sex", value, *_labels(value), ""])
    for value in NEEDS:
        rows.append(["needs", value, *_labels(value), ""])
    for point in ReceptionPoint.objects.filter(operation=operation).order_by("pk"):
        rows.append(["point", f"p{point.pk}", point.name, point.name, point.name, ""])
    settlements = (
        Settlement.objects.filter(pk__in=coverage_start(operation))
        .select_related("district")
        .order_by("district__name_en", "name_en", "pk")
    )
    districts = {}
    for s in settlements:
        districts[s.district_id] = s.district
        rows.append(["settlement", f"s{s.pk}", *_names(s), f"d{s.district_id}"])
    for d in districts.values():
        rows.append(["district", f"d{d.pk}", *_names(d), ""])
    return rows


def _names(place: object) -> list[str]:
    en = place.name_en
    return [en, place.name_ru or en, place.name_uk or en]


def write_form(operation: Operation, out: Path) -> None:
    with translation.override("en"):
        book = Workbook()
        survey = book.active
        survey.title = "survey"
        survey.append(SURVEY_HEADER)
        for row in survey_rows():
            survey.append(row)
        choices = book.create_sheet("choices")
        choices.append(["list_name", "name", *[f"label::{n}" for _, n in LANGUAGES], "district"])
        for row in _choices(operation):
            choices.append(row)
        settings = book.create_sheet("settings")
        settings.append(["form_title", "form_id", "version", "default_language"])
        settings.append(
            [
                f"Refuge: {operation.name}",
                f"refuge_{operation.slug}".replace("-", "_"),
                "1",
                "English (en)",
            ]
        )
        book.save(out)
