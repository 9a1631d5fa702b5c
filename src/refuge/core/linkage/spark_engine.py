"""The linkage engine on Apache Spark: `refuge dedupe|link … --engine spark [--master URL]`.

The same steps as `RefugeLinker` (features, blocking, comparisons, training, scoring,
clustering) with the same code for each, spread over a Spark cluster:

- features: `build_features` per partition of records (`mapInPandas`); every feature is a
  function of its own record, so a partition computes what the whole batch would;
- blocking keys: `record_keys` per partition, then the candidate statement of
  `blocking.CANDIDATE_SQL` as Spark joins (block size per key, oversized keys dropped,
  one self equi-join, pairs deduplicated across rules);
- comparisons: the candidate pairs joined to the feature rows of both sides, and
  `comparisons.compare` (the vectorised numpy comparisons) inside `mapInPandas`;
- training: u from the same random pairs `model.estimate_u` draws (same seed, compared on
  the executors), m by EM on the driver over the distinct comparison patterns and their
  counts, which Spark aggregates (a few thousand rows whatever the input size);
- scoring: `engine.score_vectors` inside `mapInPandas` with the model broadcast;
- clustering: the merged pairs are collected and put through the same connected
  components as the default engine while there are at most `COLLECT_EDGES` of them (one
  merged pair per duplicate registration, so tens of millions of records give a few
  million: less than the record ids the driver holds anyway to write the output); above
  that, min-label propagation on Spark (`spark_components`).

pyspark is an optional dependency (`pip install refuge[spark]`); nothing imports this
module unless `--engine spark` is asked for.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from refuge.core.linkage.blocking import MAX_BLOCK, key_table
from refuge.core.linkage.comparisons import COMPARISONS, ComparisonVectors, compare
from refuge.core.linkage.engine import (
    MIN_TRAINING_RECORDS,
    DedupeResult,
    RefugeLinker,
    ScoredPairs,
    clusters_from_links,
    reference_model,
    score_vectors,
)
from refuge.core.linkage.features import MASK_WORDS, FeatureTable, IntArray, build_features
from refuge.core.linkage.model import (
    LinkageModel,
    estimate_m_from_patterns,
    level_frequencies,
    pattern_counts,
    random_pairs,
)
from refuge.core.linkage.records import BirthDate, PersonRecord

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[2]"
# Above this many merged pairs the clusters are found on the cluster, not the driver.
COLLECT_EDGES = 5_000_000
RECORDS_PER_PARTITION = 50_000
# Candidate pairs per partition (and per shuffle partition of the pair joins): a pair
# carries both sides' features through the joins, about 1 KB, so a task holds ~0.5 GB.
PAIRS_PER_PARTITION = 500_000
_MASKS = ("given_mask", "given_exact", "family_mask", "family_exact", "father_mask")
_INTS = ("sex", "year", "month", "day")
_TEXT_FIELDS = (
    "given_name", "patronymic", "family_name", "sex", "phone", "document_number",
    "settlement", "address", "postcode",
)  # fmt: skip
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
"""


class SparkUnavailable(Exception):
    """pyspark (or Java) is missing: the message says what to install."""


