"""Fellegi-Sunter model: m and u probabilities per comparison level, and match weights.

As Splink does it: u (how often non-matches land on a level) from comparisons of
random record pairs, m (how often matches do) by expectation maximisation over the
blocked candidate pairs with u held fixed. EM runs over distinct comparison patterns
with their counts, so a million candidate pairs cost a few thousand pattern rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from refuge.core.linkage.comparisons import (
    COMPARISONS,
    CONTRADICTIONS,
    LEVELS,
    NULL,
    ComparisonVectors,
    compare,
)
from refuge.core.linkage.features import FeatureTable, IntArray

FloatArray = npt.NDArray[np.float64]
_FLOOR = 1e-6
# No level is impossible for a true match: clerks mistype and leave out everything. A
# floor on m keeps one disagreeing field from vetoing a pair by itself (|weight| stays
# below ~9 bits) when the training data happen to contain no example of it.
M_FLOOR = 0.002


@dataclass(frozen=True, slots=True)
class LinkageModel:
    """Trained parameters; `prior` is the share of matches among candidate pairs."""

    m: dict[str, tuple[float, ...]]
    u: dict[str, tuple[float, ...]]
    prior: float
    em_iterations: int = 0
    weights: dict[str, FloatArray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {
            name: np.log2(np.maximum(self.m[name], _FLOOR) / np.maximum(self.u[name], _FLOOR))
            for name in COMPARISONS
        }
        object.__setattr__(self, "weights", table)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1.0 - self.prior))

    def against(self, records: int, trained_on: int) -> LinkageModel:
        """This model for a record checked against a registry of `records` persons.

        The prior is the share of matches among all pairs of the `trained_on` training
        records, so each record there matched about prior × (trained_on − 1) others. A
        person arriving at a desk has no more true matches in a larger registry, spread
        over more pairs: the prior per pair shrinks in proportion (as Splink's
        probability that two random records match does with the size of the data). It
        is never raised: a small registry is no reason to warn more readily than the
        model was trained to.
        """
        if records <= trained_on:
            return self
        return replace(self, prior=self.prior * (trained_on - 1) / (records - 1))

    def level_weights(self, vectors: ComparisonVectors) -> FloatArray:
        """Weight contributed by each comparison for each pair (0 where NULL)."""
        out = np.zeros(vectors.levels.shape, dtype=np.float64)
        for col, name in enumerate(COMPARISONS):
            level = vectors.levels[:, col].astype(np.int64)
            known = level != NULL
            out[known, col] = self.weights[name][level[known]]
        return out

    def match_weight(self, vectors: ComparisonVectors) -> FloatArray:
        result: FloatArray = self.level_weights(vectors).sum(axis=1) + self.prior_weight
        return result


def probability(weight: FloatArray) -> FloatArray:
    result: FloatArray = 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))
    return result


def _initial_m() -> dict[str, FloatArray]:
    start: dict[str, FloatArray] = {}
    for name, levels in LEVELS.items():
        guess = np.array([4.0**-pos for pos in range(len(levels))])
        if name in CONTRADICTIONS:
            guess[list(CONTRADICTIONS[name])] = 0.001
        start[name] = guess / guess.sum()
    return start


def level_frequencies(vectors: ComparisonVectors) -> dict[str, FloatArray]:
    """Share of non-NULL comparisons on each level (Laplace-smoothed)."""
    freq: dict[str, FloatArray] = {}
    for col, name in enumerate(COMPARISONS):
        level = vectors.levels[:, col].astype(np.int64)
        counts = np.bincount(level[level != NULL], minlength=len(LEVELS[name])).astype(float)
        freq[name] = (counts + 0.5) / (counts.sum() + 0.5 * len(counts))
    return freq


def estimate_u(
    table: FeatureTable, max_pairs: int = 400_000, seed: int = 7
) -> dict[str, FloatArray]:
    """u probabilities from random pairs, which are almost all non-matches."""
    left, right = random_pairs(len(table), max_pairs, seed)
    return level_frequencies(compare(table, left, table, right))


def random_pairs(n: int, max_pairs: int = 400_000, seed: int = 7) -> tuple[IntArray, IntArray]:
    """The random row pairs `estimate_u` compares (the Spark engine draws the same)."""
    rng = np.random.default_rng(seed)
    count = min(max_pairs, n * (n - 1) // 2)
    left = rng.integers(0, n, size=count)
    right = rng.integers(0, n - 1, size=count)
    right = right + (right >= left)
    return left, right


def _patterns(vectors: ComparisonVectors) -> tuple[IntArray, IntArray]:
    """Distinct comparison patterns (levels shifted so NULL is 0) and their counts."""
    unique, counts = np.unique(_pattern_codes(vectors.levels), return_counts=True)
    return _decode_patterns(unique, vectors.levels.shape[1]), counts


def pattern_counts(patterns: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """Patterns counted elsewhere (by the Spark engine, in any order, maybe repeated) in the
    order and form `_patterns` gives, so EM sums them in the same order."""
    unique, inverse = np.unique(_pattern_codes(patterns), return_inverse=True)
    summed = np.zeros(len(unique), dtype=np.int64)
    np.add.at(summed, inverse.reshape(-1), counts)
    return _decode_patterns(unique, patterns.shape[1]), summed


_RADIX = 8


def _pattern_codes(levels: np.ndarray) -> IntArray:
    shifted = levels.astype(np.int64) + 1
    code = np.zeros(len(shifted), dtype=np.int64)
    for col in range(shifted.shape[1]):
        code = code * _RADIX + shifted[:, col]
    return code


def _decode_patterns(unique: IntArray, width: int) -> IntArray:
    radix = _RADIX
    patterns = np.zeros((len(unique), width), dtype=np.int64)
    rest = unique.copy()
    for col in reversed(range(width)):
        patterns[:, col] = rest % radix
        rest //= radix
    result: IntArray = patterns - 1
    return result


def _level_shares(patterns: IntArray, weights: FloatArray) -> dict[str, FloatArray]:
    shares: dict[str, FloatArray] = {}
    for col, name in enumerate(COMPARISONS):
        level = patterns[:, col]
        known = level != NULL
        sums = np.bincount(level[known], weights=weights[known], minlength=len(LEVELS[name]))
        shares[name] = (sums + 1e-3) / (sums.sum() + 1e-3 * len(sums))
    return shares


@dataclass(frozen=True, slots=True)
class Session:
    """An EM session: candidate pairs agreeing on `conditioned` comparisons (at the given
    levels), which are therefore left out of the likelihood and not estimated."""

    name: str
    conditioned: dict[str, tuple[int, ...]]


# Like Splink's advice to train with several blocking rules: m for the name comparisons
# comes from pairs born on one day, m for the birth date from pairs with one name.
SESSIONS: tuple[Session, ...] = (
    Session("same-birth-date", {"birth_date": (0,)}),
    Session("same-name", {"given_name": (0, 1), "family_name": (0, 1)}),
)


def _at_least(shares: dict[str, FloatArray], floor: float) -> dict[str, FloatArray]:
    return {name: np.maximum(v, floor) / np.maximum(v, floor).sum() for name, v in shares.items()}


def _em(
    patterns: IntArray, counts: IntArray, columns: list[int], u_start: dict[str, FloatArray],
    iterations: int,
) -> tuple[dict[str, FloatArray], float, int]:  # fmt: skip
    names = [COMPARISONS[c] for c in columns]
    m = _initial_m()
    u = {name: values.copy() for name, values in u_start.items()}
    prior, done = 0.5, 0
    for step in range(1, iterations + 1):
        done = step
        log_m = np.full(len(patterns), math.log(prior))
        log_u = np.full(len(patterns), math.log(1 - prior))
        for col, name in zip(columns, names, strict=True):
            level = patterns[:, col]
            known = level != NULL
            log_m[known] += np.log(np.maximum(m[name][level[known]], _FLOOR))
            log_u[known] += np.log(np.maximum(u[name][level[known]], _FLOOR))
        posterior = 1.0 / (1.0 + np.exp(np.clip(log_u - log_m, -700, 700)))
        new_m = _at_least(_level_shares(patterns, posterior * counts), M_FLOOR)
        u = _level_shares(patterns, (1.0 - posterior) * counts)
        prior = min(max(float((posterior * counts).sum() / counts.sum()), 1e-6), 1 - 1e-6)
        shift = max(float(np.abs(new_m[n] - m[n]).max()) for n in names)
        m = new_m
        if shift < 1e-5:
            break
    return m, prior, done


def estimate_m(
    vectors: ComparisonVectors,
    u_random: dict[str, FloatArray],
    records: int,
    iterations: int = 60,
) -> LinkageModel:
    """m by expectation maximisation in sessions, and the prior from the first session.

    Blocked non-matches are not random non-matches (each agrees on a blocking field,
    households on several), so within a session EM estimates the non-match levels of
    those pairs itself, starting from the random-pair u; scoring keeps the random-pair u,
    the one the Fellegi-Sunter weight is defined on.
    """
    patterns, counts = _patterns(vectors)
    return estimate_m_from_patterns(patterns, counts, u_random, records, iterations)


def estimate_m_from_patterns(
    patterns: IntArray, counts: IntArray, u_random: dict[str, FloatArray], records: int,
    iterations: int = 60,
) -> LinkageModel:  # fmt: skip
    """`estimate_m` from the distinct patterns and their counts (as `_patterns` gives them)."""
    estimates: dict[str, list[FloatArray]] = {name: [] for name in COMPARISONS}
    matches: list[float] = []
    done = 0
    for session in SESSIONS:
        inside = np.ones(len(patterns), dtype=bool)
        for name, levels in session.conditioned.items():
            inside &= np.isin(patterns[:, COMPARISONS.index(name)], levels)
        if counts[inside].sum() == 0:
            continue
        free = [c for c, name in enumerate(COMPARISONS) if name not in session.conditioned]
        m, prior, steps = _em(patterns[inside], counts[inside], free, u_random, iterations)
        done += steps
        for c in free:
            estimates[COMPARISONS[c]].append(m[COMPARISONS[c]])
        matches.append(
            _implied_matches(session, prior * counts[inside].sum(), estimates, patterns, counts)
        )
    m_final = {
        name: np.mean(found, axis=0) if found else _initial_m()[name]
        for name, found in estimates.items()
    }
    pairs = records * (records - 1) / 2
    prior_random = min(max(float(np.mean(matches)) / pairs, 1e-12), 0.5) if matches else 1e-6
    return LinkageModel(
        m={n: tuple(float(x) for x in m_final[n]) for n in COMPARISONS},
        u={n: tuple(float(x) for x in u_random[n]) for n in COMPARISONS},
        prior=prior_random,
        em_iterations=done,
    )


def _implied_matches(
    session: Session, matches_in_session: float, estimates: dict[str, list[FloatArray]],
    patterns: IntArray, counts: IntArray,
) -> float:  # fmt: skip
    """Scale matches found inside a session up to all matches: divide by the chance that a
    match satisfies the session's condition (m of the conditioned levels, times the share
    of pairs where that field is filled in on both sides)."""
    share = 1.0
    for name, levels in session.conditioned.items():
        col = COMPARISONS.index(name)
        filled = float(counts[patterns[:, col] != NULL].sum() / counts.sum())
        m = estimates[name][0] if estimates[name] else _initial_m()[name]
        share *= float(m[list(levels)].sum()) * max(filled, 1e-3)
    return matches_in_session / max(share, 1e-6)
