from refuge.conftest import msk
from refuge.geo.models import Settlement
from refuge.operations.models import EvacuationOrder
from refuge.operations.selectors import covered_settlements, districts_under_orders


def test_a_border_band_covers_only_settlements_within_its_distance(operation):
    band = EvacuationOrder.objects.filter(operation=operation, scope="border_band").first()
    covered = set(covered_settlements(band))
    assert covered
    assert all(s.border_km <= band.within_km for s in covered)
    districts = set(band.districts.all())
    further = Settlement.objects.filter(district__in=districts, border_km__gt=band.within_km)
    assert further.exists() and not covered & set(further)


def test_nine_municipalities_are_under_orders_by_19_august(operation):
    names = [d.name_en for d in districts_under_orders(operation, msk(19, 8))]
    assert len(names) == 9
    assert {"Sudzhansky", "Korenevsky", "Glushkovsky"} <= set(names)
    assert len(districts_under_orders(operation, msk(7, 12))) < 9
