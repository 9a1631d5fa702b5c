from refuge.core.hull import convex_hull, ring

# Settlements of Sudzhansky district, (lon, lat): Goncharovka, Plekhovo, Malaya Loknya around
# the town of Sudzha, which lies inside the hull they form.
SUDZHA = [(35.1450, 51.2110), (35.3390, 51.0030), (35.4700, 51.2560)]
INSIDE = (35.2722, 51.1906)


def test_the_hull_leaves_out_the_points_inside() -> None:
    corners = convex_hull([*SUDZHA, INSIDE, SUDZHA[0]])
    assert sorted(corners) == sorted(SUDZHA)


def test_a_ring_is_closed_and_runs_counter_clockwise() -> None:
    r = ring(SUDZHA)
    assert r is not None and r[0] == r[-1]
    area2 = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(r, r[1:], strict=False))
    assert area2 > 0


def test_points_in_a_line_or_alone_have_no_outline() -> None:
    assert ring([(35.0, 51.0), (35.1, 51.1), (35.2, 51.2)]) is None
    assert ring([(35.0, 51.0)]) is None
    assert convex_hull([]) == []
