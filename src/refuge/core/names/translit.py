"""Transliteration of East Slavic names, and the canonical key every spelling collapses to.

Two directions:

* `transliterate(text, system, lang)` writes a Cyrillic name in one of the Latin systems
  met on evacuation lists. It feeds the synthetic data generator and registers every
  system's spelling of every tabled name, so a lookup succeeds whatever system a
  volunteer used.
* `name_key(text)` maps Cyrillic or Latin in any of those systems to one key. The key is
  deliberately lossy (г/х/h/kh/g merge, и/ы/і/й/y/j merge, ё/е/є/ye/ie merge, щ/ш merge,
  double letters collapse) because a wrong merge costs only a candidate that scoring
  rejects, while a missed merge costs a duplicate nobody finds.

Sources for the letter tables (written from the published tables, not copied code):

* BGN/PCGN 1947 system for Russian, and BGN/PCGN 1965 system for Ukrainian
  (Romanization Systems and Policies, US Board on Geographic Names / PCGN, 2019 edition).
* ICAO Doc 9303, 8th edition (2021), Part 3, section 6 "Transliteration of multinational
  characters", Cyrillic table — the spelling in Russian passports since 2014 (Приказ ФМС
  № 320, 15.10.2012) and the machine-readable zone generally.
* Ukraine: Resolution of the Cabinet of Ministers No. 55 of 27 January 2010 "Про
  впорядкування транслітерації українського алфавіту латиницею" (Ukrainian passports).
* GOST 7.79-2000 (ISO 9:1995 adaptation), system B (Latin letters only, with
  diacritic substitutes such as `shh`, `cz`, `y``).
* Popular English spellings: the Library of Congress/BGN family without apostrophes, as
  used by newspapers (Tatyana, Dmitry, Yuri, Alexei).
* German (Duden) transcription: w for в, sch for ш, tsch for ч, ch for х, j for й and
  for iotated vowels, z for ц (Wladimir, Tatjana, Juri, Schewtschenko).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from typing import Literal

Lang = Literal["ru", "uk"]


class System(StrEnum):
    BGN_PCGN = "bgn_pcgn"
    ICAO_9303 = "icao_9303"
    UA_2010 = "ua_2010"
    GOST_7_79_B = "gost_7_79_b"
    ENGLISH = "english"
    GERMAN = "german"


ALL_SYSTEMS: tuple[System, ...] = tuple(System)

UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
RUSSIAN_ONLY = set("ыэёъЫЭЁЪ")
VOWELS_CYR = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")
APOSTROPHES = "'’ʼ`ʹʺ\""

# Letters whose spelling does not depend on position, per system. A letter missing from a
# system's table falls back to BASE (e.g. Ukrainian letters in a Russian-only system).
BASE: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

TABLES: dict[tuple[System, Lang], dict[str, str]] = {
    # BGN/PCGN Russian keeps the soft sign as a prime and ё as ë.
    (System.BGN_PCGN, "ru"): {**BASE, "ё": "ë", "ь": "'", "ъ": '"', "й": "y"},
    # BGN/PCGN Ukrainian (1965): г is h, и is y, і is i, ї is yi.
    (System.BGN_PCGN, "uk"): {**BASE, "г": "h", "и": "y", "ь": "'"},
    # ICAO 9303: no apostrophes, iotated vowels as i + vowel, й as i, ъ as ie.
    (System.ICAO_9303, "ru"): {
        **BASE, "е": "e", "ё": "e", "й": "i", "ъ": "ie", "ю": "iu", "я": "ia", "є": "ie",
        "ї": "i",
    },
    (System.ICAO_9303, "uk"): {
        **BASE, "е": "e", "й": "i", "ю": "iu", "я": "ia", "є": "ie", "ї": "i", "и": "i",
    },
    # Ukraine 2010: г h, и y, і i; word-initial forms handled in _positional().
    (System.UA_2010, "ru"): {**BASE, "г": "h", "и": "y", "ю": "iu", "я": "ia", "є": "ie",
                              "ї": "i", "й": "i"},
    (System.UA_2010, "uk"): {**BASE, "г": "h", "и": "y", "ю": "iu", "я": "ia", "є": "ie",
                              "ї": "i", "й": "i"},
    # GOST 7.79-2000 system B.
    (System.GOST_7_79_B, "ru"): {
        **BASE, "ё": "yo", "й": "j", "х": "x", "ц": "cz", "щ": "shh", "ъ": "``", "ы": "y`",
        "ь": "`", "э": "e`", "ю": "yu", "я": "ya",
    },
    (System.GOST_7_79_B, "uk"): {
        **BASE, "г": "g", "ґ": "g`", "и": "y`", "й": "j", "х": "x", "ц": "cz", "щ": "shh",
        "ь": "`", "ю": "yu", "я": "ya", "є": "ye", "ї": "yi",
    },
    (System.ENGLISH, "ru"): {**BASE},
    (System.ENGLISH, "uk"): {**BASE, "г": "h", "и": "y"},
    (System.GERMAN, "ru"): {
        **BASE, "в": "w", "ё": "jo", "ж": "sch", "з": "s", "й": "i", "х": "ch", "ц": "z",
        "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "є": "je",
        "ї": "ji",
    },
    (System.GERMAN, "uk"): {
        **BASE, "в": "w", "г": "h", "и": "y", "ж": "sch", "з": "s", "й": "i", "х": "ch",
        "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja",
        "є": "je", "ї": "ji",
    },
}  # fmt: skip


def guess_lang(text: str) -> Lang:
    """Ukrainian if the name carries a letter Russian does not have."""
    return "uk" if any(ch in UKRAINIAN_ONLY for ch in text) else "ru"


def transliterate(text: str, system: System, lang: Lang | None = None) -> str:
    """Write a Cyrillic name in Latin letters as `system` prescribes."""
    language: Lang = lang or guess_lang(text)
    table = TABLES[(system, language)]
    out: list[str] = []
    for pos, ch in enumerate(text):
        low = ch.lower()
        if low not in BASE:
            if ch not in APOSTROPHES:
                out.append(ch)
            continue
        piece = _positional(text, pos, low, system, language) or table.get(low, BASE[low])
        out.append(piece.capitalize() if ch.isupper() else piece)
    return "".join(out)


def _positional(text: str, pos: int, low: str, system: System, lang: Lang) -> str | None:
    """Spellings that depend on where the letter stands (word start, after a vowel)."""
    initial = pos == 0 or not text[pos - 1].isalpha()
    prev = text[pos - 1].lower() if pos > 0 else ""
    after_vowel = prev in VOWELS_CYR or prev in "ьъй"
    nxt = text[pos + 1].lower() if pos + 1 < len(text) else ""
    if system is System.UA_2010 and initial and low in "єїйюя":
        return {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}[low]
    if system is System.BGN_PCGN and lang == "ru" and low == "е" and (initial or after_vowel):
        return "ye"
    if system is System.ENGLISH:
        return _english(low, initial, after_vowel, nxt, lang)
    if system is System.GERMAN and low == "е" and (initial or after_vowel):
        return "je"
    if system is System.GOST_7_79_B and low == "ц" and nxt not in ("е", "и", "ы", "й", "і", "є"):
        return "c"
    return None


def _english(low: str, initial: bool, after_vowel: bool, nxt: str, lang: Lang) -> str | None:
    if low == "е" and (initial or after_vowel):
        return "ye" if lang == "ru" else "e"
    if low == "и" and nxt == "й":
        return "" if lang == "ru" else None  # Dmitriy -> Dmitry, Yuriy -> Yuri
    if low == "й" and not nxt:
        return "y" if lang == "ru" else "i"
    if low == "ё":
        return "yo"
    return None


# ---------------------------------------------------------------------------------------
# Canonical key. Internal placeholders (upper case, never produced by lower-casing):
# C = ч, S = ш/щ, Z = ж, T = ц.

_LATIN_DIACRITICS = {
    "č": "ch", "š": "sh", "ž": "zh", "ŝ": "shch", "ć": "ch", "ś": "s", "ź": "z", "ł": "l",
    "ä": "ja", "ö": "jo", "ü": "ju", "ß": "ss", "ĭ": "i", "ÿ": "y",
}  # fmt: skip

# Order matters: longer German/GOST clusters first so that "tsch" is not read as t+sch.
_LATIN_CLUSTERS: tuple[tuple[str, str], ...] = (
    ("schtsch", "S"), ("shch", "S"), ("tsch", "C"), ("sch", "S"), ("shh", "S"),
    ("sh", "S"), ("zh", "Z"), ("ch", "C"), ("kh", "g"), ("tz", "T"), ("ts", "T"),
    ("cz", "T"), ("ph", "f"),
)  # fmt: skip
_SOFT_C = re.compile(r"c(?=[eiy])")
_NON_KEY = re.compile(r"[^a-zA-Z]")
_DOUBLES = re.compile(r"(.)\1+")


def _latinise_cyrillic(text: str) -> str:
    # Through the plain BASE table so that Cyrillic and Latin input then pass the same
    # normalisation (т+с and ц both end up as "ts" -> T, on both sides).
    return "".join(BASE.get(ch, ch) for ch in text)


def _strip_marks(text: str) -> str:
    text = "".join(_LATIN_DIACRITICS.get(ch, ch) for ch in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1_000_000)
def name_key(text: str) -> str:
    """One key for every spelling of a name, Cyrillic or Latin, in any tabled system."""
    s = _strip_marks(_latinise_cyrillic(text.strip().lower()))
    s = _NON_KEY.sub("", s)
    for cluster, repl in _LATIN_CLUSTERS:
        s = s.replace(cluster, repl)
    s = _SOFT_C.sub("T", s)
    s = s.replace("c", "k").replace("x", "ks").replace("w", "v").replace("q", "k")
    s = s.replace("h", "g").replace("j", "i").replace("y", "i")
    s = _DOUBLES.sub(r"\1", s)
    # ie/ye/je all became "ie": iotated е/є written either way; io is ё (yo, jo).
    s = s.replace("ie", "e").replace("io", "e")
    return _DOUBLES.sub(r"\1", s)


@lru_cache(maxsize=1_000_000)
def coarse_key(key: str) -> str:
    """Merge the voicing pairs German spelling confuses (з/с as s, ж/ш as sch, ц as z)."""
    s = key.replace("Z", "S").replace("z", "s").replace("T", "s")
    return _DOUBLES.sub(r"\1", s)
