"""The warnings a duty officer drafts from, in the three languages of the public page.

Each text takes {area} (the area's name in that language) and {place} (a shelter's
address, where the template has one). CAP codes follow the standard: shelter in place is
responseType Shelter, an all clear is AllClear with urgency Past.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Wording:
    label: object  # lazy, in the officer's language
    category: tuple[str, ...]
    response: str
    urgency: str
    severity: str
    certainty: str
    hours: int  # default validity
    event: dict[str, str]
    headline: dict[str, str]
    instruction: dict[str, str]
    needs_place: bool = False
    ends: str = ""  # the template whose alerts this one ends (all clear -> air raid)
    air_raid: bool = False


TEMPLATES: dict[str, Wording] = {
    "evacuate": Wording(
        _("Evacuate an area"), ("Safety",), "Evacuate", "Immediate", "Extreme", "Observed", 48,
        {"en": "Evacuation", "ru": "Эвакуация", "uk": "Евакуація"},
        {
            "en": "Evacuation ordered: {area}",
            "ru": "Объявлена эвакуация: {area}",
            "uk": "Оголошено евакуацію: {area}",
        },
        {
            "en": "Leave the area now ({area}). Take documents, medicines, water and phone chargers. "
            "Go to the nearest reception point; help neighbours who cannot leave alone.",
            "ru": "Немедленно покиньте территорию ({area}). Возьмите документы, лекарства, воду и зарядные "
            "устройства. Идите на ближайший пункт приёма; помогите соседям, которые не могут "
            "уехать сами.",
            "uk": "Негайно залиште територію ({area}). Візьміть документи, ліки, воду та зарядні пристрої. "
            "Йдіть до найближчого пункту прийому; допоможіть сусідам, які не можуть виїхати "
            "самі.",
        },
    ),
    "shelter_in_place": Wording(
        _("Shelter in place (smoke)"), ("Fire", "Safety"), "Shelter", "Immediate", "Severe",
        "Observed", 12,
        {"en": "Smoke hazard", "ru": "Задымление", "uk": "Задимлення"},
        {
            "en": "Stay inside, smoke: {area}",
            "ru": "Оставайтесь дома, задымление: {area}",
            "uk": "Залишайтеся вдома, задимлення: {area}",
        },
        {
            "en": "Stay inside and close the windows and doors. Turn off ventilation. "
            "Do not go out unless you must.",
            "ru": "Оставайтесь в помещении, закройте окна и двери. Выключите вентиляцию. "
            "Не выходите без крайней необходимости.",
            "uk": "Залишайтеся в приміщенні, зачиніть вікна та двері. Вимкніть вентиляцію. "
            "Не виходьте без крайньої потреби.",
        },
    ),
    "air_raid": Wording(
        _("Air-raid alert"), ("Security",), "Shelter", "Immediate", "Extreme", "Likely", 12,
        {"en": "Air-raid alert", "ru": "Воздушная тревога", "uk": "Повітряна тривога"},
        {
            "en": "Air-raid alert: {area}",
            "ru": "Воздушная тревога: {area}",
            "uk": "Повітряна тривога: {area}",
        },
        {
            "en": "Go to the nearest shelter now. Stay there until the all clear.",
            "ru": "Немедленно пройдите в ближайшее укрытие. Оставайтесь там до отбоя тревоги.",
            "uk": "Негайно пройдіть до найближчого укриття. Залишайтеся там до відбою тривоги.",
        },
        air_raid=True,
    ),
    "all_clear": Wording(
        _("All clear"), ("Security",), "AllClear", "Past", "Minor", "Observed", 1,
        {"en": "All clear", "ru": "Отбой воздушной тревоги", "uk": "Відбій повітряної тривоги"},
        {
            "en": "All clear: {area}",
            "ru": "Отбой тревоги: {area}",
            "uk": "Відбій тривоги: {area}",
        },
        {
            "en": "The air-raid alert is over. Stay careful: do not touch debris.",
            "ru": "Воздушная тревога окончена. Будьте осторожны: не трогайте обломки.",
            "uk": "Повітряна тривога завершилася. Будьте обережні: не торкайтеся уламків.",
        },
        ends="air_raid",
    ),
    "shelter_opened": Wording(
        _("Shelter opened"), ("Safety",), "Prepare", "Expected", "Moderate", "Observed", 24,
        {"en": "Shelter opened", "ru": "Открыт пункт временного размещения",
         "uk": "Відкрито пункт тимчасового розміщення"},
        {
            "en": "Shelter open ({area}): {place}",
            "ru": "Открыт пункт размещения ({area}): {place}",
            "uk": "Відкрито пункт розміщення ({area}): {place}",
        },
        {
            "en": "If you have nowhere to stay, go to {place}. Bring documents.",
            "ru": "Если вам негде остановиться, идите по адресу: {place}. Возьмите документы.",
            "uk": "Якщо вам ніде зупинитися, йдіть за адресою: {place}. Візьміть документи.",
        },
        needs_place=True,
    ),
    "shelter_full": Wording(
        _("Shelter full"), ("Safety",), "Avoid", "Expected", "Minor", "Observed", 12,
        {"en": "Shelter full", "ru": "Пункт размещения заполнен",
         "uk": "Пункт розміщення заповнений"},
        {
            "en": "Shelter full, do not go there: {place}",
            "ru": "Пункт размещения заполнен, не едьте туда: {place}",
            "uk": "Пункт розміщення заповнений, не їдьте туди: {place}",
        },
        {
            "en": "Go to another reception point ({area}); staff will send you on.",
            "ru": "Обратитесь в другой пункт приёма ({area}); там вас направят дальше.",
            "uk": "Зверніться до іншого пункту прийому ({area}); там вас скерують далі.",
        },
        needs_place=True,
    ),
    "return_home": Wording(
        _("Return home"), ("Safety",), "AllClear", "Expected", "Minor", "Observed", 48,
        {"en": "Return home", "ru": "Возвращение домой", "uk": "Повернення додому"},
        {
            "en": "You may return home: {area}",
            "ru": "Можно возвращаться домой: {area}",
            "uk": "Можна повертатися додому: {area}",
        },
        {
            "en": "Return by the roads the police name. Report damage and unexploded objects.",
            "ru": "Возвращайтесь по дорогам, указанным полицией. Сообщайте о разрушениях и "
            "невзорвавшихся предметах.",
            "uk": "Повертайтеся дорогами, які вказує поліція. Повідомляйте про руйнування та "
            "нерозірвані предмети.",
        },
    ),
}  # fmt: skip
LANGUAGES = ("en", "ru", "uk")
# Appended to an Evacuate instruction drafted from an evacuation order.
NEAREST_SHELTERS = {
    "en": "Nearest open shelters: {shelters}.",
    "ru": "Ближайшие открытые пункты временного размещения: {shelters}.",
    "uk": "Найближчі відкриті пункти тимчасового розміщення: {shelters}.",
}
