"""Coordinate systems used by Chinese web maps, and map links for service pages.

Service records may carry ``location: {lat, lon, crs}`` where ``crs`` is one of:

* ``wgs84`` - plain GPS / browser Geolocation coordinates.
* ``gcj02`` - the obfuscated datum mandated for published maps in mainland
  China ("Mars coordinates"); used by Amap (Gaode), Tencent Maps and Apple
  Maps' mainland China data.
* ``bd09``  - Baidu's extra obfuscation on top of GCJ-02 (``bd09ll``).

All functions take and return ``(lat, lon)`` in decimal degrees, latitude
first, whatever order a particular map API uses in its URLs.

The GCJ-02 forward transform is the widely published "leaked" algorithm
(Krasovsky 1940 ellipsoid constants).  It has no closed-form inverse, so the
inverses here solve ``forward(x) == y`` by fixed-point iteration until the
residual is below ``_INVERSE_TOL`` degrees, instead of the common one-step
approximation ``y - (forward(y) - y)``, which is off by up to ~1e-5 degree
(1-2 m).

Pure module: stdlib only, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from urllib.parse import quote

__all__ = [
    "CRS",
    "MapLink",
    "Point",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "convert",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china_bbox",
    "map_links",
    "point",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

CRS = ("wgs84", "gcj02", "bd09")

# --- China's bounding box (the data contract) --------------------------------
# Amap's URI API documentation (https://lbs.amap.com/api/uri-api/gettingstarted)
# states China's extent as 73°33'E..135°05'E, 3°51'N..53°33'N.  It contains
# the usual textbook extreme points (Zengmu Ansha 3°52'N, Mohe 53°33'N,
# Pamirs 73°40'E, Heixiazi Island ~135°05'E) and is what the map provider we
# link to documents, so it is the contract used here.  Bounds are inclusive.
CHINA_BBOX_LAT = (3 + 51 / 60, 53 + 33 / 60)  # (3.85, 53.55)
CHINA_BBOX_LON = (73 + 33 / 60, 135 + 5 / 60)  # (73.55, 135.0833...)

# --- GCJ-02 constants ----------------------------------------------------------
# Krasovsky 1940 ellipsoid: semi-major axis and first eccentricity squared.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

# The rough "out of China" rectangle that the GCJ-02 algorithm traditionally
# uses (eviltransform, coordtransform, PRCoords ...).  Outside it no offset
# is applied.  It is deliberately *not* the same box as in_china_bbox(): it
# reproduces what the reference implementations (and so the map providers'
# published conversions) do.
_GCJ_LAT = (0.8293, 55.8271)
_GCJ_LON = (72.004, 137.8347)

# --- BD-09 constants -------------------------------------------------------------
_X_PI = math.pi * 3000.0 / 180.0
_BD_DLAT = 0.006
_BD_DLON = 0.0065

# Inverse transforms iterate until the forward residual is below this many
# degrees (~0.01 mm); in practice 3-6 iterations.
_INVERSE_TOL = 1e-11
_MAX_ITER = 30

# Source identifier sent to the map providers' URI APIs.
SRC = "site-builder"


# ----------------------------------------------------------------------------
# Validation helpers
# ----------------------------------------------------------------------------


def _check(lat, lon) -> tuple[float, float]:
    """Validate a coordinate pair and return it as floats."""
    for name, value in (("lat", lat), ("lon", lon)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{name} must be a real number, got {value!r}")
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"coordinates must be finite, got ({lat}, {lon})")
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude out of range: {lat}")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude out of range: {lon}")
    return lat, lon


def _check_crs(crs: str) -> str:
    if crs not in CRS:
        raise ValueError(f"unknown CRS {crs!r}; expected one of {CRS}")
    return crs


# ----------------------------------------------------------------------------
# Bounding boxes
# ----------------------------------------------------------------------------


def in_china_bbox(lat, lon) -> bool:
    """True if (lat, lon) lies inside China's bounding box (inclusive).

    This is a rectangle, not a border test: parts of neighbouring countries
    are inside it.  It is the sanity check for service records, which must
    all be in China.
    """
    lat, lon = _check(lat, lon)
    return (
        CHINA_BBOX_LAT[0] <= lat <= CHINA_BBOX_LAT[1]
        and CHINA_BBOX_LON[0] <= lon <= CHINA_BBOX_LON[1]
    )


def _gcj_applies(lat: float, lon: float) -> bool:
    """The traditional rough box inside which GCJ-02 / BD-09 offsets apply."""
    return _GCJ_LAT[0] <= lat <= _GCJ_LAT[1] and _GCJ_LON[0] <= lon <= _GCJ_LON[1]


# ----------------------------------------------------------------------------
# WGS-84 <-> GCJ-02
# ----------------------------------------------------------------------------


def _gcj_offset(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 offset (dlat, dlon) in degrees at a WGS-84 point (no box check)."""
    x = lon - 105.0
    y = lat - 35.0
    # Shared periodic term, in metres-ish units as in the original algorithm.
    periodic = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    sqrt_abs_x = math.sqrt(abs(x))

    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat += periodic
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0

    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon += periodic
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0

    # Convert arc lengths (metres) to degrees on the Krasovsky ellipsoid.
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _GCJ_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlat, dlon