def spark_session(
    master: str = DEFAULT_MASTER,
    *,
    driver_memory: str = "1g",
    local_dir: Path | None = None,
    shuffle_partitions: int | None = None,
) -> SparkSession:
    """A Spark session for linkage: no UI, quiet logs, scratch files under `local_dir`.

    The options only apply when this creates the session; an application that already has
    one (spark-submit, a notebook) keeps its own.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable(
            "the Spark engine needs pyspark: pip install 'refuge[spark]' (and Java 17)"
        ) from exc
    scratch = Path(local_dir or tempfile.mkdtemp(prefix="refuge-spark-"))
    scratch.mkdir(parents=True, exist_ok=True)
    log4j = scratch / "log4j2.properties"
    log4j.write_text(_LOG4J, encoding="utf-8")
    java_options = f"-Dlog4j2.configurationFile=file:{log4j} -Djava.io.tmpdir={scratch}"
    local = master.startswith("local")
    cores = os.cpu_count() or 2
    builder = (
        SparkSession.builder.master(master)
        .appName("refuge-linkage")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", driver_memory)
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.local.dir", str(scratch))
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions or 4 * cores))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
    )
    if local:
        # Workers on this machine run this interpreter, with this sys.path.
        builder = builder.config("spark.pyspark.python", sys.executable)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        session: SparkSession = builder.getOrCreate()
    except Exception as exc:  # Java missing or the master unreachable
        raise SparkUnavailable(f"Spark did not start ({master}): {exc}") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


# -- columns in and out of pandas ------------------------------------------------------


def _records_frame(records: Sequence[PersonRecord], first_row: int = 0) -> pd.DataFrame:
    frame = pd.DataFrame({"row": np.arange(first_row, first_row + len(records), dtype=np.int64)})
    frame["record_id"] = [r.record_id for r in records]
    for name in _TEXT_FIELDS:
        frame[name] = [getattr(r, name) or "" for r in records]
    dates = [r.birth_date for r in records]
    # -1: no date, or no month / day in it (a date may be only a year).
    frame["birth_year"] = np.array([d.year if d else -1 for d in dates], dtype=np.int64)
    frame["birth_month"] = np.array(
        [d.month if d and d.month is not None else -1 for d in dates], dtype=np.int64
    )
    frame["birth_day"] = np.array(
        [d.day if d and d.day is not None else -1 for d in dates], dtype=np.int64
    )
    return frame


def _records_of(frame: pd.DataFrame) -> list[PersonRecord]:
    out: list[PersonRecord] = []
    columns = [frame[name].tolist() for name in _TEXT_FIELDS]
    years, months, days = (frame[c].tolist() for c in ("birth_year", "birth_month", "birth_day"))
    for k, record_id in enumerate(frame["record_id"].tolist()):
        date = None
        if years[k] >= 0:
            date = BirthDate(
                years[k], months[k] if months[k] >= 0 else None, days[k] if days[k] >= 0 else None
            )
        values = {name: columns[c][k] for c, name in enumerate(_TEXT_FIELDS)}
        out.append(PersonRecord(record_id=record_id, birth_date=date, **values))
    return out


def _feature_columns() -> list[str]:
    names: list[str] = []
    for f in fields(FeatureTable):
        if f.name in _MASKS:
            names.extend(f"{f.name}_{w}" for w in range(MASK_WORDS))
        else:
            names.append(f.name)
    return names


def _feature_schema(prefix: str = "") -> str:
    parts = [f"{prefix}row long"]
    for name in _feature_columns():
        kind = "long" if name.rsplit("_", 1)[0] in _MASKS or name in _INTS else "string"
        parts.append(f"{prefix}{name} {kind}")
    return ", ".join(parts)


def features_frame(table: FeatureTable, rows: IntArray) -> pd.DataFrame:
    """A feature table as flat columns (identity masks as signed 64-bit words)."""
    data: dict[str, Any] = {"row": rows}
    for f in fields(FeatureTable):
        values = getattr(table, f.name)
        if f.name in _MASKS:
            for w in range(MASK_WORDS):
                data[f"{f.name}_{w}"] = np.ascontiguousarray(values[:, w]).view(np.int64)
        else:
            data[f.name] = values
    return pd.DataFrame(data)


def table_of(frame: pd.DataFrame, prefix: str = "") -> FeatureTable:
    """The feature table held in `frame`'s columns (inverse of `features_frame`)."""
    values: dict[str, Any] = {}
    for f in fields(FeatureTable):
        if f.name in _MASKS:
            words = [
                frame[f"{prefix}{f.name}_{w}"].to_numpy(dtype=np.int64) for w in range(MASK_WORDS)
            ]
            values[f.name] = np.stack(words, axis=1).view(np.uint64).reshape(-1, MASK_WORDS)
        elif f.name in _INTS:
            values[f.name] = frame[f"{prefix}{f.name}"].to_numpy(dtype=np.int64)
        else:
            values[f.name] = frame[f"{prefix}{f.name}"].to_numpy(dtype=object)
    return FeatureTable(**values)


_LEVEL_COLUMNS = [f"level_{name}" for name in COMPARISONS]
_VECTOR_SCHEMA = "l long, r long, " + ", ".join(f"{c} byte" for c in _LEVEL_COLUMNS)
_VECTOR_SCHEMA += ", swapped boolean"
_SCORED_SCHEMA = _VECTOR_SCHEMA + (
    ", weight double, probability double, contradicted boolean, corroborated boolean,"
    " own_weight double, mergeable boolean"
)


