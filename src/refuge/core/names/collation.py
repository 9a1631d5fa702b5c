"""Alphabetical order as readers of Russian and Ukrainian expect it.

Sorting by code point puts «Ё» after «Я» in Russian and «І», «Ї», «Є», «Ґ» after «Я» in
Ukrainian; this key puts each letter where its alphabet has it. Other characters keep
their code point order after the alphabet's letters. Pure: no Django.
"""

from __future__ import annotations

ALPHABETS = {
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
}


def name_sort_key(text: str, language: str) -> tuple[tuple[int, int], ...]:
    """A key that orders names alphabetically in `language` (ru, uk; else code points),
    case-insensitively, with letters outside the alphabet after it."""
    alphabet = ALPHABETS.get(language[:2], "")
    place = {c: i for i, c in enumerate(alphabet)}
    size = len(alphabet)
    return tuple((place[c], 0) if c in place else (size, ord(c)) for c in text.casefold())
