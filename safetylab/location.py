"""Offline place names and offline maps for GPS coordinates.

A photo's GPS tag is just two numbers. This module turns them into something a
person can picture: the name of the nearest town and a small map. Everything
runs on this computer, with no network: the place list is the GeoNames
"cities1000" table (about 145,000 towns and villages of 1,000 people or more;
data by GeoNames, www.geonames.org, CC BY 4.0) that ships inside safetylab, in
``safetylab/data/places/`` with its attribution. Its rows run from south to
north, so the nearest town to one point is found by reading only the rows near
that latitude; the maps and :func:`nearby_places` read the whole list once, on
first use, and keep it in memory.

What this does *not* tell you: the place name is only the nearest town in the
list, so it sounds vaguer than the data really is. The coordinates in a photo
are usually accurate to a few metres -- enough to find a single house, school
or workplace. And removing GPS does not hide what the background shows.

Functions
---------
nearest_place
    The nearest listed town to a point, as a :class:`Place`.
nearby_places
    Listed towns within a distance of a point, nearest first.
place_name
    A short label such as ``"Vanves, Ile-de-France, FR"``, or ``None``.
format_coordinates
    ``"48.85837° N, 2.29448° E"``.
plot_location
    A world view and a close-up, drawn from the place list (no map tiles).
describe_location
    The plain-text description of that figure, for screen readers.
"""

from __future__ import annotations

import csv
import functools
import math
import mmap
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from safetylab.errors import SafetyLabError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy as np
    from matplotlib.figure import Figure

__all__ = [
    "Place",
    "PLACES_CSV",
    "BadCoordinatesError",
    "BadOptionError",
    "PlaceDataMissingError",
    "EARTH_RADIUS_KM",
    "nearest_place",
    "nearby_places",
    "place_name",
    "format_coordinates",
    "plot_location",
    "describe_location",
]

#: Mean Earth radius (IUGG), used for every distance in this module.
EARTH_RADIUS_KM = 6371.0088
#: The length of one degree of latitude, in km.
_KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
#: Beyond this many bytes of rows (about 20,000 places) a band of latitudes is not read
#: row by row: the whole list is searched at once, with numpy.
_MAX_SCAN_BYTES = 1_000_000

#: The place list shipped with safetylab (GeoNames cities1000, CC BY 4.0; see its README),
#: its rows sorted from south to north: one point is looked up without reading it all.
PLACES_CSV = Path(__file__).resolve().parent / "data" / "places" / "cities1000.csv"
_CSV_HEADER = "lat,lon,name,admin1,admin2,cc"

# Okabe-Ito colour-blind-safe palette.
_ORANGE = "#E69F00"
_BLUE = "#0072B2"
_GREY = "#9a9a9a"

_MAX_RADIUS_KM = 2000.0
_MIN_RADIUS_KM = 0.1
_LABELLED_PLACES = 5


class BadCoordinatesError(SafetyLabError):
    """Latitude or longitude is not a real position on Earth."""


class BadOptionError(SafetyLabError):
    """An option is out of range, e.g. a map's close-up size or a number of places."""


class PlaceDataMissingError(SafetyLabError):
    """The offline place list cannot be found or read."""


@dataclass(frozen=True)
class Place:
    """A listed town near a point, and how far it is from that point.

    Attributes
    ----------
    name, admin1, admin2 : str
        Town name, first-level region (state, province) and second-level region
        (county, district). Any may be empty.
    country_code : str
        ISO 3166 two-letter country code, e.g. ``"FR"``.
    lat, lon : float
        Where the town is, in degrees.
    distance_km : float
        Great-circle distance from the point that was looked up, in km.
    """

    name: str
    admin1: str
    admin2: str
    country_code: str
    lat: float
    lon: float
    distance_km: float

    @property
    def label(self) -> str:
        """Town, region and country, skipping empty or repeated parts.

        Examples
        --------
        >>> Place("Vanves", "Ile-de-France", "Hauts-de-Seine", "FR", 48.82, 2.29, 1.0).label
        'Vanves, Ile-de-France, FR'
        """
        parts: list[str] = []
        for part in (self.name, self.admin1, self.country_code):
            part = part.strip()
            if part and part not in parts:
                parts.append(part)
        return ", ".join(parts)


