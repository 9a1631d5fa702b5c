"""Every figure is a query over the ledger: one more event moves it by exactly one."""

from refuge.conftest import msk
from refuge.movements.models import Movement
from refuge.reports.selectors import sitrep
from refuge.shelters.actions import Arrival, do_check_in, do_check_out


def figures(operation, day=19, hour=8):
    return sitrep(operation, msk(day, hour)).as_json()


def test_one_more_departure_moves_the_totals_by_one(operation, register):
    register(3, day=10)
    before = figures(operation)
    register(1, day=18, hour=12, mode="organised")
    after = figures(operation)
    e0, e1 = before["evacuation"], after["evacuation"]
    assert e1["relocated_total"] == e0["relocated_total"] + 1 == 4
    assert e1["relocated_last_24h"] == e0["relocated_last_24h"] + 1 == 1
    assert e1["organised_last_24h"] == 1
    sudzhansky = next(
        d for d in after["evacuation"]["by_district"] if d["district"] == "Sudzhansky"
    )
    assert sudzhansky["relocated_total"] == 4


def test_a_departure_after_the_moment_does_not_count(operation, register):
    register(2, day=19, hour=9)
    assert figures(operation)["evacuation"]["relocated_total"] == 0
    assert figures(operation, day=19, hour=12)["evacuation"]["relocated_total"] == 2


def test_the_24_hour_window_is_half_open(operation, register):
    register(1, day=18, hour=8)  # exactly 24 hours before 19 Aug 08:00: yesterday's report
    e = figures(operation)["evacuation"]
    assert (e["relocated_total"], e["relocated_last_24h"]) == (1, 0)


def test_occupancy_follows_check_in_and_check_out(operation, register, shelter):
    household = register(4, day=10, destination="shelter")
    do_check_in([Arrival(household=household, shelter=shelter, at=msk(10, 18))])
    home = figures(operation)["shelters"]["affected_region"]
    assert (home["open"], home["occupants"], home["capacity"]) == (1, 4, 10)
    assert figures(operation, day=10, hour=17)["shelters"]["affected_region"]["occupants"] == 0
    do_check_out(household=household, shelter=shelter, at=msk(12), to="relatives")
    assert figures(operation)["shelters"]["affected_region"]["occupants"] == 0
    assert figures(operation, day=11)["shelters"]["affected_region"]["occupants"] == 4
    assert figures(operation)["destinations"]["shelters"] == 4


def test_a_voided_departure_leaves_every_count(operation, register):
    household = register(2, day=10)
    first = Movement.objects.filter(household=household, kind=Movement.Kind.LEFT_HOME).first()
    Movement.objects.create(
        operation=operation,
        kind=Movement.Kind.VOIDED,
        at=msk(11),
        person=first.person,
        household=household,
        corrects=first,
        note="registered twice by mistake",
    )
    assert figures(operation)["evacuation"]["relocated_total"] == 1


def test_shelter_status_is_read_as_it_stood_then(operation, shelter):
    assert figures(operation, day=6, hour=9)["shelters"]["standby"]["shelters"] == 1
    assert figures(operation, day=6, hour=9)["shelters"]["affected_region"]["open"] == 0
    assert figures(operation)["shelters"]["affected_region"]["open"] == 1
    assert figures(operation, day=5)["shelters"]["standby"]["shelters"] == 0


def test_a_merged_duplicate_is_counted_once_and_an_undo_brings_it_back(operation, register):
    from django.utils import timezone

    from refuge.registry.models import Person
    from refuge.tracing.models import Merge

    first, again = register(1, day=10), register(1, day=11)
    assert figures(operation)["evacuation"]["relocated_total"] == 2
    merge = Merge.objects.create(
        kept=Person.objects.get(household=first),
        merged=Person.objects.get(household=again),
        at=timezone.now(),
        reason="same grandmother, registered twice",
    )
    after = figures(operation)
    assert after["evacuation"]["relocated_total"] == 1
    assert after["destinations"]["relatives_or_own"] == 1
    merge.undone_at = timezone.now()
    merge.save()
    assert figures(operation)["evacuation"]["relocated_total"] == 2


def test_the_destinations_add_up_to_the_relocated_and_name_the_rest(operation, register):
    register(8, day=10, destination="shelter")
    register(1, day=12, destination="own_housing")
    register(3, day=18, destination="relatives")
    register(2, day=19, hour=7)  # left at 07:00, reach the reception point at 09:00
    at_eight = figures(operation)
    dest, total = at_eight["destinations"], at_eight["evacuation"]["relocated_total"]
    assert (dest["shelters"], dest["relatives_or_own"], dest["not_yet_registered"]) == (8, 4, 2)
    assert dest["shelters"] + dest["relatives_or_own"] + dest["not_yet_registered"] == total == 14
    assert figures(operation, day=19, hour=10)["destinations"]["not_yet_registered"] == 0
    assert figures(operation, day=19, hour=10)["destinations"]["relatives_or_own"] == 6


def test_the_text_report_names_who_is_not_registered_yet(operation, register):
    from io import StringIO

    from django.core.management import call_command

    register(5, day=18, destination="shelter")
    register(3, day=19, hour=7)
    out = StringIO()
    call_command("sitrep", "--as-of", "2024-08-19T08:00+03:00", "--lang", "ru", stdout=out)
    assert "Ещё 3 чел. покинули дома, но пока не зарегистрированы." in out.getvalue()
    out = StringIO()
    call_command("sitrep", "--as-of", "2024-08-19T10:00+03:00", stdout=out)
    assert "not registered yet" not in out.getvalue()
