"""Synthetic evacuee population for scenarios and benchmarks (pure, deterministic)."""
