"""Regions and names in the order Russian and Ukrainian readers look for them."""

from refuge.core.names.collation import name_sort_key


def test_russian_order_puts_yo_after_ye_and_chechnya_after_buryatia() -> None:
    names = ["Чеченская Республика", "Ёлкино", "Республика Бурятия", "Ярославская область",
             "Еврейская автономная область", "Алтайский край"]  # fmt: skip
    assert sorted(names, key=lambda n: name_sort_key(n, "ru")) == [
        "Алтайский край", "Еврейская автономная область", "Ёлкино", "Республика Бурятия",
        "Чеченская Республика", "Ярославская область",
    ]  # fmt: skip


def test_ukrainian_order_has_its_own_letters_in_place() -> None:
    names = ["Ямпіль", "Іванків", "Їжаківка", "Ґорґани", "Гадяч", "Євпаторія", "Житомир", "Ірпінь"]
    assert sorted(names, key=lambda n: name_sort_key(n, "uk")) == [
        "Гадяч", "Ґорґани", "Євпаторія", "Житомир", "Іванків", "Ірпінь", "Їжаківка", "Ямпіль",
    ]  # fmt: skip


def test_english_and_case() -> None:
    assert sorted(["belgorod", "Kursk", "Amur"], key=lambda n: name_sort_key(n, "en")) == [
        "Amur", "belgorod", "Kursk",
    ]  # fmt: skip
