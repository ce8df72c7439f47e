"""Stage 2, validate: one service record (services/<id>.yaml).

`check_service` checks a record's fields, its description and its search
terms and turns it into a `Service` (stage 3); validate.py calls it for every
record, on the worker pool when there are many. `check_phone` is shared with
the site's crisis lines (site.yaml).
"""
from __future__ import annotations

import math
from datetime import date
from typing import Any

from . import coords, vocab
from .errors import Problems
from .fields import SLUG, Checker, _kind_of, _suggest, bidi_control, region_named
from .fixes import human
from .hours import Closure, Hours, parse_hours, twelve_hour_warnings
from .load import INVALID, Doc
from .markdown import LinkTargets, render_markdown
from .messages import M
from .model import Contact, Link, Phone, Region, Service, Site, Stat
from .phones import PhoneError, parse_phone
from .schema import (CLOSURE, CONTACT, CONTACT_KEYS, EMAIL, LANG_TAG, LOCATION, NO_ADDRESS_KINDS,
                     PHONE_ENTRY, SERVICE, STAT, TRANSLATION, TRANSLATION_LANGS)
from .search_terms import pinyin_key, search_terms

SERVICE_KEYS = SERVICE.keys()
TRANSLATION_KEYS = TRANSLATION.keys()

def check_phone(c: Checker, value: Any, where: tuple, ext: Any, label: str | None) -> Phone | None:
    if value is None or value is INVALID:
        return None
    if isinstance(value, (bool, list, dict)):
        c.error(where, M("phone.not_text", "must be a phone number, not {kind} "
                "(one number in quotes, e.g. \"0755-55501234\")", kind=_kind_of(value)))
        return None
    text = str(c.doc.raw.get(where, value)).strip()
    if bidi_control(text) is not None:
        c.error(where, bidi_control(text)[1])
        return None
    ext_text = None
    if ext is not None and ext is not INVALID:
        ext_text = str(c.doc.raw.get(where[:-1] + ("ext",), ext)).strip()
        if not ext_text.isdigit() or len(ext_text) > 6:
            c.error(where[:-1] + ("ext",), M("phone.bad_ext", "{ext!r} is not an extension "
                                             "(1–6 digits)", ext=ext_text))
            ext_text = None
    try:
        parsed = parse_phone(text, ext_text)
    except PhoneError as exc:
        split = human.split_extension(text) if ext is None else None
        if split:
            number, extension = split
            c.error(where, M("phone.has_extension", "{text!r} is a number with an extension "
                             "(write {{number: \"{number}\", ext: \"{ext}\"}}; the page dials "
                             "the number, then the extension)", text=text, number=number,
                             ext=extension))
        else:
            c.error(where, exc.args[0])
        return None
    if parsed.warning:
        c.warning(where, parsed.warning)
    return Phone(text=text, tel=parsed.tel, label=label, ext=ext_text)


def _phones(c: Checker, value: Any) -> tuple[Phone, ...]:
    out = []
    if isinstance(value, str):
        c.error(("phones",), M("phones.not_list", "must be a list (write phones: "
                               "[\"0755-55501234\"])"))
        return ()
    for i, item in enumerate(c.list(value, ("phones",))):
        where = ("phones", i)
        if isinstance(item, dict):
            entry = c.mapping(item, where, PHONE_ENTRY.keys(), M("noun.phone", "a phone"))
            if entry is None:
                continue
            label = c.text(entry.get("label"), where + ("label",), PHONE_ENTRY["label"].max_len)
            phone = check_phone(c, entry.get("number"), where + ("number",), entry.get("ext"), label)
        else:
            phone = check_phone(c, item, where, None, None)
        if phone:
            out.append(phone)
    return tuple(out)


