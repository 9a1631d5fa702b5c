"""Kobo and ODK exports through the desk's registration: report, apply, idempotency."""

from __future__ import annotations

from datetime import UTC
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from refuge.conftest import msk
from refuge.fielddata.tests import exportfiles
from refuge.geo.models import Settlement
from refuge.movements.models import Movement
from refuge.registry.models import Household, Person
from refuge.tracing.models import DuplicateCandidate


def refuge_import(*args: str) -> str:
    out = StringIO()
    call_command("import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def origins(operation) -> list[str]:  # type: ignore[no-untyped-def]
    from refuge.operations.selectors import coverage_start

    return [f"s{pk}" for pk in sorted(coverage_start(operation))[:12]]


def submissions(n: int, origins: list[str], point, seed: int = 0):  # type: ignore[no-untyped-def]
    rows = exportfiles.households(n, origins, f"p{point.pk}", seed)
    bad = {}
    if n >= 40:
        rows[7].members[1]["birth_date"] = "31.02.1980"
        rows[13].origin = "s99999999"
        rows[21].members[0]["given_name"] = ""
        rows[33].size = "9"
        bad = {7: "birth_date", 13: "origin", 21: "given_name", 33: "household_size"}
    return rows, bad


def _run(n: int, origins, reception_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows, bad = submissions(n, origins, reception_point)
    export = exportfiles.kobo_xlsx(tmp_path / "kobo.xlsx", rows)
    report_file = tmp_path / "report.xlsx"
    dry = refuge_import("kobo", str(export), "--report", str(report_file))
    assert Household.objects.count() == 0  # a dry run writes nothing
    members_row = {}  # the member sheet's row of each household's first member
    row = 2
    for i, h in enumerate(rows):
        members_row[i] = row
        row += len(h.members)
    assert f"members, row {members_row[7] + 1}, birth_date: rejected" in dry
    assert f"Refuge registration, row {13 + 2}, origin: rejected: unknown settlement" in dry
    assert f"members, row {members_row[21]}, given_name: rejected: empty" in dry
    assert f"Refuge registration, row {33 + 2}, household_size: rejected: says 9" in dry
    assert f"{n - len(bad)} accepted, {len(bad)} rejected, 0 already imported" in dry
    found = list(load_workbook(report_file).active.iter_rows(values_only=True))
    assert ("members", members_row[7] + 1, "birth_date", "rejected") in {r[:4] for r in found}

    refuge_import("kobo", str(export), "--apply")
    good = [h for i, h in enumerate(rows) if i not in bad]
    assert Household.objects.count() == len(good)
    assert Person.objects.count() == sum(len(h.members) for h in good)
    first = Household.objects.get(idempotency_key=good[0].key)
    registered = Movement.objects.filter(household=first, kind=Movement.Kind.REGISTERED).first()
    assert (
        registered is not None
        and registered.at.astimezone(UTC).isoformat()[:16] == good[0].submitted[:16]
    )
    assert first.origin == Settlement.objects.get(pk=int(good[0].origin[1:]))

    ledger = Movement.objects.count()
    again = refuge_import("kobo", str(export), "--apply")
    assert f"0 accepted, {len(bad)} rejected, {len(good)} already imported" in again
    assert (Household.objects.count(), Movement.objects.count()) == (len(good), ledger)

    later = rows[n - n // 10 :] + exportfiles.households(
        n // 10, origins, f"p{reception_point.pk}", n
    )
    refuge_import("kobo", str(exportfiles.kobo_xlsx(tmp_path / "later.xlsx", later)), "--apply")
    assert Household.objects.count() == len(good) + n // 10


def test_a_small_kobo_export_is_reported_applied_and_not_doubled(
    origins, reception_point, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _run(40, origins, reception_point, tmp_path)


@pytest.mark.slow
def test_kobo_export_of_500_submissions(origins, reception_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _run(500, origins, reception_point, tmp_path)


def test_odk_central_csv_with_its_repeat_file(origins, reception_point, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = exportfiles.households(6, origins, f"p{reception_point.pk}")
    # one person registered by two mobile teams: a pair for review, nothing merged
    rows[3].members.append(dict(rows[2].members[0]))
    rows[3].size = str(len(rows[3].members))
    export = exportfiles.odk_csv(tmp_path / "refuge_kursk.csv", rows)
    out = refuge_import("odk", str(export), "--apply")
    assert "6 accepted, 0 rejected" in out and "6 households registered" in out
    household = Household.objects.get(idempotency_key=rows[3].key)
    assert household.members.count() == len(rows[3].members)
    pair = DuplicateCandidate.objects.get()
    first = Person.objects.get(household__idempotency_key=rows[2].key,
                               given_name=rows[2].members[0]["given_name"])  # fmt: skip
    assert first.pk in {pair.left_id, pair.right_id} and pair.left_id != pair.right_id
    assert Person.objects.count() == sum(len(h.members) for h in rows)


def test_shelter_bound_households_are_placed_as_the_desk_places_them(
    origins, reception_point, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Whole, wheelchair users where there is access, nearest first; counters as the ledger's."""
    from refuge.fielddata import imports

    monkeypatch.setattr(imports, "BATCH", 25)  # places taken by a batch are seen by the next
    from refuge.placement.services import ShelterRequest, plan_for_households
    from refuge.shelters.actions import do_change_status
    from refuge.shelters.models import Shelter, Status

    def opened(name: str, lat: float, capacity: int, access: bool) -> Shelter:
        s = Shelter.objects.create(
            operation=reception_point.operation, name=name, kind="school", capacity=capacity,
            region=reception_point.operation.affected_region, address=name, lat=lat, lon=36.19,
            wheelchair_access=access,
        )  # fmt: skip
        do_change_status(shelter=s, status=Status.OPEN, at=msk(6, 10), reason="opened")
        return s

    near = opened("ПВР, школа №5, Курск", 51.73, 14, access=False)
    far = opened("ПВР, санаторий «Орловский», Орёл", 52.97, 30, access=True)
    rows, _ = submissions(90, origins, reception_point)
    export = exportfiles.kobo_xlsx(tmp_path / "kobo.xlsx", rows)
    refuge_import("kobo", str(export), "--apply")

    # The desk, one household at a time: its suggestion, then the places taken.
    shelters = [Shelter(**{f.attname: getattr(s, f.attname) for f in Shelter._meta.fields})
                for s in (near, far)]  # fmt: skip
    for s in shelters:
        s.reserved = 0
    expected, placed = {}, {}
    bound = Household.objects.filter(destination="shelter").order_by("pk")
    for h in bound.select_related("origin").prefetch_related("members"):
        people = list(h.members.all())
        request = ShelterRequest(
            household=None, size=len(people), lat=h.origin.lat, lon=h.origin.lon,
            needs=frozenset().union(*(p.needs for p in people)),
        )  # fmt: skip
        (shelter,) = plan_for_households([request], shelters)
        if shelter is not None:
            shelter.reserved += len(people)
            expected[h.pk] = shelter.pk
        assigned = Movement.objects.filter(household=h, kind=Movement.Kind.ASSIGNED)
        where = set(assigned.values_list("shelter_id", flat=True))
        assert assigned.count() in (0, len(people))  # whole or not at all
        if where:
            (placed[h.pk],) = where
            if any("wheelchair" in p.needs for p in people):
                assert placed[h.pk] == far.pk
    assert placed == expected
    assert len(placed) >= 10 and set(placed.values()) == {near.pk, far.pk}
    assert len(placed) < bound.count()  # some wait in the queue: no room for them whole
    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "all 2 shelters agree with the ledger" in out.getvalue()
    near.refresh_from_db()
    far.refresh_from_db()
    assert near.reserved + far.reserved == Movement.objects.filter(kind="assigned").count()
