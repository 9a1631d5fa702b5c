"""The batch plan for every waiting household: review, then accept."""

from __future__ import annotations

from datetime import timedelta

from refuge.accounts.scope import Actor
from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World
from refuge.geo.models import Region
from refuge.jobs import queue
from refuge.movements.models import Movement
from refuge.placement.models import PlacementPlan
from refuge.placement.selectors import waiting_households
from refuge.placement.tests.helpers import ledger_agrees, shelter, waiting
from refuge.shelters.actions import Arrival, do_assign, do_check_in, do_check_out, do_release
from refuge.shelters.models import Shelter


def _plan(client) -> PlacementPlan:  # type: ignore[no-untyped-def]
    """The page's button queues the plan as a job; a worker makes it; the job page links it."""
    response = client.post("/placement/")
    assert response.status_code == 302 and response.url.startswith("/placement/jobs/")
    claimed = queue.claim("w1")
    assert claimed is not None
    done = queue.run(claimed, heartbeat=False)
    assert done.state == "done", done.error
    page = client.get(response.url).content.decode()
    assert f'href="/placement/plans/{done.result["plan"]}/"' in page
    return PlacementPlan.objects.get(pk=done.result["plan"])


def test_the_plan_is_reviewed_then_accepted_and_reserves_every_place(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    households = [waiting(world.point_a, f"Family{i}", size) for i, size in enumerate((2, 3, 1))]
    page = client.get("/placement/").content.decode()
    assert 'id="waiting-households">3<' in page and 'id="waiting-persons">6<' in page

    plan = _plan(client)
    review = client.get(f"/placement/plans/{plan.pk}/").content.decode()
    assert 'id="placed">6<' in review and 'id="unplaced">0<' in review
    assert "First come, first served" in review and "Shelter A" in review
    world.shelter_a.refresh_from_db()
    assert world.shelter_a.reserved == 2  # reviewing reserves nothing

    response = client.post(f"/placement/plans/{plan.pk}/accept/", follow=True)
    assert "Accepted: 3 households done, 0 skipped." in response.content.decode()
    assigned = Movement.objects.filter(kind="assigned", household__in=households)
    assert assigned.count() == 6
    shelters = Shelter.objects.filter(pk__in=assigned.values("shelter_id"))
    assert sum(s.reserved for s in shelters) >= 6
    assert ledger_agrees(world.shelter_a, world.shelter_b)
    plan.refresh_from_db()
    assert plan.status == "accepted" and plan.decided_by == world.users["national"]
    assert 'id="waiting-households">0<' in client.get("/placement/").content.decode()
    trail = AuditEvent.objects.filter(object_type="placement_plan", object_id=str(plan.pk))
    assert {"create", "change"} <= set(trail.values_list("action", flat=True))


def test_the_plan_places_more_than_first_come_first_served_and_shows_both(
    world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    # One shelter of 3 places near home, one far: first come puts the single person first
    # near home and the family of three cannot go anywhere; the plan places all four.
    krs = Region.objects.get(code="RU-KRS")
    Shelter.objects.filter(pk__in=[world.shelter_a.pk, world.shelter_b.pk]).update(status="closed")
    near = shelter(world.operation, krs, "Near", 3, lat=51.2, lon=35.3)
    far = shelter(world.operation, krs, "Far", 1, lat=51.9, lon=36.9)
    waiting(world.point_a, "Single", 1)
    waiting(world.point_a, "Three", 3)
    plan = _plan(as_user("national"))
    assert (plan.placed_persons, plan.fcfs_placed_persons) == (4, 1)
    assert plan.unplaced_persons == 0
    assert abs(plan.person_km - sum(r.persons * r.km for r in plan.rows.all())) < 0.5
    rows = {r.household.members.first().family_name: r for r in plan.rows.all()}
    assert rows["Three"].shelter == near and rows["Single"].shelter == far
    assert rows["Single"].fcfs_shelter == near and rows["Three"].fcfs_shelter is None
    page = as_user("national").get(f"/placement/plans/{plan.pk}/").content.decode()
    assert "Near" in page and "Far" in page


def test_a_household_taken_by_a_desk_meanwhile_is_skipped_and_reported(
    world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    first, second = waiting(world.point_a, "First", 2), waiting(world.point_a, "Second", 2)
    plan = _plan(client)
    taken_by_desk = plan.rows.get(household=second)
    do_assign(household=second, shelter=world.shelter_b, at=plan.created_at)

    page = client.post(f"/placement/plans/{plan.pk}/accept/", follow=True).content.decode()
    assert "1 households done, 1 skipped" in page
    assert "holds places already" in page
    taken_by_desk.refresh_from_db()
    assert taken_by_desk.outcome == "skipped"
    assert Movement.objects.filter(kind="assigned", household=second).count() == 2
    assert Movement.objects.filter(kind="assigned", household=first).count() == 2
    assert ledger_agrees(world.shelter_a, world.shelter_b)


def test_a_shelter_that_filled_up_meanwhile_skips_its_households_only(
    world: World, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    Shelter.objects.filter(pk=world.shelter_b.pk).update(status="closed")
    family = waiting(world.point_a, "Late", 3)
    plan = _plan(client)
    assert plan.rows.get(household=family).shelter == world.shelter_a
    Shelter.objects.filter(pk=world.shelter_a.pk).update(capacity=3)  # the other desks filled it
    client.post(f"/placement/plans/{plan.pk}/accept/")
    row = plan.rows.get(household=family)
    assert (row.outcome, row.outcome_note) == ("skipped", "the shelter filled up meanwhile")
    assert not Movement.objects.filter(kind="assigned", household=family).exists()
    assert ledger_agrees(world.shelter_a)


def test_a_plan_is_accepted_once(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    family = waiting(world.point_a, "Once", 2)
    plan = _plan(client)
    client.post(f"/placement/plans/{plan.pk}/accept/")
    again = client.post(f"/placement/plans/{plan.pk}/accept/", follow=True).content.decode()
    assert "no longer open" in again
    assert Movement.objects.filter(kind="assigned", household=family).count() == 2


def test_an_old_plan_expires_and_reserves_nothing(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    family = waiting(world.point_a, "Slow", 2)
    plan = _plan(client)
    PlacementPlan.objects.filter(pk=plan.pk).update(created_at=plan.created_at - timedelta(hours=2))
    page = client.post(f"/placement/plans/{plan.pk}/accept/", follow=True).content.decode()
    assert "no longer open" in page
    plan.refresh_from_db()
    assert plan.status == "expired"
    assert not Movement.objects.filter(kind="assigned", household=family).exists()


def test_a_new_plan_expires_the_earlier_proposal(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    waiting(world.point_a, "Twice", 1)
    first, second = _plan(client), _plan(client)
    first.refresh_from_db()
    assert (first.status, second.status) == ("expired", "proposed")


def test_unplaced_households_are_listed_with_the_reason(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    needs_doctor = waiting(world.point_a, "Medical", 2, needs=frozenset({"medical"}))
    plan = _plan(client)
    row = plan.rows.get(household=needs_doctor)
    assert row.shelter is None and row.unplaced_reason == "needs"
    assert plan.unplaced_persons == 2
    page = client.get(f"/placement/plans/{plan.pk}/").content.decode()
    assert "meets its needs" in page


def test_a_regional_coordinator_plans_their_region_only(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    kursk = waiting(world.point_a, "Kursk", 2)
    belgorod = waiting(world.point_b, "Belgorod", 2)
    plan = _plan(as_user("regional"))
    assert {r.household for r in plan.rows.all()} == {kursk}
    assert {r.shelter for r in plan.rows.all()} == {world.shelter_a}
    assert plan.region.code == "RU-KRS"
    national_plan = _plan(as_user("national"))
    assert belgorod in {r.household for r in national_plan.rows.all()}
    regional = as_user("regional")
    assert regional.get(f"/placement/plans/{national_plan.pk}/").status_code == 404
    assert regional.post(f"/placement/plans/{national_plan.pk}/accept/").status_code == 404
    assert not Movement.objects.filter(kind="assigned", household=belgorod).exists()


def test_registrars_managers_and_auditors_cannot_plan(world: World, as_user) -> None:  # type: ignore[no-untyped-def]
    waiting(world.point_a, "Nobody", 1)
    plan = _plan(as_user("national"))
    for who in ("registrar_a", "manager", "auditor", "tracing"):
        client = as_user(who)
        assert client.post("/placement/").status_code == 403
        assert client.post(f"/placement/plans/{plan.pk}/accept/").status_code == 403
    assert PlacementPlan.objects.count() == 1
    assert PlacementPlan.objects.get().status == "proposed"


def test_an_unknown_plan_is_404(as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user("national")
    assert client.get("/placement/plans/999999/").status_code == 404
    assert client.post("/placement/plans/999999/accept/").status_code == 404


def test_waiting_means_bound_for_a_shelter_and_holding_no_places(world: World) -> None:
    actor = Actor(
        user=world.users["national"], membership=world.users["national"].memberships.get()
    )
    now = world.operation.started_at + timedelta(days=1)
    released, walked_in, left, moved = (waiting(world.point_a, n, 1) for n in "RWLM")
    do_assign(household=released, shelter=world.shelter_a, at=now)
    do_release(household=released, shelter=world.shelter_a, at=now)
    do_check_in([Arrival(household=walked_in, shelter=world.shelter_a, at=now)])
    do_check_in([Arrival(household=left, shelter=world.shelter_a, at=now)])
    do_check_out(household=left, shelter=world.shelter_a, at=now, to="relatives")
    do_check_in([Arrival(household=moved, shelter=world.shelter_a, at=now)])
    do_check_out(household=moved, shelter=world.shelter_a, at=now, to="other_shelter")
    found = waiting_households(actor)
    # world.household_a/b hold reservations; "left" went to relatives: not waiting.
    assert [h.pk for h in found] == [released.pk, moved.pk]