def _location(c: Checker, value: Any) -> coords.Point | None:
    if value is None:
        return None
    if isinstance(value, str) and human.amap_pair(value):
        lat, lon, *_ = human.amap_pair(value)
        c.error(("location",), M("location.amap_string", "{value!r} is Amap's copied "
                                 "longitude,latitude (write location: {{lat: {lat:g}, lon: "
                                 "{lon:g}, crs: gcj02}})", value=value.strip(), lat=lat, lon=lon))
        return None
    data = c.mapping(value, ("location",), LOCATION.keys(), M("noun.location", "location"))
    if data is None:
        return None
    if _looks_swapped(data.get("lat"), data.get("lon")):
        c.error(("location",), M("location.swapped", "{lat}, {lon} is outside China; lat and lon "
                "look swapped (lat 3.8…53.6 and lon 73.5…135.1; copy both numbers from the map)",
                lat=data["lat"], lon=data["lon"]))
        return None
    lat = c.number(data.get("lat"), ("location", "lat"), LOCATION["lat"].low, LOCATION["lat"].high)
    lon = c.number(data.get("lon"), ("location", "lon"), LOCATION["lon"].low, LOCATION["lon"].high)
    raw_crs = data.get("crs", LOCATION["crs"].default)
    crs = c.choice(raw_crs, ("location", "crs"), coords.CRS,
                   {raw_crs: human.crs_name(raw_crs)} if isinstance(raw_crs, str)
                   and human.crs_name(raw_crs) else None)
    if lat is None or lon is None or crs is None:
        return None
    if "crs" not in data:
        c.warning(("location",), NO_CRS)
    if not coords.in_china_bbox(lat, lon):
        c.error(("location",), M("location.outside_china", "{lat:g}, {lon:g} is outside China "
                "(lat 3.8…53.6 and lon 73.5…135.1; copy both numbers from the map)", lat=lat, lon=lon))
        return None
    return coords.point(lat, lon, crs)


NO_CRS = M("location.no_crs", "has no crs, so it is read as wgs84 (GPS): a point copied from "
           "Amap or Tencent Maps is then off by hundreds of metres (add crs: gcj02 for Amap or "
           "Tencent, bd09 for Baidu, wgs84 for GPS)")


def _looks_swapped(lat: Any, lon: Any) -> bool:
    """True when the two numbers would be in China the other way round."""
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
               for v in (lat, lon)):
        return False
    return -90 <= lon <= 90 and -180 <= lat <= 180 and coords.in_china_bbox(lon, lat)


def _closure(c: Checker, value: Any) -> Closure | None:
    if value is None:
        return None
    data = c.mapping(value, ("closed",), CLOSURE.keys(), M("noun.closed", "closed"))
    if data is None:
        return None
    start = c.date(data.get("from"), ("closed", "from"))
    until = c.date(data.get("until"), ("closed", "until"))
    reason = c.text(data.get("reason"), ("closed", "reason"), CLOSURE["reason"].max_len)
    alternative = c.text(data.get("alternative"), ("closed", "alternative"), CLOSURE["alternative"].max_len)
    if start and until and until < start:
        c.error(("closed", "until"), M("closed.until_before_from", "{until} is before `from` "
                                       "{start} (a date on or after it)", until=until, start=start))
        return None
    return Closure(start, until, reason, alternative) if start else None


def _hours(c: Checker, value: Any) -> Hours | None:
    if value is INVALID or value is None:
        return None
    if isinstance(value, dict):
        # Values already reported by the loader (unquoted times) are left out here,
        # so that the editor sees one message per mistake.
        if any(v is INVALID for v in value.values()):
            c.ok = False
            value = {k: v for k, v in value.items() if v is not INVALID}
            if not value:
                return None
        # hours.py takes every number for an unquoted HH:MM; the loader reported those, so
        # a number left here was written as a number (`mon: 9`): pass it on as its text.
        value = {k: c.doc.raw.get(("hours", k), v) if isinstance(v, (int, float))
                 and not isinstance(v, bool) else v for k, v in value.items()}
    hours, errors = parse_hours(value)
    mapping = human.hours_mapping(value) if isinstance(value, str) and errors else None
    if mapping and not parse_hours(mapping)[1]:
        lines = "`, `".join(f"{k}: {v if v == 'closed' else chr(34) + v + chr(34)}"
                            for k, v in mapping.items())
        errors = [(None, M("hours.one_line", "'{text}' is one line of text (write `hours:` "
                           "alone on its line and the days indented below it: `{lines}`)",
                           text=value.strip(), lines=lines))]
    for key, message in errors:
        where = ("hours", key) if key is not None else ("hours",)
        c.error(where, message, key_line=key is not None)
    if errors:
        return None
    for key, message in twelve_hour_warnings(value):
        c.warning(("hours", key), message)
    return hours


