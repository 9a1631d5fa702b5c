"""The engine's evidence in plain words, in the officer's language.

The engine names each comparison level (`given_name:same-identity(+6.3)`); an officer
needs "the given names are forms of one name" and whether it speaks for or against.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SAID: dict[tuple[str, str], Promise] = {
    ("given_name", "exact"): _("Same given name"),
    ("given_name", "same-identity"): _(
        "The given names are forms of one name (full, short or the other language's)"
    ),
    ("given_name", "one-edit"): _("The given names differ by one letter"),
    ("given_name", "jaro-winkler>=0.85"): _("The given names are similar"),
    ("given_name", "different-tabled-names"): _("Different given names"),
    ("given_name", "different-one-tabled"): _("Different given names"),
    ("given_name", "different-untabled"): _("Different given names"),
    ("family_name", "exact"): _("Same family name"),
    ("family_name", "gender-form-or-transliteration"): _(
        "The same family name in another form or script"
    ),
    ("family_name", "one-edit"): _("The family names differ by one letter"),
    ("family_name", "jaro-winkler>=0.85"): _("The family names are similar"),
    ("family_name", "different"): _("Different family names"),
    ("patronymic", "exact"): _("Same patronymic"),
    ("patronymic", "same-father"): _("The patronymics name the same father"),
    ("patronymic", "similar"): _("The patronymics are similar"),
    ("patronymic", "different-tabled-fathers"): _("The patronymics name different fathers"),
    ("patronymic", "different"): _("Different patronymics"),
    ("birth_date", "exact"): _("Same birth date"),
    ("birth_date", "day-month-swapped"): _("Same birth date, day and month swapped"),
    ("birth_date", "one-typo"): _("The birth dates differ by one typing slip"),
    ("birth_date", "partial-agrees"): _("The birth dates agree as far as both are known"),
    ("birth_date", "year-within-1-or-partial-slip"): _("The birth years are a year apart"),
    ("birth_date", "different"): _("Different birth dates"),
    ("sex", "same"): _("Same sex"),
    ("sex", "different"): _("Different sex"),
    ("phone", "exact"): _("Same phone number"),
    ("phone", "one-edit"): _("The phone numbers differ by one digit"),
    ("phone", "different"): _("Different phone numbers"),
    ("document_number", "exact"): _("Same document number"),
    ("document_number", "one-edit"): _("The document numbers differ by one character"),
    ("document_number", "different"): _("Different document numbers"),
    ("residence", "address-token-set>=95"): _("Same address"),
    ("residence", "address-token-set>=80"): _("Nearly the same address"),
    ("residence", "address-token-set>=60"): _("Similar addresses"),
    ("residence", "address-different"): _("Different addresses"),
    ("residence", "same-settlement"): _("Same home settlement"),
    ("residence", "settlement-different"): _("Different home settlements"),
    ("postcode", "exact"): _("Same postcode"),
    ("postcode", "one-edit"): _("The postcodes differ by one digit"),
    ("postcode", "different"): _("Different postcodes"),
}
AGAINST: dict[str, Promise] = {
    "given_name": _("Two different given names"),
    "patronymic": _("Two different fathers"),
    "birth_date": _("Two birth dates no typing slip explains"),
    "no-personal-field-agrees": _(
        "Nothing of the person's own agrees (birth date, patronymic, document): "
        "only what a household shares"
    ),
}


@dataclass(frozen=True)
class Said:
    """One comparison as a sentence, and how strongly it speaks for or against."""

    text: str
    weight: float

    @property
    def strength(self) -> str:
        if self.weight >= 5:
            return str(_("strongly for"))
        if self.weight > 0:
            return str(_("for"))
        if self.weight > -5:
            return str(_("against"))
        return str(_("strongly against"))


def in_words(evidence: list[list[object]]) -> list[Said]:
    """[[comparison, level, weight], …] as stored with a pair, strongest first."""
    out = [
        Said(str(SAID.get((str(c), str(level)), f"{c}: {level}")), float(w))  # type: ignore[arg-type]
        for c, level, w in evidence
    ]
    return sorted(out, key=lambda s: -abs(s.weight))


def against_in_words(contradictions: list[str]) -> list[str]:
    return [str(AGAINST.get(c, c)) for c in contradictions]