def _wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if not _gcj_applies(lat, lon):
        return lat, lon
    dlat, dlon = _gcj_offset(lat, lon)
    return lat + dlat, lon + dlon


def wgs84_to_gcj02(lat, lon) -> tuple[float, float]:
    """WGS-84 -> GCJ-02.  Identity outside the traditional rough China box."""
    return _wgs84_to_gcj02(*_check(lat, lon))


def _invert(forward, lat: float, lon: float, guess: tuple[float, float]) -> tuple[float, float]:
    """Solve forward(x) == (lat, lon) by fixed-point iteration from ``guess``.

    The obfuscations are close to a translation (their Jacobian is within a
    few percent of the identity), so x <- x - (forward(x) - target) converges
    geometrically.  Returns the iterate with the smallest residual seen, which
    only matters in degenerate spots (e.g. straddling the edge of the rough
    box, far from any Chinese territory).
    """
    best = guess
    best_err = math.inf
    x_lat, x_lon = guess
    for _ in range(_MAX_ITER):
        f_lat, f_lon = forward(x_lat, x_lon)
        d_lat, d_lon = f_lat - lat, f_lon - lon
        err = max(abs(d_lat), abs(d_lon))
        if err < best_err:
            best, best_err = (x_lat, x_lon), err
        if err < _INVERSE_TOL:
            break
        x_lat, x_lon = x_lat - d_lat, x_lon - d_lon
    return best


def _gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    if not _gcj_applies(lat, lon):
        return lat, lon
    return _invert(_wgs84_to_gcj02, lat, lon, (lat, lon))


def gcj02_to_wgs84(lat, lon) -> tuple[float, float]:
    """GCJ-02 -> WGS-84, exact inverse of wgs84_to_gcj02 (iterative)."""
    return _gcj02_to_wgs84(*_check(lat, lon))


# ----------------------------------------------------------------------------
# GCJ-02 <-> BD-09
# ----------------------------------------------------------------------------
# Baidu applies BD-09 only to its China data; its documentation states that
# maps outside China use WGS-84 ("非中国地区地图，统一使用wgs84坐标", Baidu
# Yingyan web API v3 docs).  So, like googollee/eviltransform, no BD offset is
# applied outside the rough box; out-of-China points are the same in all
# three systems.


def _gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    if not _gcj_applies(lat, lon):
        return lat, lon
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + _BD_DLAT, z * math.cos(theta) + _BD_DLON


def _bd09_to_gcj02_closed_form(lat: float, lon: float) -> tuple[float, float]:
    """The widely published one-step BD-09 -> GCJ-02 formula.

    It is only an approximate inverse of _gcj02_to_bd09 (error up to ~2e-6
    degree, ~0.2 m); bd09_to_gcj02() uses it as the starting guess.
    """
    x = lon - _BD_DLON
    y = lat - _BD_DLAT
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def _bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if not _gcj_applies(lat, lon):
        return lat, lon
    guess = _bd09_to_gcj02_closed_form(lat, lon)
    return _invert(_gcj02_to_bd09, lat, lon, guess)


def gcj02_to_bd09(lat, lon) -> tuple[float, float]:
    """GCJ-02 -> BD-09 (Baidu's x_pi = pi*3000/180 formula)."""
    return _gcj02_to_bd09(*_check(lat, lon))


def bd09_to_gcj02(lat, lon) -> tuple[float, float]:
    """BD-09 -> GCJ-02, exact inverse of gcj02_to_bd09.

    Starts from the usual closed-form x_pi formula and refines it by
    iteration, so round trips agree to ~1e-11 degree instead of ~2e-6.
    """
    return _bd09_to_gcj02(*_check(lat, lon))


def wgs84_to_bd09(lat, lon) -> tuple[float, float]:
    """WGS-84 -> BD-09 (via GCJ-02)."""
    return _gcj02_to_bd09(*_wgs84_to_gcj02(*_check(lat, lon)))


def bd09_to_wgs84(lat, lon) -> tuple[float, float]:
    """BD-09 -> WGS-84 (via GCJ-02), exact inverse of wgs84_to_bd09."""
    return _gcj02_to_wgs84(*_bd09_to_gcj02(*_check(lat, lon)))


_CONVERTERS = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
}


def convert(lat, lon, src: str, dst: str) -> tuple[float, float]:
    """Convert (lat, lon) from CRS ``src`` to CRS ``dst`` (names from CRS)."""
    _check_crs(src)
    _check_crs(dst)
    if src == dst:
        return _check(lat, lon)
    return _CONVERTERS[(src, dst)](lat, lon)


