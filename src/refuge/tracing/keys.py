"""The registry's blocking keys in the database, and the check of records against them.

The registration desk asks "is this person registered already?" while the evacuee is
standing there, from any process of the web server. Keeping a `PersonIndex` in memory
per process would go stale as other desks register people; instead each person's
hashed blocking keys (the same rules as the batch engine, `core.linkage.blocking`) are
rows of `NameKey`, written by the desk in the transaction that registers the person.
Every check first catches up with persons written by other paths (a bulk load, an
import), indexing those registered since the highest indexed one. Candidates are the
persons sharing a key with the query (keys shared by more than `MAX_BLOCK` persons are
placeholders and skipped, as in the batch); they are scored with the core's
comparisons and the reference model.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.db import connection
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from refuge import bulk
from refuge.core.linkage.blocking import hash_keys, record_keys
from refuge.core.linkage.engine import (
    REFERENCE_RECORDS,
    REVIEW_PROBABILITY,
    Decision,
    Evidence,
    describe_reasons,
    evidence_of,
    score,
)
from refuge.core.linkage.features import (
    FeatureTable,
    IntArray,
    build_features,
    concat,
    take,
)
from refuge.core.linkage.records import BirthDate, PersonRecord
from refuge.registry.models import Household, Person
from refuge.tracing.model import desk_model
from refuge.tracing.models import DuplicateCandidate, Merge, NameKey

MAX_BLOCK = 500  # the desk's bound; the batch uses 2,000 (it is not waited for)
# Scoring is vectorised, loading rows is not: a namesake-rich query keeps the persons
# sharing the most keys with it (a true duplicate shares many: name, date, place rules).
MAX_CANDIDATES = 200
CATCH_UP_LIMIT = 200  # persons per check; after a bulk load run `refuge tracing index`
# A person written by another path whose transaction committed after a later pk was
# indexed is found again by looking this many pks back for persons without keys.
LATE_WINDOW = 200

_FIELDS = (
    "pk", "given_name", "patronymic", "family_name", "sex", "birth_year", "birth_month",
    "birth_day", "household__phone", "household__origin__name_ru", "household_id",
    "household__operation_id", "document_key",
)  # fmt: skip


@dataclass(frozen=True)
class Registered:
    """A registered person as the check loaded them."""

    record: PersonRecord
    household_id: int
    operation_id: int

    @property
    def person_id(self) -> int:
        return int(self.record.record_id)


@dataclass(frozen=True)
class Match:
    """A registered person who may be the one asked about, with the engine's reasons."""

    person: Registered
    probability: float
    decision: Decision
    evidence: tuple[Evidence, ...]
    contradictions: tuple[str, ...]
    swapped_names: bool

    def reasons(self) -> str:
        return describe_reasons(self.evidence, self.swapped_names, self.contradictions)

    def evidence_json(self) -> dict[str, object]:
        return {
            "evidence": [[e.comparison, e.level, round(e.weight, 2)] for e in self.evidence],
            "contradictions": list(self.contradictions),
            "swapped_names": self.swapped_names,
        }


@lru_cache(maxsize=100_000)
def birth_date(year: int | None, month: int | None, day: int | None) -> BirthDate | None:
    # Cached: a registry repeats the same dates, and a BirthDate cannot change.
    if not year:
        return None
    return BirthDate(year, month if month else None, day if month and day else None)


def _registered(row: tuple) -> Registered:  # type: ignore[type-arg]
    pk, given, patronymic, family, sex, year, month, day, phone, settlement, hh, op, doc = row
    # The document counts: it is a person's own field, the one that tells two members
    # of one household apart (or says they are one) when names and dates cannot.
    record = PersonRecord(
        record_id=str(pk), given_name=given, patronymic=patronymic, family_name=family,
        sex=sex, birth_date=birth_date(year, month, day), phone=phone or "",
        settlement=settlement or "", document_number=doc or "",
    )  # fmt: skip
    return Registered(record, hh, op)


def load(person_ids: Iterable[int]) -> list[Registered]:
    ids = list(person_ids)
    if connection.vendor == "postgresql" and len(ids) > 100:
        # One array literal, not thousands of quoted parameters (the ORM's IN list was
        # most of loading an import batch's candidates).
        literal = "{" + ",".join(str(int(i)) for i in ids) + "}"
        return _loaded(
            Person.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [literal]))
        )
    return _loaded(Person.objects.filter(pk__in=ids))


