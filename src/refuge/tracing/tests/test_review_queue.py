"""The review queue: scan, compare side by side, merge or keep apart, undo a merge."""

from __future__ import annotations

from django.core.management import call_command

from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.registry.actions import MemberData
from refuge.registry.models import Person
from refuge.tracing.models import DuplicateCandidate, Merge
from refuge.tracing.tests.conftest import client_for, one, register_people

CYRILLIC = MemberData(given_name="Татьяна", family_name="Иванова", patronymic="Петровна",
                      birth_year=1952, birth_month=3, birth_day=4, sex="F")  # fmt: skip
LATIN = MemberData(given_name="Tatiana", family_name="Ivanova", birth_year=1952)


def _pair(world: World) -> tuple[Person, Person]:
    first = one(register_people(world, CYRILLIC, point="b"))
    second = one(register_people(world, LATIN))
    call_command("tracing", "scan")
    return first, second


def test_scan_queues_the_pair_and_merges_nothing_by_default(world: World) -> None:
    first, second = _pair(world)
    pair = DuplicateCandidate.objects.get(left=first, right=second)
    assert pair.status == "open" and pair.probability >= 0.5
    assert {row[0] for row in pair.evidence["evidence"]} >= {"given_name", "family_name"}
    assert not Merge.objects.exists()
    before = DuplicateCandidate.objects.count()
    call_command("tracing", "scan")  # again: nothing doubles
    assert DuplicateCandidate.objects.count() == before


def test_the_pair_page_shows_both_registrations_as_typed_without_phone(world: World) -> None:
    first, second = _pair(world)
    pair = DuplicateCandidate.objects.get(left=first, right=second)
    page = client_for(world, "tracing").get(f"/tracing/pairs/{pair.pk}/").content.decode()
    assert "Татьяна" in page and "Tatiana" in page and "04.03.1952" in page
    assert "Суджа" in page and "900 000" not in page
    assert "Ivanova" not in page.split("<title>")[1].split("</title>")[0]
    assert AuditEvent.objects.filter(action="view_person", object_id=str(pair.pk)).exists()


def test_merging_keeps_both_people_records_history_and_audits(world: World) -> None:
    first, second = _pair(world)
    pair = DuplicateCandidate.objects.get(left=first, right=second)
    officer = client_for(world, "tracing")
    response = officer.post(
        f"/tracing/pairs/{pair.pk}/decide/",
        {"decision": "merge", "kept": "left", "reason": "same date, same village"},
    )
    assert response.status_code == 302
    merge = Merge.objects.get()
    assert (merge.kept, merge.merged, merge.by) == (first, second, world.users["tracing"])
    assert Person.objects.filter(pk__in=[first.pk, second.pk]).count() == 2  # nothing deleted
    pair.refresh_from_db()
    assert pair.status == "merged" and pair.decided_by == world.users["tracing"]
    audit = AuditEvent.objects.get(action="change", object_type="person")
    assert audit.object_id == str(second.pk) and "Ivanova" not in audit.summary
    # The merged person is now answered as the kept one at the desk.
    from refuge.desks.duplicates import find_possible_duplicates

    found = find_possible_duplicates([LATIN], world.operation)
    assert [d.person_id for d in found] == [first.pk]


def test_undoing_a_merge_keeps_the_history_and_reopens_the_pair(world: World) -> None:
    first, second = _pair(world)
    pair = DuplicateCandidate.objects.get(left=first, right=second)
    officer = client_for(world, "national")
    officer.post(f"/tracing/pairs/{pair.pk}/decide/",
                 {"decision": "merge", "kept": "right", "reason": "r"})  # fmt: skip
    merge = Merge.objects.get()
    assert officer.post(f"/tracing/merges/{merge.pk}/undo/").status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == world.users["national"]
    pair.refresh_from_db()
    assert pair.status == "open"
    queue = officer.get("/tracing/").content.decode()
    assert "undone" in queue
    # Undoing twice changes nothing; merging again makes a second history row.
    officer.post(f"/tracing/merges/{merge.pk}/undo/")
    officer.post(f"/tracing/pairs/{pair.pk}/decide/",
                 {"decision": "merge", "kept": "left", "reason": "after all"})  # fmt: skip
    assert Merge.objects.count() == 2
    assert Merge.objects.filter(undone_at__isnull=True).count() == 1


def test_keeping_apart_closes_the_pair_and_a_second_decision_is_refused(world: World) -> None:
    first, second = _pair(world)
    pair = DuplicateCandidate.objects.get(left=first, right=second)
    officer = client_for(world, "tracing")
    officer.post(f"/tracing/pairs/{pair.pk}/decide/",
                 {"decision": "keep_apart", "reason": "different mothers' names"})  # fmt: skip
    pair.refresh_from_db()
    assert pair.status == "kept_apart"
    officer.post(f"/tracing/pairs/{pair.pk}/decide/",
                 {"decision": "merge", "kept": "left", "reason": "x"})  # fmt: skip
    assert not Merge.objects.exists()
    assert "Tatiana" not in officer.get("/tracing/").content.decode()


def test_a_decision_needs_a_reason(world: World) -> None:
    first, second = _pair(world)
    pair = DuplicateCandidate.objects.get(left=first, right=second)
    response = client_for(world, "tracing").post(
        f"/tracing/pairs/{pair.pk}/decide/", {"decision": "merge", "kept": "left"}
    )
    assert response.status_code == 422
    assert not Merge.objects.exists()


def test_only_tracing_officers_and_national_coordinators_see_the_queue(world: World) -> None:
    first, second = _pair(world)
    pair = DuplicateCandidate.objects.get(left=first, right=second)
    for who in ("registrar_a", "regional", "manager", "auditor"):
        client = client_for(world, who)
        assert client.get("/tracing/").status_code == 403
        assert client.get(f"/tracing/pairs/{pair.pk}/").status_code == 403
        assert client.post(f"/tracing/pairs/{pair.pk}/decide/",
                           {"decision": "merge", "kept": "left", "reason": "x"}).status_code == 403  # fmt: skip
    assert not Merge.objects.exists()
    assert client_for(world, "anonymous").get("/tracing/").status_code == 302


def test_auto_merge_uses_only_the_documented_threshold(world: World) -> None:
    same = MemberData(given_name="Татьяна", family_name="Иванова", patronymic="Петровна",
                      birth_year=1952, birth_month=3, birth_day=4, sex="F")  # fmt: skip
    first = one(register_people(world, same))
    second = one(register_people(world, same, point="b"))
    no_date = MemberData(given_name="Tatiana", family_name="Ivanova")
    third = one(register_people(world, no_date))  # below 0.99: stays for review
    call_command("tracing", "scan", "--auto-merge")
    merge = Merge.objects.get()
    assert (merge.kept, merge.merged, merge.by) == (first, second, None)
    assert "0.99" in merge.reason
    assert DuplicateCandidate.objects.filter(status="open", right=third).exists()
    assert not Merge.objects.filter(merged=third).exists()