# --------------------------------------------------------------------------
# The place list: read once, on first use.


@dataclass(frozen=True, eq=False)
class _PlaceTable:
    """The place list in memory: coordinates as arrays, text rows parsed on demand."""

    lat: np.ndarray  # degrees, shape (n,)
    lon: np.ndarray  # degrees, shape (n,)
    xyz: np.ndarray  # unit vectors, shape (n, 3)
    rows: list[str]  # the CSV lines (no header), split only when needed
    source: Path

    def place(self, index: int, lat: float, lon: float) -> Place:
        """The row ``index`` as a :class:`Place`, with its distance to (lat, lon)."""
        return _place_from_row(self.rows[index], float(self.lat[index]), float(self.lon[index]), lat, lon)


def _place_from_row(row: str, plat: float, plon: float, lat: float, lon: float) -> Place:
    """One line of the place list (at ``plat``, ``plon``) as a :class:`Place`, with its distance to (lat, lon)."""
    _, _, name, admin1, admin2, cc = next(csv.reader([row]))
    return Place(
        name=name,
        admin1=admin1,
        admin2=admin2,
        country_code=cc,
        lat=plat,
        lon=plon,
        distance_km=_distance_km(lat, lon, plat, plon),
    )


class _SortedRows:
    """The place list's bytes, mapped from the file, not parsed: its rows run from south to
    north, so the rows near a latitude are found by bisection and only they are read.
    Looking up one point this way needs neither numpy nor the whole list in memory
    (``safetylab check`` looks up a few points; the map reads the whole list)."""

    def __init__(self, path: Path):
        with open(path, "rb") as handle:
            try:  # shared with every other process reading the list, and read only where looked at
                self.data: bytes | mmap.mmap = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except (ValueError, OSError):  # an empty file (or one that cannot be mapped)
                self.data = handle.read()
        first = self.data.find(b"\n")
        if first < 0 or self.data[:first].strip() != _CSV_HEADER.encode():
            raise PlaceDataMissingError(
                f"The offline place list {path.name} looks damaged; try reinstalling safetylab."
            )
        self.start, self.end = first + 1, len(self.data)

    def _south_edge(self, lat: float) -> int:
        """Where the first row at ``lat`` or further north starts (``end`` when there is none)."""
        data, lo, hi = self.data, self.start, self.end
        while lo < hi:  # lo is always a row's start; every row before it is south of lat
            mid = (lo + hi) // 2
            row = data.rfind(b"\n", self.start - 1, mid) + 1
            if float(data[row:data.find(b",", row)]) < lat:
                after = data.find(b"\n", mid)
                lo = self.end if after < 0 else after + 1
            else:
                hi = row
        return lo

    def span(self, south: float, north: float) -> int:
        """How many bytes of rows lie from ``south`` to ``north`` (degrees)."""
        return self._south_edge(math.nextafter(north, math.inf)) - self._south_edge(south)

    def between(self, south: float, north: float) -> Iterator[tuple[float, float, int]]:
        """``(lat, lon, where)`` of every row from ``south`` to ``north`` (degrees), south first."""
        data, end, at = self.data, self.end, self._south_edge(south)
        while at < end:
            stop = data.find(b"\n", at)
            stop = end if stop < 0 else stop
            comma = data.find(b",", at, stop)
            lat = float(data[at:comma])
            if lat > north:
                return
            yield lat, float(data[comma + 1:data.find(b",", comma + 1, stop)]), at
            at = stop + 1

    def row(self, where: int) -> str:
        """The text of the row that starts at byte ``where``."""
        stop = self.data.find(b"\n", where)
        return bytes(self.data[where:stop if stop >= 0 else self.end]).decode("utf-8").rstrip("\r")


@functools.cache
def _sorted_rows() -> _SortedRows:
    """The place list for looking up single points (mapped once per process)."""
    path = _find_csv()
    try:
        return _SortedRows(path)
    except OSError as err:
        raise PlaceDataMissingError(
            f"The offline place list {path.name} could not be read ({err}); try reinstalling safetylab."
        ) from None


def _find_csv() -> Path:
    """Where safetylab keeps its place list."""
    if not PLACES_CSV.is_file():
        raise PlaceDataMissingError(
            "The offline place list is missing from this installation of safetylab; "
            "reinstall safetylab to turn GPS into place names."
        )
    return PLACES_CSV