def _stats(c: Checker, value: Any, today: date) -> tuple[Stat, ...]:
    out = []
    for i, item in enumerate(c.list(value, ("stats",))):
        where = ("stats", i)
        data = c.mapping(item, where, STAT.keys(), M("noun.stats_entry", "a stats entry"))
        if data is None:
            continue
        year = c.integer(data.get("year"), where + ("year",), STAT["year"].low, today.year)
        visits = c.integer(data.get("visits"), where + ("visits",), STAT["visits"].low, STAT["visits"].high)
        sat = c.number(data.get("satisfaction"), where + ("satisfaction",), STAT["satisfaction"].low,
                       STAT["satisfaction"].high)
        if year:
            out.append(Stat(year, visits, sat))
    return tuple(sorted(out, key=lambda s: s.year, reverse=True))


def _translations(c: Checker, value: Any) -> dict:
    data = c.mapping(value, ("translations",), {k: False for k in TRANSLATION_LANGS},
                     M("noun.translations", "translations")) \
        if value is not None else {}
    out = {}
    for lang, fields in (data or {}).items():
        where = ("translations", lang)
        entry = c.mapping(fields, where, TRANSLATION_KEYS, M("noun.translation", "the {lang} "
                                                             "translation", lang=lang))
        if entry is None:
            continue
        out[lang] = {k: c.text(v, where + (k,), TRANSLATION[k].max_len) for k, v in entry.items()}
    return out


def validate_service(doc: Doc, regions: dict[str, Region], site: Site | None,
                     today: date, problems: Problems) -> dict | None:
    """Check one service record; returns its fields (description still markdown)."""
    c = Checker(doc, problems)
    sid = doc.rel.rsplit("/", 1)[-1][: -len(".yaml")]
    if not SLUG.match(sid):
        c.error((), M("service.bad_file_name", "file name {id!r} is not a valid service id "
                "(1–64 characters: lowercase a-z, 0-9 and -; rename the file)", id=sid))
    data = c.mapping(doc.data, (), SERVICE_KEYS, M("noun.service_record", "a service record"))
    if data is None:
        return None
    raw_kind = data.get("kind")
    kind = c.choice(raw_kind, ("kind",), SERVICE["kind"].vocab,
                    {raw_kind: vocab.kind_for(raw_kind)} if vocab.kind_for(raw_kind) else None)
    region = None
    rid = c.text(data.get("region"), ("region",), SERVICE["region"].max_len)
    if rid is not None:
        region = regions.get(rid)
        if region is None and regions:
            named = region_named(rid, regions)
            hint = (M("hint.did_you_mean", "did you mean {word!r}? ", word=named) if named
                    else _suggest(rid, regions))
            c.error(("region",), M("service.unknown_region", "{id!r} is not an area in "
                    "regions.yaml ({hint}an id from regions.yaml)", id=rid, hint=hint))
    address = c.text(data.get("address"), ("address",), SERVICE["address"].max_len)
    if kind and kind not in NO_ADDRESS_KINDS and data.get("address") is None \
            and "address" not in data and ("address",) not in c.misspelled:
        c.error(("address",), M("service.missing_address", "missing required key 'address' "
                "(a {kind} needs the street address; only hotline and online records may leave "
                "it out)", kind=kind))
    point = _location(c, data.get("location"))
    phones = _phones(c, data.get("phones"))
    website = c.url(data.get("website"), ("website",))
    email = c.text(data.get("email"), ("email",), SERVICE["email"].max_len)
    if email and not EMAIL.match(email):
        c.error(("email",), M("service.bad_email", "{email!r} is not an e-mail address "
                              "(name@example.org)", email=email))
        email = None
    wechat = c.text(data.get("wechat"), ("wechat",), SERVICE["wechat"].max_len)
    if not any(data.get(k) not in (None, INVALID) for k in CONTACT_KEYS):
        c.error((), M("service.no_contact", "no way to reach the service (at least one of "
                      "phones, website, email, wechat)"))
    others = []
    for i, item in enumerate(c.list(data.get("other_contacts"), ("other_contacts",))):
        entry = c.mapping(item, ("other_contacts", i), CONTACT.keys(), M("noun.contact", "a contact"))
        if entry is not None:
            label = c.text(entry.get("label"), ("other_contacts", i, "label"), CONTACT["label"].max_len)
            text = c.text(entry.get("value"), ("other_contacts", i, "value"), CONTACT["value"].max_len)
            if label and text:
                others.append(Contact(label, text))
    hours = _hours(c, data.get("hours"))
    verified = c.date(data.get("verified"), ("verified",))
    if verified and verified > today:
        c.error(("verified",), M("service.verified_future", "{verified} is in the future (the "
                "date the record was last checked, on or before {today})", verified=verified,
                today=today))
    langs = []
    for i, tag in enumerate(c.list(data.get("languages"), ("languages",))):
        if isinstance(tag, str) and LANG_TAG.match(tag):
            langs.append(tag)
        elif tag is not INVALID:
            c.error(("languages", i), M("service.bad_language", "{tag!r} is not a language tag "
                                        "(BCP 47, e.g. zh, yue, en)", tag=tag))
    fields = dict(
        id=sid, source=doc.rel, name=c.text(data.get("name"), ("name",), SERVICE["name"].max_len), kind=kind,
        region=region, address=address, point=point, phones=phones, website=website,
        email=email, wechat=wechat, other_contacts=tuple(others), hours=hours,
        hours_note=c.text(data.get("hours_note"), ("hours_note",), SERVICE["hours_note"].max_len),
        audiences=c.choices(data.get("audiences"), ("audiences",), SERVICE["audiences"].vocab)
        or ("everyone",),
        services=c.choices(data.get("services"), ("services",), SERVICE["services"].vocab),
        cost=c.choice(data.get("cost"), ("cost",), SERVICE["cost"].vocab),
        booking=c.choices(data.get("booking"), ("booking",), SERVICE["booking"].vocab),
        languages=tuple(langs) or ("zh",),
        accessibility=c.choices(data.get("accessibility"), ("accessibility",),
                                SERVICE["accessibility"].vocab),
        operator=c.text(data.get("operator"), ("operator",), SERVICE["operator"].max_len),
        description=c.text(data.get("description"), ("description",), SERVICE["description"].max_len),
        verified=verified, closed=_closure(c, data.get("closed")),
        stats=_stats(c, data.get("stats"), today),
        translations=_translations(c, data.get("translations")),
    )
    if not c.ok or region is None or hours is None or verified is None:
        return None
    age = (today - verified).days
    fields["stale"] = site is not None and age > site.stale_after_days
    if fields["stale"]:
        c.warning(("verified",), M("service.stale", "last checked {verified}, {age} days ago: "
                  "the page tells visitors it may be out of date (call the service, then update "
                  "verified; stale_after_days is {limit})", verified=verified, age=age,
                  limit=site.stale_after_days))
    if point is None and kind not in NO_ADDRESS_KINDS:
        problems.warning(doc.path, doc.line("address"), "location", M("service.no_location",
                         "missing: the page cannot link to maps or show distances (add location: "
                         "{{lat, lon, crs}} copied from Amap or Baidu Maps)"))
    return fields


