"""What every exporter needs: stable ids, the site's UTC offset, record fields as text."""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from ..hours import Range
from ..model import Directory, Region, Service

NAMESPACE = uuid.UUID("5d1f0c3e-7a8b-5c2e-9f41-8e0b6a1d2c37")
"""site-builder's own UUID namespace for the ids of exported objects."""


def stable_id(d: Directory, kind: str, key: str) -> str:
    """UUIDv5 of the site's base_url, the object's kind and its record id: the same on
    every build, and different for two sites that happen to use the same record ids."""
    # uuid.uuid5, by hand: the same value, a few times faster (ids of a province's rows).
    digest = bytearray(hashlib.sha1(_NS + f"{d.site.base_url}#{kind}/{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_NS = NAMESPACE.bytes


def utc_offset_hours(d: Directory) -> float:
    """The site's offset from UTC on the build date (8 for Asia/Shanghai)."""
    moment = datetime.combine(d.today, time(12), ZoneInfo(d.site.timezone))
    offset = moment.utcoffset().total_seconds() / 3600
    return int(offset) if offset == int(offset) else offset


def hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def range_text(r: Range) -> str:
    """As the hours format writes it: `08:30-12:00`, `20:00-08:00`, `09:00-24:00`."""
    end = "24:00" if r.end == 1440 else hhmm(r.end)
    return f"{hhmm(r.start)}-{end}"


def ancestor(region: Region, level: str) -> Region | None:
    return next((r for r in region.trail if r.level == level), None)


def service_url(d: Directory, service: Service) -> str:
    return f"{d.site.base_url}services/{service.id}/"


def region_url(d: Directory, region: Region) -> str:
    return f"{d.site.base_url}regions/{region.id}/"