@functools.cache
def _place_table() -> _PlaceTable:
    """Read the place list once per process (about 0.1 s) and keep it."""
    import numpy as np

    path = _find_csv()
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            lines = handle.read().splitlines()
        if not lines or lines[0].strip() != _CSV_HEADER:
            raise ValueError("unexpected header")
        rows = lines[1:]
        # Latitude and longitude are never quoted, but names can be, so let
        # numpy's C parser (which understands quotes) read the two numbers.
        coords = np.loadtxt(
            rows, delimiter=",", usecols=(0, 1), quotechar='"', dtype=np.float64, ndmin=2
        )
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise PlaceDataMissingError(
            f"The offline place list {path.name} could not be read ({err}); "
            "try reinstalling safetylab."
        ) from None
    if len(coords) != len(rows) or len(rows) == 0:
        raise PlaceDataMissingError(
            f"The offline place list {path.name} looks damaged; "
            "try reinstalling safetylab."
        )
    lat = np.ascontiguousarray(coords[:, 0])
    lon = np.ascontiguousarray(coords[:, 1])
    xyz = _unit_vectors(lat, lon)
    for array in (lat, lon, xyz):
        array.flags.writeable = False  # the cache is shared: nobody may change it
    return _PlaceTable(lat=lat, lon=lon, xyz=xyz, rows=rows, source=path)


# --------------------------------------------------------------------------
# Small geometry helpers.


