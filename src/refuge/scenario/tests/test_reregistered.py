"""`--reregistered`: families registered twice, and a review queue worth reading.

The same three properties docs/LINKAGE.md measures at scale 1 (bench/reregistration.py),
on a twentieth of the scenario: the scan finds at least 97 % of the second registrations,
queues at most 3 pairs per true duplicate, and almost none between members of one household.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from refuge.registry.models import Household, Person
from refuge.scenario import kursk2024
from refuge.scenario.duplicates import queue_figures, reregistered_persons
from refuge.tracing.actions import do_scan_registry


@pytest.mark.slow
@pytest.mark.django_db
def test_the_scan_finds_the_reregistered_without_flooding_the_queue() -> None:
    operation = kursk2024.load(scale=0.05, reregistered=0.02, progress=lambda _: None)
    truth = reregistered_persons(operation)
    persons = Person.objects.count()
    assert 0.01 * persons < len(truth) < 0.04 * persons
    first, second = (Person.objects.select_related("household").get(pk=i) for i in truth[0])
    assert first.household.reception_point_id != second.household.reception_point_id
    assert second.household.registered_at > first.household.registered_at
    do_scan_registry(operation=operation)
    figures = queue_figures(operation)
    assert figures.found_share >= 0.97, figures
    assert figures.pairs_per_duplicate <= 3, figures
    assert figures.same_household_share <= 0.01, figures


@pytest.mark.django_db
def test_without_the_option_nobody_is_registered_twice() -> None:
    operation = kursk2024.load(scale=0.01, progress=lambda _: None)
    assert reregistered_persons(operation) == []
    assert Household.objects.filter(idempotency_key__isnull=False).count() == 0


@pytest.mark.django_db
def test_a_share_outside_zero_to_one_is_refused_before_anything_is_written() -> None:
    with pytest.raises(CommandError, match="--reregistered must be a share from 0 to 1, not 2.0"):
        call_command("scenario", "load", "kursk-2024", "--reregistered", "2")
    assert not Household.objects.exists()
