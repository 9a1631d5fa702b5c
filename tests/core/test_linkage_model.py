"""The model checked against a registry larger than the one it was trained on."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refuge.core.linkage.engine import REFERENCE_RECORDS, reference_model
from refuge.core.linkage.model import LinkageModel

TRAINED = REFERENCE_RECORDS


@pytest.fixture(scope="module")
def model() -> LinkageModel:
    return reference_model()


def test_against_a_registry_ten_times_larger_the_prior_is_a_tenth(model: LinkageModel) -> None:
    scaled = model.against(10 * (REFERENCE_RECORDS - 1) + 1, REFERENCE_RECORDS)
    assert scaled.prior == pytest.approx(model.prior / 10)
    assert scaled.prior_weight == pytest.approx(model.prior_weight - math.log2(10), abs=1e-3)
    # Only the prior moves: every level weighs what it did.
    for name, weights in model.weights.items():
        assert (scaled.weights[name] == weights).all()


def test_a_small_registry_does_not_raise_the_prior(model: LinkageModel) -> None:
    assert model.against(500, REFERENCE_RECORDS) is model
    assert model.against(REFERENCE_RECORDS, REFERENCE_RECORDS) is model


@given(st.integers(1, 10**8), st.integers(1, 10**8))
def test_a_larger_registry_never_makes_a_pair_likelier(model: LinkageModel, a: int, b: int) -> None:
    small, large = sorted((a, b))
    assert model.against(large, TRAINED).prior <= model.against(small, TRAINED).prior