def _unit_vectors(lat, lon) -> np.ndarray:
    """Points on the unit sphere for latitudes/longitudes in degrees."""
    import numpy as np

    phi = np.radians(lat)
    lam = np.radians(lon)
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=-1)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points (haversine, plain floats)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (works on floats or numpy arrays)."""
    import numpy as np

    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    d = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


def _checked(lat, lon) -> tuple[float, float]:
    """Return (lat, lon) as floats, or raise BadCoordinatesError."""
    values = []
    for what, value, limit in (("latitude", lat, 90.0), ("longitude", lon, 180.0)):
        if isinstance(value, (bool, str, bytes)) or value is None:
            number = math.nan
        else:
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                number = math.nan
        if not math.isfinite(number) or abs(number) > limit:
            raise BadCoordinatesError(
                f"The {what} must be a number between -{limit:g} and {limit:g} "
                f"degrees; got {value!r}."
            )
        values.append(number)
    return values[0], values[1]


def _checked_radius(radius_km) -> float:
    """Return the close-up radius as a float, or raise BadOptionError."""
    radius = math.nan
    if not isinstance(radius_km, (bool, str, bytes)):
        try:
            radius = float(radius_km)
        except (TypeError, ValueError, OverflowError):
            pass
    if not _MIN_RADIUS_KM <= radius <= _MAX_RADIUS_KM:
        raise BadOptionError(
            f"The close-up size must be between {_MIN_RADIUS_KM:g} and "
            f"{_MAX_RADIUS_KM:g} km; got {radius_km!r}."
        )
    return radius


def _wrap_lon(lon):
    """Longitude folded into [-180, 180)."""
    import numpy as np

    return (np.asarray(lon) + 180.0) % 360.0 - 180.0


def _tick_label(value: float, positive: str, negative: str, *, wrap: bool = False) -> str:
    """An axis tick such as ``"30°N"`` or ``"120°W"`` (longitudes folded if asked)."""
    value = round(float(value), 6)
    if wrap and abs(value) != 180:
        value = round(float(_wrap_lon(value)), 6)
    if value == 0 or abs(value) == 180:
        return f"{abs(value):g}°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"


def _format_km(km: float) -> str:
    if km < 1:
        return "less than 1 km"
    if km < 10:
        return f"{km:.1f} km"
    return f"{km:,.0f} km"


# --------------------------------------------------------------------------
# Public look-ups.


def nearest_place(lat: float, lon: float) -> Place:
    """The listed town nearest to a point, by great-circle distance.

    Parameters
    ----------
    lat, lon : float
        Latitude in [-90, 90] and longitude in [-180, 180], in degrees.

    Returns
    -------
    Place
        The nearest town of about 1,000 people or more in the offline GeoNames
        list, with its distance from the point.

    Raises
    ------
    BadCoordinatesError
        If either value is not a finite number in range.
    PlaceDataMissingError
        If the offline place list is not installed.

    Notes
    -----
    The name is the nearest *town*, not an address: the point itself can be a
    precise house. The first call reads the list (about 0.1 s); later calls
    take well under a millisecond.

    Examples
    --------
    >>> place = nearest_place(48.85837, 2.294481)  # the Eiffel Tower
    >>> place.country_code, place.distance_km < 10
    ('FR', True)
    """
    lat, lon = _checked(lat, lon)
    rows = _sorted_rows()
    # A place d km away is at most d / _KM_PER_DEGREE degrees of latitude away, so once
    # the nearest place in a band of latitudes is nearer than the band's edges, no place
    # outside the band can be nearer. Longitude needs no band: the antimeridian and the
    # poles need no special cases. Far from any town (at sea) the band grows wide, and
    # the whole list is searched at once instead.
    phi = math.radians(lat)
    cos_phi = math.cos(phi)
    half = 0.05
    while True:
        south, north = lat - half, lat + half
        if rows.span(south, north) > _MAX_SCAN_BYTES:
            table = _place_table()
            return table.place(_nearest_index(table, lat, lon), lat, lon)
        best = None  # compared by the haversine formula's inner term: it grows with the distance
        for plat, plon, where in rows.between(south, north):
            p2 = math.radians(plat)
            a = (math.sin((p2 - phi) / 2) ** 2
                 + cos_phi * math.cos(p2) * math.sin(math.radians(plon - lon) / 2) ** 2)
            if best is None or a < best[0]:
                best = (a, plat, plon, where)
        everything = south <= -90 and north >= 90
        km = _distance_km(lat, lon, best[1], best[2]) if best else None
        if km is not None and (everything or km / _KM_PER_DEGREE <= half):
            return _place_from_row(rows.row(best[3]), best[1], best[2], lat, lon)
        if everything:
            raise PlaceDataMissingError(
                f"The offline place list {PLACES_CSV.name} is empty; try reinstalling safetylab."
            )
        half = km / _KM_PER_DEGREE if km is not None else half * 4


def _nearest_index(table: _PlaceTable, lat: float, lon: float) -> int:
    """The row of the place nearest to a point, searched in the whole list at once."""
    import numpy as np

    # The nearest point on a sphere is the one whose unit vector points most nearly the
    # same way: the largest dot product.
    return int(np.argmax(table.xyz @ _unit_vectors(lat, lon)))


def nearby_places(
    lat: float, lon: float, *, radius_km: float = 25, limit: int | None = 10
) -> list[Place]:
    """Listed towns within ``radius_km`` of a point, nearest first.

    Parameters
    ----------
    lat, lon : float
        The point, in degrees.
    radius_km : float, optional
        How far to look, between 0.1 and 2000 km.
    limit : int or None, optional
        Return at most this many places (``None`` for all of them).

    Returns
    -------
    list of Place
        Possibly empty, e.g. far out at sea.

    Examples
    --------
    >>> places = nearby_places(48.85837, 2.294481, radius_km=5, limit=3)
    >>> [p.distance_km <= 5 for p in places]
    [True, True, True]
    """
    lat, lon = _checked(lat, lon)
    radius = _checked_radius(radius_km)
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 0
    ):
        raise BadOptionError(
            f"The number of places must be a whole number, 0 or more; got {limit!r}."
        )
    table = _place_table()
    indices, distances = _within(table, lat, lon, radius)
    if limit is not None:
        indices = indices[: int(limit)]
    return [table.place(int(i), lat, lon) for i in indices]


def _within(table: _PlaceTable, lat: float, lon: float, radius_km: float):
    """Indices of places within radius_km, nearest first, and their distances."""
    import numpy as np

    cos_angle = np.clip(table.xyz @ _unit_vectors(lat, lon), -1.0, 1.0)
    # Cheap pre-filter on the dot product, exact distances only for the few left.
    widest = min(math.pi, 1.01 * radius_km / EARTH_RADIUS_KM)
    candidates = np.flatnonzero(cos_angle >= math.cos(widest))
    distances = _haversine_km(lat, lon, table.lat[candidates], table.lon[candidates])
    distances = np.atleast_1d(distances)
    keep = distances <= radius_km
    candidates, distances = candidates[keep], distances[keep]
    order = np.argsort(distances, kind="stable")
    return candidates[order], distances[order]


def place_name(lat: float, lon: float) -> str | None:
    """A short label for the nearest listed town, or ``None`` for invalid input.

    Parameters
    ----------
    lat, lon : float
        The point, in degrees.

    Returns
    -------
    str or None
        For example ``"Paris, Ile-de-France, FR"``; ``None`` when the
        coordinates are not a real position.

    Examples
    --------
    >>> place_name(48.85837, 2.294481).endswith("FR")
    True
    >>> place_name(123.0, 0.0) is None
    True
    """
    try:
        return nearest_place(lat, lon).label
    except BadCoordinatesError:
        return None


def format_coordinates(lat: float, lon: float) -> str:
    """Coordinates as people write them, to five decimals (about 1 m).

    Parameters
    ----------
    lat, lon : float
        The point, in degrees.

    Returns
    -------
    str

    Raises
    ------
    BadCoordinatesError
        If either value is not a finite number in range.

    Examples
    --------
    >>> format_coordinates(48.85837, 2.294481)
    '48.85837° N, 2.29448° E'
    >>> format_coordinates(-33.8568, -70.5)
    '33.85680° S, 70.50000° W'
    """
    lat, lon = _checked(lat, lon)

    def one(value: float, positive: str, negative: str) -> str:
        text = f"{abs(value):.5f}"
        # Decide the hemisphere after rounding, so -0.000001 reads "0.00000° N".
        hemisphere = negative if value < 0 and float(text) != 0 else positive
        return f"{text}° {hemisphere}"

    return f"{one(lat, 'N', 'S')}, {one(lon, 'E', 'W')}"


# --------------------------------------------------------------------------
# Offline maps.


@dataclass(frozen=True, eq=False)
class _View:
    """Everything the figure shows, worked out once, so the text matches the drawing."""

    lat: float
    lon: float
    radius_km: float
    nearest: Place
    label: str
    coords: str
    near_x: np.ndarray  # nearby places, longitude unwrapped around the point
    near_y: np.ndarray
    labelled: tuple[tuple[str, float, float], ...]  # (name, x, y)
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    @property
    def show_box(self) -> bool:
        """Whether the close-up area is big enough to outline on the world view."""
        return self.ylim[1] - self.ylim[0] >= 4


def _view(lat, lon, place, radius_km) -> _View:
    import numpy as np

    lat, lon = _checked(lat, lon)
    radius = _checked_radius(radius_km)
    if place is not None and not isinstance(place, str):
        raise BadCoordinatesError(f"The place name must be text; got {place!r}.")
    table = _place_table()
    nearest = nearest_place(lat, lon)
    label = place.strip() if place and place.strip() else nearest.label

    # The close-up is a box reaching radius_km north, south, east and west.
    dlat = math.degrees(radius / EARTH_RADIUS_KM)
    dlon = min(180.0, dlat / max(math.cos(math.radians(lat)), 0.02))
    ylim = (max(-90.0, lat - dlat), min(90.0, lat + dlat))
    xlim = (lon - dlon, lon + dlon)

    # Places in the box. Longitudes are unwrapped around the point so a
    # close-up across the antimeridian (179.9 / -179.9) stays in one piece.
    dx = _wrap_lon(table.lon - lon)
    in_box = (np.abs(dx) <= dlon) & (table.lat >= ylim[0]) & (table.lat <= ylim[1])
    idx = np.flatnonzero(in_box)
    near_x = lon + dx[idx]
    near_y = table.lat[idx]

    # Name the nearest few. Skip places crowded next to one already named, and
    # any whose label would cover another label or the photo's point.
    labelled: list[tuple[str, float, float]] = []
    if idx.size:
        distances = np.atleast_1d(_haversine_km(lat, lon, near_y, table.lon[idx]))
        free = np.ones(idx.size, dtype=bool)
        spacing = radius * 0.15
        width, height = xlim[1] - xlim[0], ylim[1] - ylim[0]
        taken = [(lon - 0.04 * width, lat - 0.05 * height, lon + 0.04 * width, lat + 0.05 * height)]
        for _ in range(60):
            if not free.any() or len(labelled) == _LABELLED_PLACES:
                break
            k = int(np.argmin(np.where(free, distances, np.inf)))
            free[k] = False
            x, y = float(near_x[k]), float(near_y[k])
            name = table.place(int(idx[k]), lat, lon).name
            box = _label_box(name, x, y, lon, lat, width, height)
            if labelled and any(_overlap(box, other) for other in taken):
                continue
            labelled.append((name, x, y))
            taken.append(box)
            free &= np.atleast_1d(_haversine_km(y, x, near_y, near_x)) >= spacing
    return _View(
        lat=lat,
        lon=lon,
        radius_km=radius,
        nearest=nearest,
        label=label,
        coords=format_coordinates(lat, lon),
        near_x=near_x,
        near_y=near_y,
        labelled=tuple(labelled),
        xlim=xlim,
        ylim=ylim,
    )


def _label_box(name, x, y, lon, lat, width, height) -> tuple[float, float, float, float]:
    """Roughly where a small label drawn by plot_location lands, in data units.

    Labels sit beside their dot, on the side away from the photo's point. The
    sizes are estimates for the default figure size; they only need to be good
    enough to keep labels from piling on top of each other.
    """
    w = (0.018 * len(name) + 0.02) * width
    h = 0.06 * height
    gap_x, gap_y = 0.01 * width, 0.01 * height
    x0 = x + gap_x if x >= lon else x - gap_x - w
    y0 = y + gap_y if y >= lat else y - gap_y - h
    return (x0, y0, x0 + w, y0 + h)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _describe(view: _View) -> str:
    from . import plain

    count = len(view.near_x)
    nearest = view.nearest
    if count:
        names = ", ".join(name for name, _, _ in view.labelled)
        closeup = (
            f"Right: a close-up reaching about {view.radius_km:g} km from the point, "
            f"with {count:,} listed place{'s' if count != 1 else ''} shown as blue dots; "
            f"labelled: {names}."
        )
    else:
        closeup = (
            f"Right: a close-up reaching about {view.radius_km:g} km from the point; "
            "no listed places fall inside it (it may be sea, wilderness or a sparsely "
            "populated area)."
        )
    box = " and a blue box shows the close-up area" if view.show_box else ""
    return (
        f"Two maps of the point {view.coords}, near {plain.place(view.label)}, drawn offline "
        "from the GeoNames list of towns with no map service. "
        "Left: a world map in which each grey dot is a town, so the dots trace the "
        f"continents; an orange circle marks the point{box}. {closeup} "
        f"The nearest listed town is {plain.place(nearest.label)}, {_format_km(nearest.distance_km)} away. "
        "The coordinates themselves are far more precise than the town name."
    )


def describe_location(
    lat: float, lon: float, *, place: str | None = None, radius_km: float = 25
) -> str:
    """A plain-text description of :func:`plot_location`'s figure.

    This is the figure's text alternative, for screen readers and for anyone
    who cannot see the map. It is the same text the figure carries as
    ``fig.text_alternative``.

    Parameters
    ----------
    lat, lon : float
        The point, in degrees.
    place : str, optional
        A label to use instead of the nearest town's.
    radius_km : float, optional
        How far the close-up reaches from the point, in km.

    Returns
    -------
    str

    Examples
    --------
    >>> "48.85837° N" in describe_location(48.85837, 2.294481)
    True
    """
    return _describe(_view(lat, lon, place, radius_km))


def plot_location(
    lat: float,
    lon: float,
    *,
    place: str | None = None,
    radius_km: float = 25,
    fig: Figure | None = None,
) -> Figure:
    """Draw where a point is: a world view and a close-up, with no map tiles.

    The maps are made of the offline place list itself: every town is a dot, so
    the world view shows the continents and the close-up shows the towns
    around the point. Nothing is downloaded.

    Parameters
    ----------
    lat, lon : float
        The point, in degrees.
    place : str, optional
        A label for the title (default: the nearest town's label).
    radius_km : float, optional
        How far the close-up reaches from the point, between 0.1 and 2000 km.
    fig : matplotlib.figure.Figure, optional
        Draw into this figure; it is cleared first. By default a new figure
        is made (no pyplot, so it works headless and in notebooks).

    Returns
    -------
    matplotlib.figure.Figure
        With two axes (world, close-up) and a ``text_alternative`` attribute
        holding the same text as :func:`describe_location`.

    Examples
    --------
    >>> fig = plot_location(48.85837, 2.294481)
    >>> len(fig.axes), "Paris" in fig.text_alternative
    (2, True)
    """
    import numpy as np

    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    view = _view(lat, lon, place, radius_km)
    table = _place_table()

    if fig is None:
        # A fixed layout: as clear as "constrained" here, and 0.1 s faster to draw.
        fig = Figure(figsize=(11, 4.6))
        fig.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.84, wspace=0.22)
    else:
        fig.clear()
    world, close = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.7, 1]})

    lon_ticks = FuncFormatter(lambda x, _: _tick_label(x, "E", "W", wrap=True))
    lat_ticks = FuncFormatter(lambda y, _: _tick_label(y, "N", "S"))
    photo_style = dict(
        linestyle="none", marker="o", markersize=10, markerfacecolor=_ORANGE,
        markeredgecolor="black", markeredgewidth=1.5, zorder=5,
    )

    # World view: every listed town as a tiny grey dot.
    world.plot(table.lon, table.lat, linestyle="none", marker=",", color=_GREY, rasterized=True)
    x0, x1 = view.xlim
    y0, y1 = view.ylim
    if view.show_box:  # a smaller box would hide under the marker
        box_x0 = float(_wrap_lon(x0)) if x1 - x0 < 360 else -180.0
        world.add_patch(
            Rectangle((box_x0, y0), min(360.0, x1 - x0), y1 - y0, fill=False,
                      edgecolor=_BLUE, linewidth=1.5, zorder=4, label="Close-up area")
        )
    world.plot([view.lon], [view.lat], label="The photo's point", clip_on=False, **photo_style)
    world.set(xlim=(-180, 180), ylim=(-90, 90), aspect="equal",
              xlabel="Longitude", ylabel="Latitude", title="Where in the world")
    world.set_xticks(range(-180, 181, 60))
    world.set_yticks(range(-90, 91, 30))
    world.xaxis.set_major_formatter(lon_ticks)
    world.yaxis.set_major_formatter(lat_ticks)
    world.legend(loc="lower left", fontsize="small", framealpha=0.9)
    world.text(0.99, 0.01, "Place data: GeoNames (CC BY 4.0)", transform=world.transAxes,
               ha="right", va="bottom", fontsize="x-small", color="#555555")

    # Close-up: nearby towns as blue dots, the nearest few named.
    dot_size = float(np.clip(4 * math.sqrt(1500 / max(len(view.near_x), 1)), 1, 4))
    close.plot(view.near_x, view.near_y, linestyle="none", marker="o", markersize=dot_size,
               color=_BLUE, alpha=0.75, label="Listed towns")
    for name, x, y in view.labelled:
        # Push each name away from the photo's point so the marker stays clear.
        right, up = x >= view.lon, y >= view.lat
        close.annotate(name, (x, y), xytext=(5 if right else -5, 5 if up else -5),
                       textcoords="offset points", ha="left" if right else "right",
                       va="bottom" if up else "top", fontsize="small", color="#222222",
                       bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    close.plot([view.lon], [view.lat], label="The photo's point", clip_on=False, **photo_style)
    if not view.labelled:
        close.text(0.5, 0.35, f"No listed towns within {view.radius_km:g} km",
                   transform=close.transAxes, ha="center", fontsize="small", color="#555555")
    close.set(xlim=view.xlim, ylim=view.ylim, xlabel="Longitude", ylabel="Latitude",
              title=f"Close-up: about {view.radius_km:g} km around")
    # Keep distances honest: a degree of longitude shrinks away from the equator.
    close.set_aspect(1 / max(math.cos(math.radians(view.lat)), 0.02), adjustable="box")
    close.xaxis.set_major_locator(MaxNLocator(nbins=4))
    close.xaxis.set_major_formatter(lon_ticks)
    close.yaxis.set_major_formatter(lat_ticks)
    close.tick_params(labelsize="small")
    close.legend(loc="lower left", fontsize="small", framealpha=0.9)

    fig.suptitle(f"Near {view.label} \u2014 {view.coords}")
    fig.text_alternative = _describe(view)
    return fig