def _loaded(persons: QuerySet[Person]) -> list[Registered]:
    return [_registered(r) for r in persons.values_list(*_FIELDS)]


def hashed_keys(records: Sequence[PersonRecord] | FeatureTable) -> list[list[int]]:
    """Each record's hashed blocking keys, distinct.

    All rows' keys are hashed in one call: hashing row by row was a third of matching a
    large import (docs/PERFORMANCE.md, PFIF import).
    """
    table = records if isinstance(records, FeatureTable) else build_features(records)
    per_row = [sorted(set(record_keys(table, row))) for row in range(len(table))]
    flat = [k for keys in per_row for k in keys]
    hashed = hash_keys(flat).tolist() if flat else []
    out, start = [], 0
    for keys in per_row:
        out.append(sorted(set(hashed[start : start + len(keys)])))
        start += len(keys)
    return out


def _unindexed(limit: int) -> list[int]:
    """Persons above the highest indexed one, and any just below it, that have no keys."""
    last = NameKey.objects.aggregate(m=Max("person_id"))["m"] or 0
    has_keys = NameKey.objects.filter(person_id=OuterRef("pk"))
    return list(
        Person.objects.filter(pk__gt=last - LATE_WINDOW)
        .exclude(Exists(has_keys))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def catch_up(limit: int = CATCH_UP_LIMIT) -> int:
    """Index persons registered since the last check; returns how many were indexed.

    The desk indexes its own registrations as it saves them (`index_household`), so
    this finds only persons written by other paths (a bulk load, an import).
    """
    ids = _unindexed(limit)
    if ids:
        _insert_keys(load(ids))
    return len(ids)


def index_household(household_id: int) -> list[int]:
    """Write the blocking keys of a household's members; returns their ids in pk order."""
    people = _loaded(Person.objects.filter(household_id=household_id).order_by("pk"))
    _insert_keys(people)
    return [p.person_id for p in people]


def index_all(
    batch: int = 5000, progress: Callable[[int, int], None] = lambda done, total: None
) -> int:
    """Index every person without keys, in pk order (after a bulk load or import).

    `progress(persons looked at, persons)` after each batch; each batch's keys are
    committed by the caller's transaction or, outside one, as they are written, so a
    run cut short and started again only indexes what is left.
    """
    after, total, seen, persons = 0, 0, 0, Person.objects.count()
    while True:
        ids = list(
            Person.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            progress(persons, persons)
            return total
        after = ids[-1]
        have = set(
            NameKey.objects.filter(person_id__in=ids).values_list("person_id", flat=True).distinct()
        )
        todo = [i for i in ids if i not in have]
        if todo:
            _insert_keys(load(todo))
            total += len(todo)
        seen += len(ids)
        progress(min(seen, persons), persons)


def _insert_keys(people: list[Registered], hashed: list[list[int]] | None = None) -> None:
    """Write the people's keys: one prepared INSERT over many rows, no model instances.

    A person has some fifteen keys, so a model instance per key made indexing a
    bulk-loaded registry take longer than loading it. Rows another process wrote
    meanwhile are left as they are. `hashed`: the people's keys, if computed already.
    """
    if hashed is None:
        hashed = hashed_keys([p.record for p in people])
    rows = [
        (p.person_id, p.operation_id, k)
        for p, keys in zip(people, hashed, strict=True)
        for k in keys
    ]
    ops = connection.ops
    table = ops.quote_name(NameKey._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in ("person_id", "operation_id", "key"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20_000):
            chunk = rows[start : start + 20_000]
            if connection.vendor == "postgresql":  # one statement per chunk
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST("
                    "%s::bigint[], %s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING",
                    [list(column) for column in zip(*chunk, strict=True)],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    chunk,
                )


@dataclass(frozen=True)
class ReviewPair:
    """A person just registered and a registered person the check said may be them."""

    registered_id: int
    other_id: int
    probability: float
    evidence: dict[str, object]


def queue_for_review(operation_id: int, pairs: Sequence[ReviewPair]) -> None:
    """Put pairs the registrar saved despite the desk's warning before a tracing officer.

    The desk checked the operation's registry before the new person was in it, so no
    pair joins a person to themself or to their own household.
    """
    if not pairs:
        return
    if bulk.copies():
        _copy_pairs(operation_id, pairs)
        return
    rows = [
        DuplicateCandidate.between(
            p.registered_id,
            p.other_id,
            operation_id=operation_id,
            probability=p.probability,
            evidence=p.evidence,
            source=DuplicateCandidate.Source.REGISTRATION,
        )
        for p in pairs
    ]
    DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)


def _copy_pairs(operation_id: int, pairs: Sequence[ReviewPair]) -> None:
    """`queue_for_review`'s rows by COPY into a scratch table, then one INSERT that skips
    pairs already queued (as bulk_create's ignore_conflicts did)."""
    now = timezone.now()
    rows, seen = [], set()
    for p in pairs:
        left, right = sorted((p.registered_id, p.other_id))
        if (left, right) not in seen:
            seen.add((left, right))
            rows.append((operation_id, left, right, p.probability, json.dumps(p.evidence), now))
    columns = ("operation_id", "left_id", "right_id", "probability", "evidence", "found_at")
    names = ", ".join(columns)
    table = connection.ops.quote_name(DuplicateCandidate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS queued_pair (operation_id bigint, "
            "left_id bigint, right_id bigint, probability double precision, evidence jsonb, "
            "found_at timestamptz) ON COMMIT DELETE ROWS"
        )
        bulk.insert_rows("queued_pair", columns, rows)
        cursor.execute(
            f"INSERT INTO {table} ({names}, status, source) SELECT {names}, %s, %s "
            "FROM queued_pair ON CONFLICT DO NOTHING",
            [DuplicateCandidate.Status.OPEN, DuplicateCandidate.Source.REGISTRATION],
        )
        cursor.execute("DELETE FROM queued_pair")


# Keys per candidate query: well under SQLite's 32,766 variables.
KEYS_PER_QUERY = 10_000


def _key_in(column: str, keys: list[int]) -> tuple[str, list[object]]:
    """`column` among `keys`: one array parameter on PostgreSQL, a list of them elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [keys]
    return f"{column} IN ({', '.join(['%s'] * len(keys))})", list(keys)


def _candidate_ids(keys: list[int]) -> dict[int, set[int]]:
    """person ids per query key, leaving out keys shared by too many persons.

    Counting each key's persons as they are read from the (key, person) index. The
    operation is checked on the loaded persons, since an operation's persons are most
    of the table anyway. Plain SQL, a slice of keys at a time (a key's count does not
    depend on the others asked with it): the ORM's handling of a large IN list cost
    more than the query.
    """
    ops = connection.ops
    table, column = ops.quote_name(NameKey._meta.db_table), ops.quote_name("key")
    by_key: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), KEYS_PER_QUERY):
            part = keys[start : start + KEYS_PER_QUERY]
            where, params = _key_in(column, part)
            cursor.execute(
                f"SELECT {column}, person_id FROM (SELECT {column}, person_id, COUNT(*) OVER "
                f"(PARTITION BY {column}) AS n FROM {table} WHERE {where}) counted "
                f"WHERE n <= {int(MAX_BLOCK)}",
                params,
            )
            for hashed, person in cursor.fetchall():
                by_key[hashed].add(person)
    return by_key


def _most_shared(by_key: dict[int, set[int]], query_keys: list[int]) -> list[int]:
    """Candidates sharing the most keys with the query, at most MAX_CANDIDATES."""
    found = set().union(*(by_key.get(k, ()) for k in query_keys))
    if len(found) <= MAX_CANDIDATES:  # all of them: no need to count (most queries)
        return sorted(found)
    shared: Counter[int] = Counter()
    for k in query_keys:
        shared.update(by_key.get(k, ()))
    # Ties at the cut go to the earlier registered: a set's iteration order (what
    # most_common's ties followed) depends on how the set was built.
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return sorted(pid for pid, _ in ranked[:MAX_CANDIDATES])


def _live_merges(person_ids: set[int]) -> dict[int, int]:
    """merged person -> the person kept, for merges not undone."""
    return dict(
        Merge.objects.filter(merged_id__in=person_ids, undone_at__isnull=True).values_list(
            "merged_id", "kept_id"
        )
    )


def check(
    records: Sequence[PersonRecord],
    *,
    operation_id: int | None,
    limit: int = 5,
    min_probability: float = REVIEW_PROBABILITY,
    catch_up_first: bool = False,
    contradicted: bool = True,
    registry_size: int | None = None,
) -> list[list[Match]]:
    """For each record, registered persons who may be it, best first.

    A person merged into another is answered as the one kept (the merge says they are
    the same), so one person is never listed twice. With contradicted=False, pairs the
    engine finds a contradiction in (two birth dates no typing slip explains, two
    different given names or fathers) are left out whatever their probability. With
    registry_size, the model's prior is the one for a registry of that many persons
    (`LinkageModel.against`); without it, the prior the model was trained with.
    """
    if catch_up_first:
        catch_up()
    if not records:
        return []
    query = build_features(records)
    query_keys = hashed_keys(query)
    by_key = _candidate_ids(sorted({k for ks in query_keys for k in ks}))
    wanted = [_most_shared(by_key, ks) for ks in query_keys]
    people = {
        p.person_id: p
        for p in load({i for w in wanted for i in w})
        if operation_id is None or p.operation_id == operation_id
    }
    return _matches(
        query, wanted, people, limit=limit, min_probability=min_probability,
        contradicted=contradicted, registry_size=registry_size,
    )  # fmt: skip


def _matches(
    query: FeatureTable,
    wanted: Sequence[list[int]],
    people: dict[int, Registered],
    *,
    limit: int,
    min_probability: float,
    contradicted: bool,
    registry_size: int | None,
    cache: CandidateCache | None = None,
) -> list[list[Match]]:
    """Score each query row against its candidates (`wanted[row]`, person ids in `people`).

    A pair's score depends on the two records alone, so scoring many queries' pairs in
    one call gives each the score it would get alone; a row's matches keep the order
    (weight, then candidate id) they would have alone.
    """
    # Each candidate's features once, however many query rows it is paired with (a
    # common name is a candidate of many members of a batch).
    li, ri, registered, row_of = [], [], [], {}
    for q, ids in enumerate(wanted):
        for pid in ids:
            if pid in people:
                li.append(q)
                if pid not in row_of:
                    row_of[pid] = len(registered)
                    registered.append(people[pid])
                ri.append(row_of[pid])
    results: list[list[Match]] = [[] for _ in range(len(query))]
    if not registered:
        return results
    model = desk_model()
    if registry_size is not None:
        model = model.against(registry_size, REFERENCE_RECORDS)
    features = (
        cache.features(registered) if cache else build_features([p.record for p in registered])
    )
    pairs = score(
        model, query, np.asarray(li, dtype=np.int64), features, np.asarray(ri, dtype=np.int64)
    )
    decisions = pairs.decisions(0.99, REVIEW_PROBABILITY)
    for k in np.argsort(-pairs.weight, kind="stable").tolist():
        probability = float(pairs.probability[k])
        if probability < min_probability or (not contradicted and pairs.contradicted[k]):
            continue
        evidence, against = evidence_of(
            model, pairs.levels[k], bool(pairs.corroborated[k]), bool(pairs.contradicted[k])
        )
        results[li[k]].append(
            Match(
                registered[ri[k]],
                probability,
                decisions[k],
                evidence,
                against,
                bool(pairs.swapped[k]),
            )
        )
    found_ids = {m.person.person_id for found in results for m in found}
    merged = _live_merges(found_ids) if found_ids else {}
    return [_without_merged(found, merged, limit) for found in results]


# --- a batch of households checked together (the import) -------------------------------


class CandidateCache:
    """Registered persons the import's check loaded, with their features, kept between
    batches: a common name is a candidate for members of many batches, and loading and
    normalising the candidates again each batch was most of an import's check against a
    large registry (docs/PERFORMANCE.md, ODK/Kobo import).

    Keeping them is safe because a registered person's row never changes (no action
    edits a person's or household's names, date, phone or place; merges are looked up
    for each check, `_live_merges`). At most `limit` persons are kept, the earliest
    loaded dropped first, so memory stays bounded whatever the file's size.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self.people: dict[int, Registered] = {}
        self.chunks: dict[int, tuple[list[int], FeatureTable]] = {}  # serial -> ids, rows
        self.where: dict[int, tuple[int, int]] = {}  # person id -> (chunk serial, row)
        self.serial = 0

    def load(self, ids: Iterable[int]) -> dict[int, Registered]:
        """The persons `ids` (those that exist), from the cache or the database."""
        wanted = set(ids)
        missing = wanted - self.people.keys()
        if missing:
            self._add(load(missing))
        return {i: self.people[i] for i in wanted if i in self.people}

    def add(self, people: Sequence[Registered]) -> None:
        """Persons just registered (loaded by the caller), for the later batches' checks."""
        self._add([p for p in people if p.person_id not in self.people])

    def _add(self, people: list[Registered]) -> None:
        if not people:
            return
        self.serial += 1
        table = build_features([p.record for p in people])
        ids = [p.person_id for p in people]
        self.chunks[self.serial] = (ids, table)
        for row, p in enumerate(people):
            self.people[p.person_id] = p
            self.where[p.person_id] = (self.serial, row)

    def trim(self) -> None:
        """Drop the earliest loaded persons beyond the limit (between two checks)."""
        while len(self.people) > self.limit and len(self.chunks) > 1:
            oldest = min(self.chunks)
            for pid in self.chunks.pop(oldest)[0]:
                del self.people[pid]
                del self.where[pid]

    def features(self, people: Sequence[Registered]) -> FeatureTable:
        """The rows of `people` (all in the cache), in that order."""
        missing = [p for p in people if p.person_id not in self.where]
        self._add(missing)
        by_chunk: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for position, p in enumerate(people):
            serial, row = self.where[p.person_id]
            by_chunk[serial].append((position, row))
        parts, order = [], []
        for serial, pairs in by_chunk.items():
            parts.append(take(self.chunks[serial][1], np.asarray([r for _, r in pairs])))
            order.extend(position for position, _ in pairs)
        table = parts[0] if len(parts) == 1 else concat(parts)
        back = np.empty(len(order), dtype=np.int64)
        back[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
        return take(table, back)


def index_people(people: Sequence[Registered]) -> list[list[int]]:
    """Write the blocking keys of persons just registered; returns each one's keys.

    Persons registered in the caller's transaction: no other process can see them yet,
    let alone have indexed them, so on PostgreSQL the rows are streamed with COPY
    rather than inserted with a conflict check.
    """
    hashed = hashed_keys([p.record for p in people])
    if bulk.copies():
        bulk.insert_rows(
            NameKey._meta.db_table,
            ("person_id", "operation_id", "key"),
            (
                (p.person_id, p.operation_id, k)
                for p, keys in zip(people, hashed, strict=True)
                for k in keys
            ),
        )
    else:
        _insert_keys(list(people), hashed)
    return hashed


def as_registered(
    household: Household, settlement: str, members: Sequence[tuple[int, Sequence[object]]]
) -> list[Registered]:
    """A household's persons as the check would read them back (`_loaded`), from the
    values just written: (person id, the person's `registry.actions.PERSON_COLUMNS`
    values from given_name to document_key) each. Reading an import batch's own rows
    back cost a query and a model row each for what the import already held."""
    return [
        _registered(
            (pid, given, patronymic, family, sex, year, month, day, household.phone,
             settlement, household.pk, household.operation_id, doc)
        )
        for pid, (given, patronymic, family, sex, year, month, day, *_, doc) in members
    ]  # fmt: skip


class BatchCheck:
    """`check` for households registered one after another, done for a whole batch at once.

    Made before the batch is registered (it reads the registry's blocks for all the
    batch's members in a few queries); `matches` is then given the batch's persons as
    registered, with their keys, and answers for each household what `check` would
    have answered just before it was registered: the registry as it was, plus the
    households before it in the batch. A key is skipped when it is shared by more than
    `MAX_BLOCK` persons counting those, as the one-at-a-time check would find it.
    """

    def __init__(self, groups: Sequence[Sequence[PersonRecord]]) -> None:
        self.groups = [list(g) for g in groups]
        self.query = build_features([r for g in self.groups for r in g])
        self.query_keys = hashed_keys(self.query) if len(self.query) else []
        self._read_blocks(sorted({k for ks in self.query_keys for k in ks}))

    def _read_blocks(self, keys: list[int]) -> None:
        """Each key's persons (when at most MAX_BLOCK) and how many persons share it, as
        arrays sorted by key: `block_key`, `block_person` and `block_size` (the key's
        count; a key shared by more persons has one row, its person not used)."""
        ops = connection.ops
        table, column = ops.quote_name(NameKey._meta.db_table), ops.quote_name("key")
        parts = [np.empty((0, 3), dtype=np.int64)]
        with connection.cursor() as cursor:
            for start in range(0, len(keys), KEYS_PER_QUERY):
                where, params = _key_in(column, keys[start : start + KEYS_PER_QUERY])
                sql = (
                    f"SELECT {column}, person_id, n FROM (SELECT {column}, person_id, "
                    f"COUNT(*) OVER (PARTITION BY {column}) AS n, ROW_NUMBER() OVER "
                    f"(PARTITION BY {column}) AS r FROM {table} WHERE {where}) counted "
                    f"WHERE n <= {int(MAX_BLOCK)} OR r = 1"
                )
                if bulk.copies():  # read by numpy, no Python object per value
                    parts.append(bulk.select_int8(sql, params, ("key", "person_id", "n")))
                else:
                    cursor.execute(sql, params)
                    parts.append(np.asarray(cursor.fetchall(), dtype=np.int64).reshape(-1, 3))
        rows = np.concatenate(parts)
        order = np.lexsort((rows[:, 1], rows[:, 0]))
        self.block_key = np.ascontiguousarray(rows[order, 0])
        self.block_person = np.ascontiguousarray(rows[order, 1])
        self.block_size = np.ascontiguousarray(rows[order, 2])

    def _wanted(
        self, registered: Sequence[Sequence[Registered]], registered_keys: Sequence[Sequence[int]]
    ) -> list[list[int]]:
        """Each query row's candidates as `_most_shared` picks them from its blocks: the
        registry's persons and the batch's persons of earlier households sharing a key,
        a key skipped when more than MAX_BLOCK persons share it counting those.

        Arrays over all the batch's (row, key, person) triples at once, the same choice
        as sets and counters row by row, which were most of the check's own time.
        """
        lengths = np.fromiter((len(ks) for ks in self.query_keys), np.int64, len(self.query_keys))
        q_row = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        q_key = np.fromiter((k for ks in self.query_keys for k in ks), np.int64, int(lengths.sum()))
        sizes = np.fromiter((len(g) for g in self.groups), np.int64, len(self.groups))
        q_household = np.repeat(np.arange(len(self.groups), dtype=np.int64), sizes)[q_row]
        # The batch's persons holding an asked key, sorted by (key, household, person).
        bk, bh, bp = [], [], []
        flat = iter(registered_keys)
        for h, persons in enumerate(registered):
            for p in persons:
                for k in next(flat):
                    bk.append(k)
                    bh.append(h)
                    bp.append(p.person_id)
        b_key, b_household, b_person = (np.asarray(a, dtype=np.int64) for a in (bk, bh, bp))
        asked = np.isin(b_key, q_key)
        b_key, b_household, b_person = b_key[asked], b_household[asked], b_person[asked]
        order = np.lexsort((b_person, b_household, b_key))
        b_key, b_household, b_person = b_key[order], b_household[order], b_person[order]
        # Per (row, key): the batch's persons of earlier households, [b_lo, b_hi).
        b_lo = np.searchsorted(b_key, q_key, "left")
        b_end = np.searchsorted(b_key, q_key, "right")
        b_hi = b_lo + _count_below(b_household, b_lo, b_end, q_household)
        # ... and the registry's, [r_lo, r_hi); its count from the key's first row.
        r_lo = np.searchsorted(self.block_key, q_key, "left")
        r_hi = np.searchsorted(self.block_key, q_key, "right")
        size = np.zeros(len(q_key), dtype=np.int64)
        present = r_hi > r_lo
        size[present] = self.block_size[r_lo[present]]
        used = size + (b_hi - b_lo) <= MAX_BLOCK
        rows_r, persons_r = _expand(q_row[used], r_lo[used], r_hi[used], self.block_person)
        rows_b, persons_b = _expand(q_row[used], b_lo[used], b_hi[used], b_person)
        return _most_shared_arrays(
            np.concatenate([rows_r, rows_b]),
            np.concatenate([persons_r, persons_b]),
            len(self.query_keys),
        )

    def matches(
        self,
        registered: Sequence[Sequence[Registered]],
        registered_keys: Sequence[Sequence[int]],
        *,
        operation_id: int,
        limit: int = 5,
        min_probability: float = REVIEW_PROBABILITY,
        contradicted: bool = True,
        registry_size: int | None = None,
        cache: CandidateCache | None = None,
    ) -> list[list[list[Match]]]:
        """Per household, per member: the matches `check` would have given it alone.

        `registered[h]`: household h's persons as registered (`as_registered`);
        `registered_keys`: their keys, flat in the same order (`index_people`);
        `cache`: the candidates kept from the import's earlier batches, which the
        batch's persons join.
        """
        batch_people = {p.person_id: p for persons in registered for p in persons}
        wanted = self._wanted(registered, registered_keys)
        ids = {i for w in wanted for i in w}
        others = ids - batch_people.keys()
        people = {
            pid: p
            for pid, p in (
                cache.load(others).items() if cache else ((p.person_id, p) for p in load(others))
            )
            if p.operation_id == operation_id
        }
        people.update(
            (pid, p)
            for pid, p in batch_people.items()
            if pid in ids and p.operation_id == operation_id
        )
        found = _matches(
            self.query, wanted, people, limit=limit, min_probability=min_probability,
            contradicted=contradicted, registry_size=registry_size, cache=cache,
        )  # fmt: skip
        if cache:
            cache.add(list(batch_people.values()))
            cache.trim()
        out, start = [], 0
        for group in self.groups:
            out.append(found[start : start + len(group)])
            start += len(group)
        return out


def _count_below(households: IntArray, lo: IntArray, hi: IntArray, below: IntArray) -> IntArray:
    """For each i, how many of households[lo[i]:hi[i]] (ascending) are below below[i]:
    a binary search in every slice at once."""
    left, right = lo.copy(), hi.copy()
    last = max(len(households) - 1, 0)
    while (active := left < right).any():
        mid = (left + right) // 2
        lower = active & (households[np.minimum(mid, last)] < below)
        left = np.where(lower, mid + 1, left)
        right = np.where(active & ~lower, mid, right)
    return left - lo


def _expand(
    rows: IntArray, lo: IntArray, hi: IntArray, values: IntArray
) -> tuple[IntArray, IntArray]:
    """(row, values[j]) for every j in [lo, hi) of each row, flat."""
    lengths = hi - lo
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    offsets = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    return np.repeat(rows, lengths), values[offsets + np.arange(total, dtype=np.int64)]


PACKED = 40  # bits of a person id in a (row, person) code


def _most_shared_arrays(rows: IntArray, persons: IntArray, n_rows: int) -> list[list[int]]:
    """`_most_shared` for many rows at once, from (row, person) pairs, one per key the
    two share: per row, its persons sharing the most keys (at most MAX_CANDIDATES, ties
    to the earlier registered), in id order."""
    if len(rows) == 0:
        return [[] for _ in range(n_rows)]
    if int(persons.max()) >= 1 << PACKED or n_rows >= 1 << (62 - PACKED):
        raise ValueError("person ids or rows beyond the packed range")
    codes, shared = np.unique((rows << PACKED) | persons, return_counts=True)
    row, person = codes >> PACKED, codes & ((1 << PACKED) - 1)
    # Rank within each row by (-shared, person); `codes` are in (row, person) order.
    order = np.lexsort((person, -shared, row))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64) - np.searchsorted(row, row[order])
    kept = rank < MAX_CANDIDATES
    row, person = row[kept], person[kept]
    bounds = np.searchsorted(row, np.arange(n_rows + 1, dtype=np.int64)).tolist()
    chosen = person.tolist()
    return [chosen[bounds[i] : bounds[i + 1]] for i in range(n_rows)]


def _without_merged(found: list[Match], merged: dict[int, int], limit: int) -> list[Match]:
    seen: set[int] = set()
    out: list[Match] = []
    for m in found:
        pid = merged.get(m.person.person_id, m.person.person_id)
        if pid in seen:
            continue
        seen.add(pid)
        if pid != m.person.person_id:
            (kept,) = load([pid])
            m = Match(
                kept, m.probability, m.decision, m.evidence, m.contradictions, m.swapped_names
            )
        out.append(m)
        if len(out) >= limit:
            break
    return out