def check_service(doc: Doc, regions: dict[str, Region], site: Site | None, today: date,
                   targets: LinkTargets, base_path: str) -> tuple[dict | None, Problems, tuple | None]:
    """One service record, all the work that needs no other record: (its fields, with the
    region as its id; its problems; (map links, search terms, sort key)). Pure, so that it
    runs in any process."""
    problems = Problems()
    fields = validate_service(doc, regions, site, today, problems)
    if fields is None:
        return None, problems, None
    # Descriptions are markdown too: their links are checked in this same pass.
    description = fields["description"]  # kept as written for the open-data exports
    fields["description_html"] = render_markdown(
        description, path=doc.path, body_line=doc.line("description"), targets=targets,
        base_path=base_path, problems=problems, field_name="description") if description else ""
    for lang, texts in fields["translations"].items():
        if texts.get("description"):
            where = ("translations", lang, "description")
            texts["description_html"] = render_markdown(
                texts["description"], path=doc.path, body_line=doc.line(*where),
                targets=targets, base_path=base_path, problems=problems,
                field_name=".".join(where))
    service = Service(**fields)
    links = tuple(Link(m.label, m.url) for m in
                  coords.map_links(service.point, service.name, service.address)) \
        if service.point is not None else ()
    extra = (links, search_terms(service), pinyin_key(service.name))
    fields["region"] = fields["region"].id
    return fields, problems, extra


# -------------------------------------------------------- articles / pages