# -- the functions the executors run ---------------------------------------------------


def _build(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for frame in batches:
        table = build_features(_records_of(frame))
        yield features_frame(table, frame["row"].to_numpy(dtype=np.int64))


def _keys(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for frame in batches:
        keys = key_table(table_of(frame))
        rows = frame["row"].to_numpy(dtype=np.int64)
        yield pd.DataFrame({"row": rows[keys.row], "key": keys.key})


def _vectors_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, ComparisonVectors]:
    left, right = table_of(frame, "l_"), table_of(frame, "r_")
    at = np.arange(len(frame), dtype=np.int64)
    vectors = compare(left, at, right, at)
    out = pd.DataFrame({"l": frame["l"].to_numpy(np.int64), "r": frame["r"].to_numpy(np.int64)})
    for col, name in enumerate(_LEVEL_COLUMNS):
        out[name] = vectors.levels[:, col]
    out["swapped"] = vectors.swapped
    return out, vectors


def _compare(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for frame in batches:
        yield _vectors_frame(frame)[0]


def vectors_of(frame: pd.DataFrame) -> ComparisonVectors:
    levels = np.stack([frame[c].to_numpy(np.int8) for c in _LEVEL_COLUMNS], axis=1)
    return ComparisonVectors(levels=levels, swapped=frame["swapped"].to_numpy(bool))


def _scorer(model: Any, merge_at: float) -> Any:
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        trained: LinkageModel = model.value
        for frame in batches:
            li, ri = frame["l"].to_numpy(np.int64), frame["r"].to_numpy(np.int64)
            pairs = score_vectors(trained, li, ri, vectors_of(frame))
            out = frame.copy()
            out["weight"] = pairs.weight
            out["probability"] = pairs.probability
            out["contradicted"] = pairs.contradicted
            out["corroborated"] = pairs.corroborated
            out["own_weight"] = pairs.own_weight
            out["mergeable"] = pairs.mergeable(merge_at)
            yield out

    return run


# -- the steps on the driver -----------------------------------------------------------


def candidate_pairs(keys: DataFrame, max_block: int = MAX_BLOCK) -> DataFrame:
    """`blocking.CANDIDATE_SQL` as Spark joins: pairs (l < r) sharing a key under any rule,
    keys shared by more than `max_block` rows dropped, each pair once."""
    from pyspark.sql import functions as F

    sizes = keys.groupBy("key").count().where(F.col("count") <= max_block).select("key")
    kept = keys.join(sizes, "key").distinct()
    a, b = kept.alias("a"), kept.alias("b")
    joined = a.join(b, (F.col("a.key") == F.col("b.key")) & (F.col("a.row") < F.col("b.row")))
    return joined.select(F.col("a.row").alias("l"), F.col("b.row").alias("r")).distinct()


def pair_partitions(keys: DataFrame, floor: int, max_block: int = MAX_BLOCK) -> int:
    """Partitions for the pair stages, from the block sizes: a key shared by c rows makes at
    most c(c-1)/2 pairs, so the sum over the kept keys bounds the candidate pairs (a pair
    sharing several keys is counted once per key). A fixed number of shuffle partitions
    made tasks of millions of pairs at a million records, and the executor ran out of heap.
    """
    from pyspark.sql import functions as F

    sizes = keys.groupBy("key").count().where(F.col("count") <= max_block)
    bound = sizes.select(F.sum(F.col("count") * (F.col("count") - 1) / 2)).first()
    pairs = int(bound[0] or 0) if bound is not None else 0
    return max(floor, -(-pairs // PAIRS_PER_PARTITION))


def _with_features(pairs: DataFrame, features: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    left = features.select([F.col(c).alias("l_" + c) for c in features.columns])
    right = features.select([F.col(c).alias("r_" + c) for c in features.columns])
    return pairs.join(left, pairs["l"] == left["l_row"]).join(right, pairs["r"] == right["r_row"])


def spark_components(edges: DataFrame, max_rounds: int = 100) -> DataFrame:
    """Connected components by min-label propagation: (row, label = smallest row in its
    component) for every row on an edge. Each round every row takes the smallest label
    among itself and its neighbours; it stops when no label changes (at most the diameter
    of the largest component, a few rounds for clusters of registrations). The lineage is
    cut by a local checkpoint (on the executors, no shared storage needed) every round so
    the plan does not grow with the rounds."""
    from pyspark.sql import functions as F

    both = edges.select(F.col("l").alias("a"), F.col("r").alias("b")).union(
        edges.select(F.col("r").alias("a"), F.col("l").alias("b"))
    )
    both = both.localCheckpoint()
    labels = both.groupBy("a").agg(F.least(F.min("b"), F.first("a")).alias("label"))
    labels = labels.withColumnRenamed("a", "row").localCheckpoint()
    for _ in range(max_rounds):
        offered = (
            both.join(labels, both["b"] == labels["row"])
            .groupBy("a")
            .agg(F.min("label").alias("offer"))
        )
        updated = (
            labels.join(offered, labels["row"] == offered["a"], "left")
            .select("row", F.least("label", F.coalesce("offer", "label")).alias("label"))
            .localCheckpoint()
        )
        changed = (
            updated.alias("u")
            .join(labels.alias("o"), "row")
            .where(F.col("u.label") != F.col("o.label"))
            .limit(1)
            .count()
        )
        labels = updated
        if changed == 0:
            return labels
    raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")


@dataclass
class SparkLinker(RefugeLinker):
    """`RefugeLinker` on Spark: same decisions, pairs and clusters, another machine room.

    `keep_below`: pairs under `min(review_at, merge_at)` are not brought back to the
    driver (nothing reads them) unless this is set (the agreement tests keep them all).
    """

    master: str = DEFAULT_MASTER
    driver_memory: str = "1g"
    local_dir: Path | None = None
    session: Any = None
    keep_below: bool = False
    collect_edges: int = COLLECT_EDGES
    partitions: int | None = None
    candidate_pair_count: int = 0
    pair_partitions: int = 0

    def spark(self) -> SparkSession:
        if self.session is None:
            if self.local_dir is None:
                self.local_dir = Path(tempfile.mkdtemp(prefix="refuge-spark-"))
                self._own_dir = True
            running = _active_session()
            self.session = running or spark_session(
                self.master, driver_memory=self.driver_memory, local_dir=self.local_dir
            )
            # A session that was running already (a notebook's, a test's) is left running.
            self._own_session = running is None
        return cast("SparkSession", self.session)

    def close(self) -> None:
        """Stop the session this linker started, and remove the scratch directory it made."""
        if getattr(self, "_own_session", False) and self.session is not None:
            self.session.stop()
            self.session = None
        if getattr(self, "_own_dir", False) and self.local_dir is not None:
            shutil.rmtree(self.local_dir, ignore_errors=True)
            self.local_dir = None

    def dedupe(self, records: Sequence[PersonRecord]) -> DedupeResult:
        n = len(records)
        ids = np.array([r.record_id for r in records], dtype=object)
        if n < 2:
            return DedupeResult(ids, np.arange(n), None, None, self.merge_at, self.review_at)
        spark = self.spark()
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        parts = self.partitions or max(2, -(-n // RECORDS_PER_PARTITION))
        raw = spark.createDataFrame(_records_frame(records)).repartition(parts)
        features = raw.mapInPandas(_build, _feature_schema()).persist(StorageLevel.MEMORY_AND_DISK)
        # Persisted: the key sizes and both sides of the self-join read it (three passes).
        keys = features.mapInPandas(_keys, "row long, key long").persist(
            StorageLevel.MEMORY_AND_DISK
        )
        _step(spark, "features, blocking keys; size the pair stages")
        self.pair_partitions = pair_partitions(keys, parts)
        # Plans are laid out when an action runs, so the joins below take this setting;
        # a session that was running already gets its own value back afterwards.
        before = spark.conf.get("spark.sql.shuffle.partitions") or "200"  # Spark's default
        spark.conf.set("spark.sql.shuffle.partitions", str(self.pair_partitions))
        try:
            pairs = candidate_pairs(keys).repartition(self.pair_partitions)
            vectors = (
                _with_features(pairs, features)
                .mapInPandas(_compare, _VECTOR_SCHEMA)
                .persist(StorageLevel.MEMORY_AND_DISK)
            )
            model = self.model or self.train_on_spark(spark, features, vectors, n)
            scored = vectors.mapInPandas(
                _scorer(spark.sparkContext.broadcast(model), self.merge_at), _SCORED_SCHEMA
            ).persist(StorageLevel.MEMORY_AND_DISK)
            _step(spark, "score candidate pairs")
            self.candidate_pair_count = scored.count()
            _step(spark, "collect pairs from the review threshold")
            floor = min(self.review_at, self.merge_at)
            kept = scored if self.keep_below else scored.where(F.col("probability") >= floor)
            found = cast(pd.DataFrame, kept.toPandas()).sort_values(["l", "r"], kind="stable")
            pairs_out = _scored_pairs(found)
            merged = scored.where("mergeable").select("l", "r")
            merged_count = int(pairs_out.mergeable(self.merge_at).sum())
            if merged_count <= self.collect_edges:
                cluster = clusters_from_links(
                    n, pairs_out.left[pairs_out.mergeable(self.merge_at)],
                    pairs_out.right[pairs_out.mergeable(self.merge_at)],
                )  # fmt: skip
            else:
                _step(spark, "connected components")
                cluster = _labels(n, cast(pd.DataFrame, spark_components(merged).toPandas()))
            for frame in (scored, vectors, keys, features):
                frame.unpersist()
        finally:
            spark.conf.set("spark.sql.shuffle.partitions", before)
        return DedupeResult(ids, cluster, pairs_out, model, self.merge_at, self.review_at)

    def train_on_spark(
        self, spark: SparkSession, features: DataFrame, vectors: DataFrame, n: int
    ) -> LinkageModel:
        """`RefugeLinker.train` with the pairs on Spark: the same u pairs and EM input."""
        if n < MIN_TRAINING_RECORDS:
            return reference_model()
        left, right = random_pairs(n)
        drawn = spark.createDataFrame(
            pd.DataFrame({"l": left, "r": right}).drop_duplicates()
        ).repartition(max(2, -(-len(left) // 100_000)))
        u_frame = _with_features(drawn, features).mapInPandas(_compare, _VECTOR_SCHEMA)
        # Every drawn pair (a pair drawn twice counts twice; the order does not matter).
        _step(spark, "features; train: compare random pairs (u)")
        drawn_levels = cast(pd.DataFrame, u_frame.toPandas())
        found = pd.DataFrame({"l": left, "r": right}).merge(drawn_levels, on=["l", "r"])
        u_vectors = vectors_of(found)
        u_random = level_frequencies(u_vectors)
        _step(spark, "features, blocking, compare candidates; count patterns (m)")
        counted = cast(pd.DataFrame, vectors.groupBy(_LEVEL_COLUMNS).count().toPandas())
        patterns = counted[_LEVEL_COLUMNS].to_numpy(np.int64)
        return estimate_m_from_patterns(
            *pattern_counts(patterns, counted["count"].to_numpy(np.int64)), u_random, records=n
        )


def _active_session() -> SparkSession | None:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession()


def _step(spark: SparkSession, what: str) -> None:
    """Names the Spark jobs that follow (event log, UI, bench/linkage_spark.py)."""
    spark.sparkContext.setJobDescription(what)


def _scored_pairs(frame: pd.DataFrame) -> ScoredPairs:
    levels = np.stack([frame[c].to_numpy(np.int8) for c in _LEVEL_COLUMNS], axis=1)
    levels = levels.reshape(-1, len(COMPARISONS))
    return ScoredPairs(
        frame["l"].to_numpy(np.int64), frame["r"].to_numpy(np.int64), levels,
        frame["swapped"].to_numpy(bool), frame["weight"].to_numpy(np.float64),
        frame["probability"].to_numpy(np.float64), frame["contradicted"].to_numpy(bool),
        frame["corroborated"].to_numpy(bool), frame["own_weight"].to_numpy(np.float64),
    )  # fmt: skip


def _labels(n: int, components: pd.DataFrame) -> IntArray:
    cluster = np.arange(n, dtype=np.int64)
    cluster[components["row"].to_numpy(np.int64)] = components["label"].to_numpy(np.int64)
    return cluster
