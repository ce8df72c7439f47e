"""Judgment across records: copies of a record, one number on unrelated records, points
far from the other services of their district, closures pointing at a service that does
not exist, and `new`'s placeholders in what a build would publish. Each message is written
once, here.

Part of validation (stage 2): `validate` calls these with the checked records.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from statistics import median

from .errors import Problems
from .fields import _suggest
from .load import Doc
from .messages import M

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
                same.append(M("noun.address", "address"))
            if phones & _long_phones(other):
                same.append(M("noun.phone_number", "phone"))
            if point and point == _point(other):
                same.append(M("noun.coordinates", "coordinates"))
            also = M("judgment.and_the_same", ", and the same {what}", what=_join(same)) if same else ""
            problems.warning(doc.path, doc.line("name"), "name",
                             M("judgment.same_name", "same name as {other}{also} (a copy of that "
                               "record? give each service a name of its own, e.g. with its "
                               "street, or delete the copy)", other=other_doc.rel, also=also))
        elif address and phones and point:
            key = (address, phones, point)
            if key in first_by_place:
                other_doc, _ = first_by_place[key]
                problems.warning(doc.path, doc.line("name"), "name",
                                 M("judgment.same_place", "same address, phone and coordinates "
                                   "as {other} under another name (a copy of that record? delete "
                                   "one, or correct it)", other=other_doc.rel))
            else:
                first_by_place[key] = (doc, fields)
        first_by_name.setdefault(name, (doc, fields))


def _join(words: list) -> object:
    if len(words) == 1:
        return words[0]
    if len(words) == 2:
        return M("judgment.two", "{a} and {b}", a=words[0], b=words[1])
    return M("judgment.three", "{a}, {b} and {c}", a=words[0], b=words[1], c=words[2])


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
                                 M("judgment.far_point", "is {km:.0f} km from the nearest other "
                                   "service of {district} ({name}): check the coordinates and "
                                   "their crs (warned past far_km: {far_km} km, set in site.yaml)",
                                   km=nearest, district=district.name, name=name, far_km=far_km))


def judge(checked: list[tuple[Doc, dict]], far_km: int, problems: Problems) -> None:
    _duplicate_phone_warnings(checked, problems)
    duplicates(checked, problems)
    far_points(checked, far_km, problems)


SHARED_LABELS = ("全国统一", "统一号码", "总机", "总台", "共用")
"""A phone label with one of these marks a number that several services share on purpose."""


def _duplicate_phone_warnings(checked: list[tuple[Doc, dict]], problems: Problems) -> None:
    """One long number on two records, whatever their operator (a copy whose number was not
    changed keeps the operator too), unless a label marks it as shared."""
    seen: dict[str, list[tuple[Doc, dict, int]]] = defaultdict(list)
    for doc, fields in checked:
        for i, phone in enumerate(fields["phones"]):
            if len(phone.tel) > 10:  # short service numbers are shared by design
                seen[phone.tel].append((doc, fields, i))
    for tel, uses in seen.items():
        first_doc, first, j = uses[0]
        for doc, fields, i in uses[1:]:
            if doc is first_doc:
                continue
            labels = (fields["phones"][i].label or "") + (first["phones"][j].label or "")
            if any(word in labels for word in SHARED_LABELS):
                continue
            problems.warning(doc.path, doc.line("phones", i), f"phones[{i}]",
                             M("phones.duplicate", "same number as {other} (check that it is "
                               "right; a number that services share on purpose gets a label "
                               "saying so, such as {{number: …, label: 总机}})",
                               other=first_doc.rel))


def refuse_placeholders(problems: Problems, drafts: set[str]) -> None:
    """Each placeholder of `site-builder new` still in a record to publish becomes an error
    (drafts are not published; a `demo: true` site is not called here)."""
    for warning, text in problems.placeholders:
        if warning.path in drafts or warning not in problems.items:
            continue
        problems.items.remove(warning)
        problems.error(warning.path, warning.line, warning.field,
                       M("judgment.placeholder_refused", "{text!r} is still a placeholder of "
                         "`site-builder new`, which build does not publish (write the real text "
                         "in place of it, or delete the line; `check` lists every placeholder "
                         "left)", text=text))


def check_alternatives(checked: list[tuple[Doc, dict]], service_ids: set[str],
                        problems: Problems) -> None:
    """A closure's `alternative` names another service that exists."""
    for doc, fields in checked:
        closure, sid = fields["closed"], fields["id"]
        if closure is None or closure.alternative is None:
            continue
        if closure.alternative == sid or closure.alternative not in service_ids:
            hint = _suggest(closure.alternative, service_ids - {sid})
            problems.error(doc.path, doc.line("closed", "alternative"), "closed.alternative",
                           M("closed.alternative_itself", "{id!r} is this service itself (another "
                             "service's id: {hint}a file name in services/ without .yaml)",
                             id=sid, hint=hint) if closure.alternative == sid else
                           M("closed.alternative_unknown", "{id!r} is not a service (another "
                             "service's id: {hint}a file name in services/ without .yaml)",
                             id=closure.alternative, hint=hint))