# ----------------------------------------------------------------------------
# Points and map links
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One place expressed in all three systems; each field is (lat, lon)."""

    wgs84: tuple
    gcj02: tuple
    bd09: tuple


def point(lat, lon, crs: str = "wgs84") -> Point:
    """Build a Point from coordinates given in ``crs``.

    The input pair is kept exactly for its own system; the other two are
    derived.  No China check is made here: callers validate records with
    in_china_bbox().
    """
    _check_crs(crs)
    lat, lon = _check(lat, lon)
    if crs == "wgs84":
        wgs = (lat, lon)
        gcj = _wgs84_to_gcj02(lat, lon)
        bd = _gcj02_to_bd09(*gcj)
    elif crs == "gcj02":
        gcj = (lat, lon)
        wgs = _gcj02_to_wgs84(lat, lon)
        bd = _gcj02_to_bd09(lat, lon)
    else:
        bd = (lat, lon)
        gcj = _bd09_to_gcj02(lat, lon)
        wgs = _gcj02_to_wgs84(*gcj)
    return Point(wgs84=wgs, gcj02=gcj, bd09=bd)


MAP_LABELS = ("高德地图", "百度地图", "Apple 地图", "其他地图应用")
"""The map links' labels (msgids: pages show them through `_()`, site_builder/i18n)."""


@dataclass(frozen=True)
class MapLink:
    """A link to open a place in a map application; ``label`` is Chinese."""

    label: str
    url: str


def _fmt(value: float) -> str:
    """A coordinate rounded to 6 decimals (~0.1 m), never "-0.000000"."""
    text = f"{value:.6f}"
    return "0.000000" if text == "-0.000000" else text


def _enc(text: str) -> str:
    """Percent-encode a query value as UTF-8; nothing is left unescaped
    (space -> %20, & -> %26, ( ) -> %28 %29, Chinese -> %E5...)."""
    return quote(text, safe="")


def map_links(p: Point, name: str, address: str | None = None) -> list[MapLink]:
    """Links to show ``p`` in Amap, Baidu Maps, Apple Maps and any geo: app.

    Each link gets coordinates in the datum its target expects.
    """
    if not isinstance(p, Point):
        raise TypeError("p must be a Point")
    if not isinstance(name, str):
        raise TypeError("name must be a str")
    if address is not None and not isinstance(address, str):
        raise TypeError("address must be a str or None")

    g_lat, g_lon = (_fmt(v) for v in p.gcj02)
    b_lat, b_lon = (_fmt(v) for v in p.bd09)
    w_lat, w_lon = (_fmt(v) for v in p.wgs84)
    enc_name = _enc(name)
    # Baidu documents both title and content as required; fall back to the
    # name when the record has no address.
    enc_content = _enc(address if address else name)

    # Amap web URI API, marker: position=lon,lat (longitude first);
    # coordinate=gaode means the position is GCJ-02.
    # https://lbs.amap.com/api/uri-api/guide/mobile-web/point
    amap = (
        f"https://uri.amap.com/marker?position={g_lon},{g_lat}&name={enc_name}"
        f"&src={SRC}&coordinate=gaode&callnative=1"
    )

    # Baidu URI API (web), marker: location=lat,lng (latitude first);
    # coord_type=bd09ll declares BD-09 latitude/longitude.
    # https://lbsyun.baidu.com/index.php?title=uri/api/web
    baidu = (
        f"https://api.map.baidu.com/marker?location={b_lat},{b_lon}"
        f"&title={enc_name}&content={enc_content}&output=html"
        f"&coord_type=bd09ll&src={SRC}"
    )

    # Apple Maps map links: ll=lat,lon, and q acts as the pin label when ll
    # is given (Apple "Map Links" reference).  GCJ-02, not WGS-84: Apple's
    # mainland China map data come from AutoNavi (Amap) and are in GCJ-02,
    # so WGS-84 coordinates land 100-700 m off there (reported e.g. in
    # dpa99c/phonegap-launch-navigator#186, openvehicles/Open-Vehicle-iOS#37,
    # StikDebug/StikDebug#462).  Outside the rough China box gcj02 == wgs84,
    # so this is also right abroad.
    apple = f"https://maps.apple.com/?ll={g_lat},{g_lon}&q={enc_name}"

    # geo: URI, RFC 5870 - coordinates are WGS-84 (its default CRS).  The
    # "?q=lat,lon(label)" query is the Android convention for a labelled pin.
    geo = f"geo:{w_lat},{w_lon}?q={w_lat},{w_lon}({enc_name})"

    return [
        MapLink(label, url) for label, url in zip(MAP_LABELS, (amap, baidu, apple, geo))
    ]
