"""Every desk URL, every role and anonymous: exactly the allowed set gets in.

Out-of-scope records answer 404 (not 403), so an id cannot be probed for existence.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from refuge.accounts.scope import Actor
from refuge.api.actions import do_create_token
from refuge.audit.models import AuditEvent
from refuge.desks.tests.world import World, build_world, queued_export
from refuge.webhooks.models import Subscription

ROLES = (
    "national", "regional", "registrar_a", "registrar_b", "manager", "tracing", "auditor", "duty",
)  # fmt: skip


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    w = build_world()
    # registrar_a's subscription (made directly: no address check needed to be read).
    w.webhook = Subscription.objects.create(
        owner=w.users["registrar_a"], operation=w.operation, url="https://8.8.8.8/hook",
        events=["sitrep.published"], secret="whsec_test",
    ).pk  # fmt: skip
    w.export_job = queued_export(w)  # theirs and the national coordinator's to see
    return w


def matrix(w: World) -> dict[str, tuple[str, dict[str, int]]]:
    """url name -> (path, {role: status}); roles not listed get 403, anonymous 302."""
    ha, hb, sa, sb = w.household_a.pk, w.household_b.pk, w.shelter_a.pk, w.shelter_b.pk
    everyone = dict.fromkeys(ROLES, 200)
    public = {**everyone, "anonymous": 200}
    desk = {"national": 200, "regional": 200, "duty": 200}
    ad, ar = w.alert_draft, w.alert_released
    return {
        "desk_home": ("/desk/", everyone),
        "desk_register": ("/desk/register/", {"registrar_a": 200, "registrar_b": 200}),
        "desk_household": (
            f"/desk/households/{ha}/",
            {
                "national": 200,
                "regional": 200,
                "registrar_a": 200,
                "registrar_b": 404,
                "manager": 200,
                "tracing": 200,
            },
        ),
        "desk_household@b": (
            f"/desk/households/{hb}/",
            {
                "national": 200,
                "regional": 404,
                "registrar_a": 404,
                "registrar_b": 200,
                "manager": 404,
                "tracing": 200,
            },
        ),
        "desk_households": (
            "/desk/households/",
            {
                "national": 200,
                "regional": 200,
                "registrar_a": 200,
                "registrar_b": 200,
                "manager": 200,
                "tracing": 200,
            },
        ),
        "desk_households_export": (
            "/desk/households/export.csv",
            {"national": 200, "regional": 200},
        ),
        "desk_household@missing": (
            "/desk/households/999999/",
            {
                "national": 404,
                "regional": 404,
                "registrar_a": 404,
                "registrar_b": 404,
                "manager": 404,
                "tracing": 404,
            },
        ),
        "desk_search": (
            "/desk/search/",
            {
                "national": 200,
                "regional": 200,
                "registrar_a": 200,
                "registrar_b": 200,
                "manager": 200,
                "tracing": 200,
            },
        ),
        "desk_shelters": ("/desk/shelters/", {"national": 200, "regional": 200, "manager": 200}),
        "desk_shelters_export": ("/desk/shelters/export.csv", {"national": 200, "regional": 200}),
        "desk_shelters_export@xlsx": (
            "/desk/shelters/export.xlsx",
            {"national": 200, "regional": 200},
        ),
        "desk_shelter": (
            f"/desk/shelters/{sa}/",
            {"national": 200, "regional": 200, "manager": 200},
        ),
        "desk_shelter@b": (
            f"/desk/shelters/{sb}/",
            {"national": 200, "regional": 404, "manager": 404},
        ),
        # POST-only: a GET by an allowed role is refused with 405, after authorisation.
        "desk_check_in": (
            f"/desk/shelters/{sa}/check-in/",
            {"national": 405, "regional": 405, "manager": 405},
        ),
        "desk_check_out": (
            f"/desk/shelters/{sa}/check-out/",
            {"national": 405, "regional": 405, "manager": 405},
        ),
        "desk_shelter_status": (
            f"/desk/shelters/{sa}/status/",
            {"national": 405, "regional": 405, "manager": 405},
        ),
        "desk_map": ("/desk/map/", {"national": 200, "regional": 200, "manager": 200}),
        "desk_map_data": (
            "/desk/map/data.geojson",
            {"national": 200, "regional": 200, "manager": 200},
        ),
        "desk_region": ("/desk/regions/RU-KRS/", {"national": 200, "regional": 200}),
        "desk_region@bel": ("/desk/regions/RU-BEL/", {"national": 200, "regional": 404}),
        "audit_trail": ("/audit/", {"auditor": 200}),
        "imports_upload": (
            "/imports/",
            {"national": 200, "regional": 200, "registrar_a": 200, "registrar_b": 200},
        ),
        "imports_apply": (
            "/imports/apply/",
            {"national": 405, "regional": 405, "registrar_a": 405, "registrar_b": 405},
        ),
        "imports_report": (
            "/imports/report/",
            {"national": 405, "regional": 405, "registrar_a": 405, "registrar_b": 405},
        ),
        # A list uploaded by someone else, or never: its file is not there.
        "imports_list": (
            "/imports/list/" + "0" * 64 + "/",
            {"national": 404, "regional": 404, "registrar_a": 404, "registrar_b": 404},
        ),
        "imports_list_apply": (
            "/imports/list/" + "0" * 64 + "/apply/",
            {"national": 405, "regional": 405, "registrar_a": 405, "registrar_b": 405},
        ),
        "imports_job": (
            "/imports/jobs/999999/",
            {"national": 404, "regional": 404, "registrar_a": 404, "registrar_b": 404},
        ),
        "placement_waiting": ("/placement/", {"national": 200, "regional": 200}),
        "placement_job": ("/placement/jobs/999999/", {"national": 404, "regional": 404}),
        "desk_export_job": (f"/desk/exports/{w.export_job}/", {"national": 200, "regional": 200}),
        "desk_export_job@missing": ("/desk/exports/999999/", {"national": 404, "regional": 404}),
        # not made yet: back to its page
        "desk_export_file": (
            f"/desk/exports/{w.export_job}/file",
            {"national": 302, "regional": 302},
        ),
        "placement_plan@missing": (
            "/placement/plans/999999/",
            {"national": 404, "regional": 404},
        ),
        "placement_accept": (
            "/placement/plans/999999/accept/",
            {"national": 405, "regional": 405},
        ),
        "placement_close": ("/placement/close/", {"national": 200, "regional": 200}),
        "placement_close@b": (
            f"/placement/close/?shelter={sb}",
            {"national": 200, "regional": 404},
        ),
        "placement_standby": ("/placement/standby/", {"national": 200, "regional": 200}),
        "placement_open_standby": (
            f"/placement/standby/{sa}/open/",
            {"national": 405, "regional": 405},
        ),
        "tracing_queue": ("/tracing/", {"national": 200, "tracing": 200}),
        "tracing_pair": ("/tracing/pairs/999999/", {"national": 404, "tracing": 404}),
        "tracing_decide": ("/tracing/pairs/999999/decide/", {"national": 405, "tracing": 405}),
        "tracing_merge_household": (
            "/tracing/pairs/999999/household/",
            {"national": 404, "tracing": 404},
        ),
        "tracing_undo_merge": ("/tracing/merges/999999/undo/", {"national": 405, "tracing": 405}),
        "tracing_enquiries": ("/tracing/enquiries/", {"national": 200, "tracing": 200}),
        "tracing_enquiry_by_reference": (
            "/tracing/enquiries/reference/",
            {"national": 405, "tracing": 405},
        ),
        "tracing_enquiry": ("/tracing/enquiries/999999/", {"national": 404, "tracing": 404}),
        "tracing_resolve": (
            "/tracing/enquiries/999999/resolve/",
            {"national": 405, "tracing": 405},
        ),
        **api_matrix(w),
        # The public family search: everyone, signed in or not.
        "tracing_find": ("/tracing/find/", {**everyone, "anonymous": 200}),
        # Public warnings: everyone, signed in or not; a draft is nobody's to read there.
        "alerts_public": ("/alerts/", public),
        "alerts_feed": ("/alerts/feed.atom", public),
        "alerts_regions": ("/alerts/regions.json", public),
        "alerts_detail": (f"/alerts/{ar}/", public),
        "alerts_detail@draft": (f"/alerts/{ad}/", dict.fromkeys(public, 404)),
        "alerts_cap": (f"/alerts/{ar}.xml", public),
        "alerts_cap@draft": (f"/alerts/{ad}.xml", dict.fromkeys(public, 404)),
        # The duty desk: duty officers draft, coordinators draft and release.
        "alerts_desk": ("/alerts/desk/", desk),
        "alerts_import": ("/alerts/desk/import/", desk),
        "alerts_desk_alert": (f"/alerts/desk/{ad}/", desk),
        "alerts_desk_alert@released": (f"/alerts/desk/{ar}/", desk),
        "alerts_desk_alert@missing": ("/alerts/desk/999999/", dict.fromkeys(desk, 404)),
        "alerts_release": (f"/alerts/desk/{ad}/release/", {"national": 405, "regional": 405}),
        "alerts_followup": (f"/alerts/desk/{ar}/followup/", dict.fromkeys(desk, 405)),
        "alerts_draft_for_order": ("/alerts/desk/orders/999999/draft/", dict.fromkeys(desk, 405)),
        # The incident log: kept by the same people as the duty desk.
        "incidents_log": ("/incidents/", desk),
        "incidents_detail": (f"/incidents/{w.incident}/", desk),
        "incidents_detail@missing": ("/incidents/999999/", dict.fromkeys(desk, 404)),
        "incidents_deploy": (f"/incidents/{w.incident}/deploy/", dict.fromkeys(desk, 405)),
        "incidents_update": (f"/incidents/{w.incident}/update/", dict.fromkeys(desk, 405)),
    }


def api_matrix(w: World) -> dict[str, tuple[str, dict[str, int]]]:
    """The API's part: anonymous gets 401 (Bearer), a role outside the endpoint's 403."""
    ha, hb, sa, sb = w.household_a.pk, w.household_b.pk, w.shelter_a.pk, w.shelter_b.pk
    signed_in = {**dict.fromkeys(ROLES, 200), "anonymous": 401}
    # As on the desks: an auditor and a duty officer read no household.
    households = {**dict.fromkeys(ROLES, 200), "auditor": 403, "duty": 403, "anonymous": 401}
    shelters = {"national": 200, "regional": 200, "manager": 200, "anonymous": 401}
    wh = w.webhook
    missing = dict.fromkeys(ROLES, 404)
    webhook = {**missing, "national": 200, "registrar_a": 200, "anonymous": 401}
    return {
        "api_regions": ("/api/v1/regions/", signed_in),
        "api_districts": ("/api/v1/districts/", signed_in),
        "api_settlements": ("/api/v1/settlements/", signed_in),
        "api_operations": ("/api/v1/operations/", signed_in),
        "api_sitrep": ("/api/v1/sitrep/", signed_in),
        "api_shelters": ("/api/v1/shelters/", shelters),
        "api_shelter": (f"/api/v1/shelters/{sa}/", shelters),
        "api_shelter@b": (
            f"/api/v1/shelters/{sb}/",
            {**shelters, "regional": 404, "manager": 404},
        ),
        "api_households": ("/api/v1/households/", households),
        "api_household": (
            f"/api/v1/households/{ha}/",
            {**households, "registrar_b": 404},
        ),
        "api_household@b": (
            f"/api/v1/households/{hb}/",
            {**households, "regional": 404, "registrar_a": 404, "manager": 404},
        ),
        "api_ledger": ("/api/v1/ledger/", {"national": 200, "anonymous": 401}),
        "api_open_data": ("/api/v1/open-data/shelters/", signed_in),
        # Every account lists its own subscriptions; one is its owner's and the national
        # coordinator's to read (others: 404), as are its deliveries.
        "api_webhooks": ("/api/v1/webhooks/", signed_in),
        "api_webhook": (f"/api/v1/webhooks/{wh}/", webhook),
        "api_webhook@missing": ("/api/v1/webhooks/999999/", {**missing, "anonymous": 401}),
        "api_webhook_deliveries": (f"/api/v1/webhooks/{wh}/deliveries/", webhook),
        # POST only: a GET is refused alike for every account (the POST: test_..._writes_...).
        "api_webhook_resume": (
            f"/api/v1/webhooks/{wh}/resume/",
            {**dict.fromkeys(ROLES, 405), "anonymous": 401},
        ),
        # Counts only; /metrics answers only REFUGE_METRICS_ALLOWED (none here): 404.
        "healthz": ("/healthz", {**dict.fromkeys(ROLES, 200), "anonymous": 200}),
        "metrics": ("/metrics", {**dict.fromkeys(ROLES, 404), "anonymous": 404}),
        "api_schema": ("/api/schema/", {**dict.fromkeys(ROLES, 200), "anonymous": 200}),
        "api_reference": (
            "/api/schema/reference/",
            {**dict.fromkeys(ROLES, 200), "anonymous": 200},
        ),
    }


def _root_names() -> set[str]:
    """URLs of the root itself (/healthz, /metrics), not of an include."""
    return {u.name for u in get_resolver().url_patterns if isinstance(u, URLPattern) and u.name}


def _names(prefix: str) -> set[str]:
    resolver = get_resolver()
    for p in resolver.url_patterns:
        if str(p.pattern) == prefix:
            return {u.name for u in p.url_patterns if isinstance(u, URLPattern)}
    raise AssertionError(f"no {prefix} include")


def test_the_matrix_covers_every_desk_and_audit_url(world: World) -> None:
    covered = {name.split("@")[0] for name in matrix(world)}
    assert (
        _names("desk/")
        | _names("audit/")
        | _names("placement/")
        | _names("tracing/")
        | _names("alerts/")
        | _names("imports/")
        | _names("incidents/")
        | _names("api/")
        | _root_names()
        == covered
    )


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_each_role_reaches_exactly_its_pages(world: World, who: str) -> None:
    client = Client()
    if who != "anonymous":
        client.force_login(world.users[who])
    got, expected = {}, {}
    for name, (path, allowed) in matrix(world).items():
        got[name] = client.get(path).status_code
        expected[name] = allowed.get(who, 302 if who == "anonymous" else 403)
    assert got == expected


@pytest.mark.parametrize("who", ROLES)
def test_a_token_of_each_role_reaches_exactly_what_its_account_may(world: World, who: str) -> None:
    """The same API rows walked with a bearer token instead of a session: no more, no less."""
    _, secret = do_create_token(
        actor=Actor(user=world.users[who], membership=None), owner=world.users[who]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    got, expected = {}, {}
    for name, (path, allowed) in api_matrix(world).items():
        got[name] = client.get(path).status_code
        expected[name] = allowed.get(who, 403)
    assert got == expected


def test_a_registrar_guessing_another_points_household_gets_404_and_is_audited(
    world: World,
) -> None:
    client = Client()
    client.force_login(world.users["registrar_a"])
    response = client.get(f"/desk/households/{world.household_b.pk}/")
    assert response.status_code == 404
    assert b"Petrova" not in response.content
    denied = AuditEvent.objects.get(action="denied", user=world.users["registrar_a"])
    assert denied.object_id == str(world.household_b.pk)


def test_a_shelter_manager_sees_only_their_shelters(world: World) -> None:
    client = Client()
    client.force_login(world.users["manager"])
    page = client.get("/desk/shelters/").content.decode()
    assert "Shelter A" in page and "Shelter B" not in page
    arrivals = client.get(f"/desk/shelters/{world.shelter_a.pk}/").content.decode()
    assert "Ivanova" in arrivals and "Petrova" not in arrivals


def test_a_shelter_manager_cannot_check_in_at_another_shelter(world: World) -> None:
    client = Client()
    client.force_login(world.users["manager"])
    sb, hb = world.shelter_b, world.household_b
    assert client.post(f"/desk/shelters/{sb.pk}/check-in/", {"household": hb.pk}).status_code == 404
    # Nor a household of another shelter through their own shelter's desk.
    sa = world.shelter_a
    assert client.post(f"/desk/shelters/{sa.pk}/check-in/", {"household": hb.pk}).status_code == 404
    sb.refresh_from_db()
    assert sb.occupancy == 0


@pytest.mark.parametrize("who", ROLES)
def test_every_link_in_a_roles_menu_opens_for_that_role(world: World, who: str) -> None:
    """The menu offers a role only pages it may open, and every page it may work on."""
    import re

    client = Client()
    client.force_login(world.users[who])
    page = client.get("/desk/").content.decode()
    nav = re.search(r"<nav aria-label=[^>]*>(.*?)</nav>", page, re.S)
    assert nav is not None
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert links, who
    refused = {link: s for link in links if (s := client.get(link).status_code) != 200}
    assert refused == {}
    may_import = who in ("national", "regional", "registrar_a", "registrar_b")
    assert ("/imports/" in links) == may_import


@pytest.mark.parametrize("who", [*ROLES, "anonymous"])
def test_the_apis_writes_take_exactly_the_allowed_roles(world: World, who: str) -> None:
    """POST with an empty body: the allowed roles get as far as reading it (400), the
    others are refused before (403; anonymous 401). Registering is the registrars' alone,
    as on the desk; every account may subscribe a webhook for itself, and resume its own
    (a national coordinator: any of the operation's)."""
    client = Client()
    if who != "anonymous":
        _, secret = do_create_token(
            actor=Actor(user=world.users[who], membership=None), owner=world.users[who]
        )
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    registrar = who in ("registrar_a", "registrar_b")
    owner_or_national = who in ("registrar_a", "national")  # the subscription's
    expected = {
        "/api/v1/households/": 401 if who == "anonymous" else 400 if registrar else 403,
        "/api/v1/webhooks/": 401 if who == "anonymous" else 400,
        f"/api/v1/webhooks/{world.webhook}/resume/": (
            401 if who == "anonymous" else 200 if owner_or_national else 404
        ),
    }
    got = {
        path: client.post(path, {}, content_type="application/json").status_code
        for path in expected
    }
    assert got == expected
