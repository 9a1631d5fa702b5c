"""The ledger is append-only: in the model, the queryset and the database itself."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from refuge.movements.models import LedgerIsAppendOnly, Movement
from refuge.shelters.actions import Arrival, do_check_in
from refuge.shelters.models import Shelter


def test_a_recorded_event_cannot_be_changed_or_deleted(register):
    register(1)
    event = Movement.objects.first()
    event.note = "edited"
    with pytest.raises(LedgerIsAppendOnly):
        event.save()
    with pytest.raises(LedgerIsAppendOnly):
        event.delete()
    with pytest.raises(LedgerIsAppendOnly):
        Movement.objects.filter(pk=event.pk).update(note="edited")
    with pytest.raises(LedgerIsAppendOnly):
        Movement.objects.all().delete()


def test_the_database_refuses_a_raw_update(register):
    register(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE movements_movement SET note = 'edited'")
    assert not Movement.objects.filter(note="edited").exists()


def test_reconcile_finds_and_fixes_a_wrong_cache(register, shelter, capsys):
    from refuge.conftest import msk

    household = register(3, destination="shelter")
    do_check_in([Arrival(household=household, shelter=shelter, at=msk(10, 16))])
    call_command("reconcile")
    assert "agree with the ledger" in capsys.readouterr().out
    Shelter.objects.filter(pk=shelter.pk).update(occupancy=7)
    with pytest.raises(CommandError, match="1 of 1 shelters disagree"):
        call_command("reconcile")
    call_command("reconcile", "--fix")
    shelter.refresh_from_db()
    assert shelter.occupancy == 3
