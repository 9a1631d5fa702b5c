"""Tracing: finding the same person across registrations (record linkage lives in core)."""
