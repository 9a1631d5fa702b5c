import pytest
from hypothesis import given
from hypothesis import strategies as st

from refuge.core.geodesy import distance_to_polyline_km, great_circle_km

KURSK = (51.7304, 36.1926)
MOSCOW = (55.7558, 37.6173)


def test_kursk_to_moscow_is_about_460_km():
    assert great_circle_km(KURSK, MOSCOW) == pytest.approx(458, abs=5)


def test_distance_to_a_polyline_uses_the_nearest_segment():
    line = [(51.0, 35.0), (51.0, 36.0)]  # an east-west line
    # 0.1 degree of latitude north of its middle: about 11.1 km.
    assert distance_to_polyline_km((51.1, 35.5), line) == pytest.approx(11.1, abs=0.1)
    # Beyond the east end, the distance is to the end point.
    assert distance_to_polyline_km((51.0, 36.5), line) == pytest.approx(
        great_circle_km((51.0, 36.5), (51.0, 36.0)), rel=0.01
    )


def test_an_empty_polyline_is_an_error():
    with pytest.raises(ValueError):
        distance_to_polyline_km(KURSK, [])


lat = st.floats(min_value=-80, max_value=80)
lon = st.floats(min_value=-179, max_value=179)


@given(lat, lon, lat, lon)
def test_great_circle_is_symmetric_and_non_negative(a1, o1, a2, o2):
    d = great_circle_km((a1, o1), (a2, o2))
    assert d >= 0
    assert d == pytest.approx(great_circle_km((a2, o2), (a1, o1)))
