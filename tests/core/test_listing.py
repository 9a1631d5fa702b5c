from refuge.core.listing import Page, Sort, page_of, sort_of

COLUMNS = ("name", "region", "free")


def test_a_page_number_that_is_not_one_of_the_pages_is_the_nearest_page() -> None:
    assert page_of("abc", total=594).number == 1
    assert page_of("", total=594).number == 1
    assert page_of("-3", total=594).number == 1
    assert page_of("99999", total=594).number == 12
    assert page_of(" 4 ", total=594).number == 4
    assert page_of("7", total=0).number == 1


def test_a_page_knows_its_rows() -> None:
    page = page_of("12", total=594)
    assert (page.start, page.end, page.count) == (550, 594, 12)
    assert (page.previous, page.next) == (11, None)


def test_page_links_leave_out_the_far_pages() -> None:
    assert Page(6, 50, 594).numbers() == [1, None, 4, 5, 6, 7, 8, None, 12]
    assert Page(1, 50, 594).numbers() == [1, 2, 3, None, 12]
    assert Page(1, 50, 40).numbers() == [1]


def test_only_whitelisted_columns_sort() -> None:
    default = Sort("region")
    assert sort_of("-free", COLUMNS, default) == Sort("free", descending=True)
    assert sort_of("name", COLUMNS, default) == Sort("name")
    for evil in ("pk", "-password", "--free", "name;drop", "", None):
        assert sort_of(evil, COLUMNS, default) == default


def test_a_heading_reverses_its_own_sort_and_starts_another_ascending() -> None:
    assert Sort("free").toggled("free").value == "-free"
    assert Sort("free", descending=True).toggled("free").value == "free"
    assert Sort("free", descending=True).toggled("name").value == "name"
