"""Warnings that need more than one record: copies of a record, and points far from the
other services of their district. Each message is written once, here.

Part of validation (stage 2): `validate` calls `judge` with the checked records.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from statistics import median

from .errors import Problems
from .load import Doc

FAR_KM_DEFAULT = 30
"""site.yaml `far_km`: a point farther than this from every other service of its district
is warned about (a typo in a coordinate, or a point copied from the wrong place)."""


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _km(a: tuple, b: tuple) -> float:
    """Great-circle distance between two (lat, lon) in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _long_phones(fields: dict) -> frozenset[str]:
    # Short service numbers (12356, 110) and 400/800 lines are shared by design.
    return frozenset(p.tel for p in fields["phones"] if len(p.tel) > 10
                     and not p.tel.startswith(("tel:400", "tel:800")))


def _point(fields: dict) -> tuple | None:
    point = fields["point"]
    return (round(point.wgs84[0], 5), round(point.wgs84[1], 5)) if point is not None else None


def duplicates(checked: list[tuple[Doc, dict]], problems: Problems) -> None:
    """A record with the name of another (whatever the operator: residents cannot tell
    them apart), or with another's address, phone and coordinates all at once (a copy)."""
    first_by_name: dict[str, tuple[Doc, dict]] = {}
    first_by_place: dict[tuple, tuple[Doc, dict]] = {}
    for doc, fields in checked:
        name = _norm(fields["name"])
        address, phones, point = _norm(fields["address"]), _long_phones(fields), _point(fields)
        if name and name in first_by_name:
            other_doc, other = first_by_name[name]
            same = []
            if address and address == _norm(other["address"]):
                same.append("address")
            if phones & _long_phones(other):
                same.append("phone")
            if point and point == _point(other):
                same.append("coordinates")
            also = f", and the same {_join(same)}" if same else ""
            problems.warning(doc.path, doc.line("name"), "name",
                             f"same name as {other_doc.rel}{also} (a copy of that record? give each "
                             "service a name of its own, e.g. with its street, or delete the copy)")
        elif address and phones and point:
            key = (address, phones, point)
            if key in first_by_place:
                other_doc, _ = first_by_place[key]
                problems.warning(doc.path, doc.line("name"), "name",
                                 f"same address, phone and coordinates as {other_doc.rel} under "
                                 "another name (a copy of that record? delete one, or correct it)")
            else:
                first_by_place[key] = (doc, fields)
        first_by_name.setdefault(name, (doc, fields))


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _district(region):
    return next((r for r in reversed(region.trail) if r.level == "district"), None)


def far_points(checked: list[tuple[Doc, dict]], far_km: int, problems: Problems) -> None:
    """A point more than `far_km` from every other located service of its district (when
    the district has at least two others)."""
    by_district: dict[str, list[tuple[Doc, dict, tuple]]] = defaultdict(list)
    for doc, fields in checked:
        district = _district(fields["region"]) if fields["point"] is not None else None
        if district is not None:
            by_district[district.id].append((doc, fields, fields["point"].wgs84))
    for entries in by_district.values():
        if len(entries) < 3:
            continue
        centre = (median(p[0] for _, _, p in entries), median(p[1] for _, _, p in entries))
        for doc, fields, point in entries:
            if _km(point, centre) <= far_km:
                continue  # near the middle of the district: near some other service too
            others = [(_km(point, p), f["name"]) for d, f, p in entries if d is not doc]
            nearest, name = min(others)
            if nearest > far_km:
                district = _district(fields["region"])
                problems.warning(doc.path, doc.line("location"), "location",
                                 f"is {nearest:.0f} km from the nearest other service of "
                                 f"{district.name} ({name}): check the coordinates and their crs "
                                 f"(warned past far_km: {far_km} km, set in site.yaml)")


def judge(checked: list[tuple[Doc, dict]], far_km: int, problems: Problems) -> None:
    duplicates(checked, problems)
    far_points(checked, far_km, problems)
