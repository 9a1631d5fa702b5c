"""Status and capacity changes keep their history and never strand anyone."""

import pytest

from refuge.conftest import msk
from refuge.shelters.actions import Arrival, ShelterRefused, do_change_status, do_check_in
from refuge.shelters.models import ShelterChange, Status


def test_a_shelter_with_people_inside_cannot_close(register, shelter):
    household = register(2, destination="shelter")
    do_check_in([Arrival(household=household, shelter=shelter, at=msk(10, 16))])
    with pytest.raises(ShelterRefused, match="2 people inside"):
        do_change_status(shelter=shelter, status=Status.CLOSED, at=msk(11), reason="front")
    shelter.refresh_from_db()
    assert shelter.status == Status.OPEN
    assert not ShelterChange.objects.filter(shelter=shelter, status=Status.CLOSED).exists()


def test_capacity_cannot_drop_below_the_people_inside(register, shelter):
    household = register(3, destination="shelter")
    do_check_in([Arrival(household=household, shelter=shelter, at=msk(10, 16))])
    with pytest.raises(ShelterRefused, match="more people inside than 2"):
        do_change_status(shelter=shelter, status=Status.OPEN, at=msk(11), capacity=2)
    do_change_status(shelter=shelter, status=Status.OPEN, at=msk(11), capacity=3, reason="heating")
    assert list(shelter.changes.values_list("status", "capacity"))[-1] == ("open", 3)


def test_an_empty_shelter_closes_with_its_reason_on_record(shelter):
    do_change_status(shelter=shelter, status=Status.CLOSED, at=msk(12), reason="front nearby")
    last = shelter.changes.last()
    assert (last.status, last.reason) == ("closed", "front nearby")
