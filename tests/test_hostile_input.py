"""Hostile input on every page: no value anyone can type or send gives a server error,
and a refused request saves nothing.

The walk starts from the URL x role matrix (tests/test_scope_matrix.py): every page it
lists is drawn for a role allowed to see it, and every form on it, read off the rendered
page (tests/pages.py), is posted back with hostile values in its fields, one field at a
time and then (hypothesis) many at once. POST-only URLs are reached through the forms that
post to them; `test_every_url_is_walked` fails when a URL of the matrix is reached by
neither a page nor a form, so a new page cannot slip past the suite.

CI sends each field and each page's query parameters four of the thirteen kinds of value,
spread by a hash so that every kind reaches every sort of field across the forms, and
draws a few mixed examples per form; `scripts/test --slow` sends every kind everywhere
and draws more.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refuge.desks.tests.world import World, build_world, queued_export
from refuge.fielddata.views import uploads
from refuge.registry.actions import MemberData
from refuge.tracing.actions import TracingQuery, do_public_search
from refuge.tracing.models import DuplicateCandidate, Enquiry
from refuge.tracing.tests.conftest import register_people
from refuge.webhooks.models import Subscription
from tests.pages import PageForm, forms_on
from tests.test_scope_matrix import matrix

# Values a hostile or careless sender puts where a form expects something sensible.
HOSTILE: list[bytes] = [
    b"",
    b"   ",
    b"x" * 6000,  # past the 5000-character field limit
    "Ж".encode() * 2500,  # within it, far past any max_length
    b"9" * 40,
    b"-1",
    b"0",
    b"abc",
    b"1e309",
    b"NaN",
    b"2147483648",
    b"9223372036854775808",
    b"0001-01-01",
    b"9999-12-31",
    b"31.02.2026",
    b"14.03.1948",
    b"a\x00b",
    b"\xed\xa0\x80",  # a lone surrogate, as UTF-8 would encode it
    b"\xff\xfe\xc3",  # not UTF-8 at all
    b'=HYPERLINK("http://evil.example","x")',
    b"+7 900 000-00-00",
    b"@SUM(A1)",
    b"' OR 1=1 --",
    b"1; DROP TABLE registry_person",
    b'"><script>alert(1)</script>',
    "\u202eанавИ".encode(),
]
# One field at a time gets these: one of each kind, so the walk stays within minutes.
EACH_FIELD = [
    b"",
    b"x" * 6000,
    "Ж".encode() * 2500,
    b"9" * 40,
    b"-1",
    b"abc",
    b"0001-01-01",
    b"9999-12-31",
    b"a\x00b",
    b"\xed\xa0\x80",
    b'=HYPERLINK("http://evil.example","x")',
    b"' OR 1=1 --",
    b'"><script>alert(1)</script>',
]
SCRIPT = b"<script>alert(1)</script>"
UNCOUNTED = {"audit.auditevent", "sessions.session", "limits.counter"}


@dataclass(frozen=True)
class Target:
    """A form to post, as drawn on a page, and who drew it."""

    who: str
    page: str
    form: PageForm

    @property
    def path(self) -> str:
        return urlsplit(self.form.action).path or urlsplit(self.page).path


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    w = build_world()
    # Records the officers' forms need to be drawn: an enquiry and a pair to decide.
    do_public_search(
        actor=_anonymous(),
        query=TracingQuery(family_name="Коваленко", given_name="Оксана"),
        enquirer_name="Олена Іваненко",
        enquirer_contact="+380 50 123 45 67",
    )
    one = register_people(w, MemberData(given_name="Анна", family_name="Петренко", birth_year=1948))
    two = register_people(
        w, MemberData(given_name="Ганна", family_name="Петренко", birth_year=1948)
    )
    DuplicateCandidate.between(
        one.members.get().pk, two.members.get().pk, operation=w.operation, probability=0.9
    ).save()
    # A partner's webhook subscription, for its API pages (as in the scope matrix).
    w.webhook = Subscription.objects.create(
        owner=w.users["registrar_a"], operation=w.operation, url="https://8.8.8.8/hook",
        events=["sitrep.published"], secret="whsec_test",
    ).pk  # fmt: skip
    w.export_job = queued_export(w)
    return w


def _anonymous():  # type: ignore[no-untyped-def]
    from refuge.accounts.scope import Actor

    return Actor(user=None, membership=None, ip="192.0.2.1")


def _pages(w: World) -> list[tuple[str, str]]:
    """(role, path) of every page the matrix lets someone see, plus the record pages."""
    seen = []
    for _name, (path, allowed) in matrix(w).items():
        for who, status in allowed.items():
            if status == 200:
                seen.append((who, path))
                break
    sha = _stored_list()
    seen.append(("registrar_a", f"/imports/list/{sha}/"))
    enquiry = Enquiry.objects.order_by("pk").first()
    pair = DuplicateCandidate.objects.order_by("pk").first()
    assert enquiry and pair
    seen += [
        ("tracing", f"/tracing/enquiries/{enquiry.pk}/"),
        ("tracing", f"/tracing/pairs/{pair.pk}/"),
        ("tracing", f"/tracing/pairs/{pair.pk}/household/"),  # the whole family's merge
    ]
    return seen


def _stored_list() -> str:
    """A small list in the uploads folder, named by its hash as the upload page names it."""
    content = (
        "№ п/п,ФИО,Дата рождения,Телефон,Адрес\n"
        '4107,Шевчук Григорий Тарасович,14.03.1948,8-915-123-45-67,"Суджа, ул. Ленина, 5"\n'
        '4108,Коваленко Ольга Петровна,30.11.1977,,"Суджа, ул. Садовая, 12"\n'
    ).encode()
    sha = hashlib.sha256(content).hexdigest()
    (uploads() / f"{sha}.csv").write_bytes(content)
    return sha


_addresses = itertools.count(1)


def _client(w: World, who: str) -> Client:
    # A fresh address each time keeps the rate limits out of the way of the walk.
    n = next(_addresses)
    client = Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
    if who != "anonymous":
        client.force_login(w.users[who])
    return client


def _targets(w: World) -> list[Target]:
    found = []
    for who, path in _pages(w):
        page = _client(w, who).get(path)
        assert page.status_code == 200, path
        if not page["Content-Type"].startswith("text/html"):
            continue  # the CSV and XLSX exports
        for form in forms_on(page.content):
            if "/accounts/language/" not in form.action and "/logout/" not in form.action:
                found.append(Target(who, path, form))
    return found


def _blind(w: World) -> list[Target]:
    """POST-only URLs whose forms the small world does not draw (nobody is inside a
    shelter, there is no plan, merge or standby shelter): their fields posted blind."""
    sa, ha = w.shelter_a.pk, w.household_a.pk
    return [
        Target("manager", "-", PageForm(f"/desk/shelters/{sa}/check-out/", "post", [
            ("household", str(ha)), ("to", "relatives")])),
        Target("national", "-", PageForm(f"/placement/standby/{sa}/open/", "post", [
            (f"s{sa}-reason", "Не хватает мест в Курске")])),
        Target("national", "-", PageForm("/placement/plans/999999/accept/", "post", [
            ("plan", "999999")])),
        Target("national", "-", PageForm("/placement/plans/999999/", "get", [("page", "1")])),
        Target("anonymous", "-", PageForm("/metrics", "get", [("name", "x")])),
        Target("tracing", "-", PageForm("/tracing/merges/999999/undo/", "post", [
            ("reason", "ошибка")])),
        Target("duty", "-", PageForm("/alerts/desk/orders/999999/draft/", "post", [])),
        Target("registrar_a", "-", PageForm("/imports/apply/", "post", [
            ("sha", "0" * 64), ("name", "kobo.xlsx")])),
        Target("registrar_a", "-", PageForm("/imports/report/", "post", [("sha", "0" * 64)])),
        Target("registrar_a", "-", PageForm(f"/imports/list/{_stored_list()}/apply/", "post", [
            ("mapping", '{"columns": {"ФИО": "full_name"}, "reception_point": "p1"}'),
            ("at", "2024-08-14T10:00:00+03:00")])),
        Target("registrar_a", "-", PageForm("/imports/jobs/999999/", "get", [("part", "1")])),
        Target("national", "-", PageForm("/placement/jobs/999999/", "get", [("part", "1")])),
        Target("national", "-", PageForm(f"/desk/exports/{w.export_job}/", "get", [("part", "1")])),
        Target("national", "-", PageForm(f"/desk/exports/{w.export_job}/file", "get", [])),
        Target("registrar_a", "-", PageForm(f"/api/v1/webhooks/{w.webhook}/resume/", "post", [
            ("reason", "снова работает")])),
    ]  # fmt: skip


def _counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m.objects.count()
        for m in apps.get_models()
        if m._meta.label_lower not in UNCOUNTED and not m._meta.proxy
    }


def _encoded(fields: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(
        f"{quote_from_bytes(k.encode())}={quote_from_bytes(v)}".encode() for k, v in fields
    )


def _send(w: World, target: Target, changed: dict[str, bytes]) -> None:
    """Post (or GET) the form with `changed` fields; fail on a 500 or a half-save."""
    button = next((name for name, _ in target.form.buttons if name), None)
    fields = [(k, changed.get(k, v.encode())) for k, v in target.form.data(button).items()]
    fields += [(k, v) for k, v in changed.items() if k not in dict(fields)]
    client = _client(w, target.who)
    before = _counts()
    if target.form.method == "get":
        url = f"{target.path}?{_encoded(fields).decode()}"
        response = client.get(url)
    else:
        response = client.post(
            target.path, _encoded(fields), content_type="application/x-www-form-urlencoded"
        )
    sent = f"{target.form.method.upper()} {target.path} from {target.page} with {changed!r:.300}"
    assert response.status_code < 500, sent
    if response.status_code >= 400:
        assert _counts() == before, f"refused but saved: {sent}"
    assert SCRIPT not in response.content, f"echoed unescaped: {sent}"


def _fields(target: Target) -> list[str]:
    """The form's fields, one of each kind: of a formset's rows, only the first."""
    names = [n for n, _ in target.form.fields if n != "csrfmiddlewaretoken"]
    return [n for n in dict.fromkeys(names) if not any(f"-{i}-" in n for i in range(1, 40))]


def test_every_url_is_walked(world: World) -> None:
    reached = {resolve(urlsplit(p).path).url_name for _, p in _pages(world)}
    for target in _targets(world) + _blind(world):
        with contextlib.suppress(Resolver404):  # a form posting off-site is no URL of ours
            reached.add(resolve(target.path).url_name)
    assert {name.split("@")[0] for name in matrix(world)} - reached == set()


def _share(path: str, name: str, n: int = 4) -> list[bytes]:
    """`n` of EACH_FIELD for this field (or query parameter) of the form (or page) at
    `path`, spread by a hash of the two: every field gets several kinds, and across the
    forms every kind reaches every sort of field. The same share on every run."""
    start = int(hashlib.sha256(f"{path} {name}".encode()).hexdigest(), 16)
    stride = len(EACH_FIELD) // n  # 13 values, stride 3: n different ones
    return [EACH_FIELD[(start + k * stride) % len(EACH_FIELD)] for k in range(n)]


def test_each_field_alone_takes_its_share_of_the_hostile_values(world: World) -> None:
    for target in _targets(world) + _blind(world):
        for name in _fields(target):
            for value in _share(target.path, name):
                _send(world, target, {name: value})


@pytest.mark.slow
def test_each_field_alone_takes_each_kind_of_hostile_value(world: World) -> None:
    for target in _targets(world) + _blind(world):
        for name in _fields(target):
            for value in EACH_FIELD:
                _send(world, target, {name: value})


def _query_walk(world: World, values: Callable[[str, str], list[bytes]]) -> None:
    for who, path in _pages(world):
        parts = urlsplit(path)
        keys = [k.split("=")[0] for k in parts.query.split("&") if k] or ["q"]
        for key in keys:
            for value in values(parts.path, key):
                url = f"{parts.path}?{_encoded([(key, value)]).decode()}"
                assert _client(world, who).get(url).status_code < 500, url
        # An id past any table's range in the path itself.
        huge = re.sub(r"/\d+/", "/" + "9" * 25 + "/", parts.path)
        assert _client(world, who).get(huge).status_code < 500, huge


def test_every_page_takes_its_share_of_hostile_query_parameters(world: World) -> None:
    _query_walk(world, lambda path, key: _share(path, key))


@pytest.mark.slow
def test_every_page_takes_hostile_query_parameters(world: World) -> None:
    _query_walk(world, lambda path, key: EACH_FIELD)


hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(lambda n: str(n).encode()),
    st.dates().map(lambda d: d.isoformat().encode()),
)


def _mixed_walk(world: World, data: st.DataObject) -> None:
    for target in _targets(world) + _blind(world):
        names = _fields(target)
        if names:
            chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
            _send(world, target, {n: data.draw(hostile_text) for n in chosen})


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_many_fields_at_once_take_hostile_values(world: World, data: st.DataObject) -> None:
    _mixed_walk(world, data)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_many_fields_at_once_take_hostile_values_at_length(
    world: World, data: st.DataObject
) -> None:
    _mixed_walk(world, data)
