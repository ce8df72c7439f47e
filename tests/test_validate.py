"""Validation: every editor mistake is one `path:line: field: message (expected …)` problem.

Each test writes a small content folder (see conftest.py: `run_check(files)` overrides
files of a minimal valid folder) and checks the exact problem: file as printed, line,
field and message. Unless a test says otherwise, the service file is
`content/services/station.yaml` with lines 1 name, 2 kind, 3 region, 4 address,
5 location, 6 phones, 7–9 hours, 10 verified; added keys start on line 11.
"""
from __future__ import annotations

from sitecheck import require_real

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (REGIONS, SERVICE, SITE, TODAY, article, as_tuples, only_error,
                      only_warning, service)
from site_builder.build import build, check

ROOT = Path(__file__).resolve().parents[1]
STATION = "content/services/station.yaml"
PROBLEM_LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): (?P<field>\S+): (?P<message>.+)$")


def station(**changes):
    """Files for run_check() with the service record changed as in conftest.service()."""
    return {"services/station.yaml": service(**changes)}


def hours(*lines: str):
    """Files with the service's hours mapping replaced (its keys start on line 8)."""
    return station(hours="".join("\n  " + line for line in lines))


# ---------------------------------------------------------------- baseline


def test_minimal_folder_is_valid(run_check):
    report = run_check()
    assert report.problems.items == []
    directory = report.directory
    assert list(directory.services) == ["station"]
    assert set(directory.regions) == {"city", "district", "street", "community"}
    assert directory.services["station"].region.id == "street"


# ---------------------------------------------------------------- files and YAML traps


def test_yaml_syntax_error_is_reported_at_its_line(run_check):
    problem = only_error(run_check({"services/station.yaml": SERVICE + "operator: 某机构\n  kind: clinic\n"}))
    assert (problem.path, problem.line, problem.field) == (STATION, 12, "-")
    assert problem.message.startswith("YAML syntax error: mapping values are not allowed")
    assert problem.message.endswith("(check indentation, colons and quotes on this line and the one above)")


def test_unquoted_time_range_is_text(run_check):
    report = run_check(hours("mon-fri: 08:30-12:00, 13:30-17:30"))
    assert report.problems.items == []
    monday = report.directory.services["station"].hours.week[0]
    assert [(r.start, r.end) for r in monday] == [(510, 720), (810, 1050)]


def test_unquoted_single_time_is_an_error_at_its_line(run_check):
    problem = only_error(run_check(hours("mon-fri: 08:30-12:00", "sat: 13:30")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 9, "hours.sat",
        'unquoted time 13:30 is read by YAML as the number 810 (put times in quotes: "13:30")')


@pytest.mark.parametrize("files, line, field, message", [
    (station(cost="no"), 11, "cost",
     "'no' is read by YAML as false (write true or false for a yes/no setting, or quote text: \"no\")"),
    (station(wechat="on"), 11, "wechat",
     "'on' is read by YAML as true (write true or false for a yes/no setting, or quote text: \"on\")"),
    (hours('mon-fri: "09:00-17:00"', "sat: off"), 9, "hours.sat",
     "'off' is read by YAML as false (write true or false for a yes/no setting, or quote text: \"off\")"),
], ids=["cost-no", "wechat-on", "hours-off"])
def test_yes_no_on_off_are_not_read_as_booleans(run_check, files, line, field, message):
    problem = only_error(run_check(files))
    assert (problem.path, problem.line, problem.field, problem.message) == (STATION, line, field, message)


def test_demo_yes_in_site_yaml_is_an_error_but_true_is_fine(run_check, content_dir):
    problem = only_error(run_check({"site.yaml": SITE + "demo: yes\n"}))
    assert (problem.path, problem.line, problem.field) == ("content/site.yaml", 5, "demo")
    assert problem.message.startswith("'yes' is read by YAML as true (write true or false")
    report = check(content_dir({"site.yaml": SITE + "demo: true\n"}), today=TODAY)
    assert report.problems.items == [] and report.directory.site.demo is True


def test_duplicate_key_points_at_the_second_and_names_the_first(run_check):
    problem = only_error(run_check({"services/station.yaml": SERVICE + "name: 又一个名字\n"}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 11, "name", "duplicate key 'name' (already set on line 1; each key may appear once)")


def test_duplicate_hours_key(run_check):
    problem = only_error(run_check(hours('mon-fri: "09:00-12:00"', 'mon-fri: "14:00-17:00"')))
    assert (problem.line, problem.field, problem.message) == (
        9, "hours.mon-fri", "duplicate key 'mon-fri' (already set on line 8; each key may appear once)")


def test_alias_is_refused_at_the_alias_line(run_check):
    # The anchor itself (line 11) is harmless; the alias (line 12) is the mistake.
    problem = only_error(run_check(station(operator="&op 测试街道办事处", hours_note="*op")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 12, "hours_note", "YAML aliases (*name) are not supported (write the value out in full)")


def test_alias_in_a_list(run_check):
    problem = only_error(run_check(station(audiences="\n  - &who everyone\n  - *who")))
    assert (problem.line, problem.field) == (13, "audiences[1]")
    assert problem.message.startswith("YAML aliases (*name) are not supported")


def test_merge_key_is_refused(run_check):
    report = run_check(station(translations="\n  en: &en\n    name: Station\n  zh-Hant:\n    <<: *en"))
    problem = only_error(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 15, "translations.zh-Hant",
        "YAML merge keys (<<) are not supported (write the keys out in full)")


def test_non_utf8_file(run_check):
    data = service(name="Station").encode("gbk")  # first non-ASCII byte: the address, line 4
    problem = only_error(run_check({"services/station.yaml": data}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 4, "-", "is not UTF-8 text (save the file as UTF-8)")


def test_nul_character(run_check):
    problem = only_error(run_check({"services/station.yaml": SERVICE.encode() + b"operator: a\x00b\n"}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 11, "-", "contains a NUL character (plain UTF-8 text)")


def test_bom_and_crlf_are_accepted_and_lines_still_count(run_check, content_dir):
    crlf = b"\xef\xbb\xbf" + SERVICE.replace("\n", "\r\n").encode()
    report = run_check({"services/station.yaml": crlf})
    assert report.problems.items == []
    assert report.directory.services["station"].name == "测试街道心理服务站"
    bad = b"\xef\xbb\xbf" + service(cost="gratis").replace("\n", "\r\n").encode()
    problem = only_error(check(content_dir({"services/station.yaml": bad}), today=TODAY))
    assert (problem.line, problem.field) == (11, "cost")


def test_over_large_file(run_check):
    problem = only_error(run_check({"services/station.yaml": SERVICE + "# " + "x" * 1_000_000 + "\n"}))
    assert (problem.path, problem.line, problem.field) == (STATION, 0, "-")
    assert re.fullmatch(r"file is 1,000,\d{3} bytes \(at most 1,000,000 bytes for this file\)",
                        problem.message)


# ---------------------------------------------------------------- folders and file names


@pytest.mark.parametrize("rel, message", [
    ("services/foo.yml", "not a .yaml file (did you mean `foo.yaml`?)"),
    ("articles/sleep.markdown", "not a .md file (did you mean `sleep.md`?)"),
    ("pages/about.txt", "not a .md file (did you mean `about.md`?)"),
])
def test_file_with_another_extension(run_check, rel, message):
    problem = only_error(run_check({rel: SERVICE}))
    assert (problem.path, problem.line, problem.field, problem.message) == (f"content/{rel}", 0, "-", message)


def test_hidden_files_and_editor_backups_are_ignored(run_check):
    broken = "name: [\n"
    report = run_check({"services/.x.yaml": broken, "services/x.yaml~": broken,
                        "services/.#x.yaml": broken, "services/.x.yaml.swp": broken,
                        "services/#x.yaml#": broken, "articles/.draft.md": broken,
                        "README.md": "# 内容说明\n", "LICENSE": "CC-BY-4.0\n"})
    assert report.problems.items == []
    assert list(report.directory.services) == ["station"]


@pytest.mark.parametrize("stem", ["Bad_Name", "a" * 65, "心理站"])
def test_bad_service_file_name(run_check, stem):
    problem = only_error(run_check({f"services/{stem}.yaml": SERVICE}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        f"content/services/{stem}.yaml", 1, "-",
        f"file name {stem!r} is not a valid service id "
        "(1–64 characters: lowercase a-z, 0-9 and -; rename the file)")


def test_folder_inside_services(run_check):
    problem = only_error(run_check({"services/futian/a.yaml": SERVICE}))
    assert (problem.path, problem.line, problem.message) == (
        "content/services/futian", 0, "folders are not read inside services/ "
        "(put .yaml files directly in services/)")


def test_site_yml_instead_of_site_yaml(run_check):
    report = run_check({"site.yaml": None, "site.yml": SITE})
    assert as_tuples(report.problems.errors) == [
        ("content/site.yaml", 0, "-", "missing (every content folder needs site.yaml with "
                                      "title, base_url and crisis)"),
        ("content/site.yml", 0, "-", "not read (did you mean `site.yaml`?)"),
    ]


# ---------------------------------------------------------------- service keys


def test_unknown_key_with_did_you_mean(run_check):
    report = run_check(station(address=None, adress="测试路 1 号"))
    # address removed: location 4, phones 5, hours 6-8, verified 9, adress 10
    # One mistake, one message: no second error for the missing `address`.
    problem = only_error(report)
    assert (problem.line, problem.field) == (10, "adress")
    assert problem.message.startswith(
        "unknown key 'adress' (did you mean 'address'? allowed keys: name, kind, region, address,")


def test_missing_address_of_a_physical_service(run_check):
    problem = only_error(run_check(station(address=None)))
    assert (problem.line, problem.field, problem.message) == (1, "address", (
        "missing required key 'address' (a service_station needs the street "
        "address; only hotline and online records may leave it out)"))


def test_unknown_vocabulary_value_with_did_you_mean(run_check):
    problem = only_error(run_check(station(kind="clinc")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 2, "kind",
        "'clinc' is not allowed (did you mean 'clinic'? one of: guidance_center, service_station, "
        "counseling_room, clinic, hotline, school, online, organization, rehabilitation)")


@pytest.mark.parametrize("key, value, field, start", [
    ("audiences", "[everyone, kids]", "audiences[1]", "'kids' is not allowed (one of: everyone,"),
    ("services", "[counselling]", "services[0]", "'counselling' is not allowed (did you mean 'counseling'?"),
    ("booking", "[walkin]", "booking[0]", "'walkin' is not allowed (did you mean 'walk_in'?"),
    ("accessibility", "[ramp]", "accessibility[0]", "'ramp' is not allowed (one of: wheelchair,"),
    ("cost", "gratis", "cost", "'gratis' is not allowed (one of: free, paid, mixed)"),
    ("booking", "walk_in", "booking", "must be a list (write `[a, b]` or one `- item` per line)"),
    ("languages", '[zh, "中文"]', "languages[1]", "'中文' is not a language tag (BCP 47, e.g. zh, yue, en)"),
])
def test_vocabulary_fields(run_check, key, value, field, start):
    problem = only_error(run_check(station(**{key: value})))
    assert (problem.line, problem.field) == (11, field)
    assert problem.message.startswith(start)


def test_missing_required_keys(run_check):
    report = run_check({"services/station.yaml": "hours_note: 只写了备注\n"})
    assert as_tuples(report.problems.errors) == sorted(
        [(STATION, 1, key, f"missing required key {key!r} (a service record needs `{key}:`)")
         for key in ("name", "kind", "region", "hours", "verified")]
        + [(STATION, 1, "-", "no way to reach the service (at least one of phones, website, email, wechat)")])


def test_required_key_without_value(run_check):
    problem = only_error(run_check(station(name="")))
    assert (problem.line, problem.field, problem.message) == (1, "name", "'name' is empty (a value is required)")


@pytest.mark.parametrize("kind", ["guidance_center", "service_station", "counseling_room", "clinic",
                                  "school", "organization", "rehabilitation"])
def test_address_is_required_for_physical_kinds(run_check, kind):
    problem = only_error(run_check(station(kind=kind, address=None)))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 1, "address", f"missing required key 'address' (a {kind} needs the street address; "
                         "only hotline and online records may leave it out)")


@pytest.mark.parametrize("kind, contact", [("hotline", {}), ("online", {"phones": None, "website": "https://example.org/"})])
def test_address_and_location_are_optional_for_hotline_and_online(run_check, kind, contact):
    report = run_check(station(kind=kind, address=None, location=None, **contact))
    assert report.problems.items == []


def test_no_contact_at_all(run_check, content_dir):
    problem = only_error(run_check(station(phones=None)))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 1, "-", "no way to reach the service (at least one of phones, website, email, wechat)")
    report = check(content_dir(station(phones=None, wechat="测试心理服务")), today=TODAY)
    assert report.problems.items == []


# ---------------------------------------------------------------- regions


def test_dangling_region_with_suggestion(run_check):
    problem = only_error(run_check(station(region="stret")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 3, "region", "'stret' is not an area in regions.yaml (did you mean 'street'? an id from regions.yaml)")


def test_region_must_be_text(run_check):
    problem = only_error(run_check(station(region="[street]")))
    assert (problem.line, problem.field, problem.message) == (3, "region", "must be text, not a list (put it in quotes)")


def test_regions_duplicate_id(run_check):
    problem = only_error(run_check({"regions.yaml": REGIONS + "- {id: street, name: 另一街道, level: street}\n"}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/regions.yaml", 14, "[1].id",
        "area id 'street' is used twice (each id once; it is already used on line 9)")


def test_regions_child_level_not_below_parent(run_check):
    regions = REGIONS.replace("level: community}", "level: city}")
    report = run_check({"regions.yaml": regions})
    problem = report.problems.errors[0]
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/regions.yaml", 13, "[0].children[0].children[0].children[0].level",
        "'city' is not below its parent 'street', which is a street (a level under it: community)")
    assert len(report.problems.errors) == 1


def test_regions_community_cannot_have_children(run_check):
    regions = REGIONS.replace("level: community}", "level: community, children: [{id: group, name: 小组, level: community}]}")
    problem = only_error(run_check({"regions.yaml": regions}))
    assert (problem.line, problem.message) == (
        13, "'community' is not below its parent 'community', which is a community (nothing is below a community)")


def test_regions_bad_level_suggests_the_chinese_level(run_check):
    problem = only_error(run_check({"regions.yaml": REGIONS.replace("level: district", "level: county")}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/regions.yaml", 7, "[0].children[0].level",
        "'county' is not allowed (did you mean 'district'? one of: country, province, city, district, "
        "street, community)")


def test_regions_bad_id(run_check):
    problem = only_error(run_check({"regions.yaml": REGIONS + "- {id: Other_City, name: 别市, level: city}\n"}))
    assert (problem.line, problem.field, problem.message) == (
        14, "[1].id", "'Other_City' is not a valid area id (1–64 characters: lowercase a-z, 0-9 and -)")


def test_regions_levels_may_be_skipped(run_check):
    regions = ("- id: beijing\n  name: 北京市\n  level: province\n  children:\n"
               "    - {id: street, name: 东城区, level: district}\n")
    report = run_check({"regions.yaml": regions})
    assert report.problems.items == []
    assert report.directory.regions["street"].parent.id == "beijing"


@pytest.mark.parametrize("name, message", [
    ("regions.yaml", "missing (every content folder needs regions.yaml listing its areas)"),
    ("site.yaml", "missing (every content folder needs site.yaml with title, base_url and crisis)"),
])
def test_missing_required_file(run_check, name, message):
    problem = only_error(run_check({name: None}))
    assert (problem.path, problem.line, problem.field, problem.message) == (f"content/{name}", 0, "-", message)


def test_empty_regions_yaml(run_check):
    problem = only_error(run_check({"regions.yaml": "# 还没有填写\n"}))
    assert (problem.path, problem.line, problem.message) == (
        "content/regions.yaml", 1, "lists no areas (a list of `{id, name, level, children}` entries)")


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize("number", ["call us", "请拨打总机", "0755-5550010a"])
def test_phone_with_letters(run_check, number):
    problem = only_error(run_check(station(phones=f'["{number}"]')))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 6, "phones[0]",
        f"{number!r} is not a phone number (digits with an area code, e.g. \"0755-55501234\", "
        "a mobile number, or a short number like \"12356\")")


@pytest.mark.parametrize("number, message", [
    ("12", "'12' has 2 digits, which no phone number has (3–6 for a short number, 10–12 with the area code, 11 for a mobile)"),
    ("0755-5550", "'0755-5550' has 8 digits, which no number with an area code has (10–12: the area "
                  "code, then a 7- or 8-digit local number, e.g. \"0755-55501234\")"),
    ("0755-555001011", "'0755-555001011' has 13 digits, which no number with an area code has"),
    ("0755", "'0755' has 4 digits, which no number with an area code has"),
    ("1380013800", "'1380013800' has 10 digits, which no mobile number has (11 digits, e.g. \"13800138000\")"),
    ("1234567890123456", "'1234567890123456' has 16 digits, which no phone number has"),
])
def test_phone_of_impossible_length(run_check, number, message):
    problem = only_error(run_check(station(phones=f'["{number}"]')))
    assert (problem.line, problem.field) == (6, "phones[0]")
    assert problem.message.startswith(message)


def test_old_seven_digit_local_number_is_a_warning(run_check):
    report = run_check(station(phones='["027-8584666"]'))
    problem = only_warning(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 6, "phones[0]",
        "'027-8584666' is not a valid number today (check it; old 7-digit local numbers have changed)")
    phone = report.directory.services["station"].phones[0]
    assert (phone.text, phone.tel) == ("027-8584666", "tel:0278584666")


@pytest.mark.parametrize("phones, tels", [
    ('["12356", "110", "12320"]', ["tel:12356", "tel:110", "tel:12320"]),
    ("[12356, 13800138000]", ["tel:12356", "tel:+8613800138000"]),  # unquoted integers
    ('["0755-55500101", "400-123-4567", "+86 755 5550 0102"]',
     ["tel:+8675555500101", "tel:4001234567", "tel:+8675555500102"]),
])
def test_valid_phones(run_check, phones, tels):
    report = run_check(station(phones=phones))
    assert report.problems.items == []
    assert [p.tel for p in report.directory.services["station"].phones] == tels


def test_unquoted_integer_phone_keeps_its_text(run_check):
    report = run_check(station(phones="[12356]"))
    assert report.problems.items == []
    assert report.directory.services["station"].phones[0].text == "12356"


def test_phone_mapping_with_ext_and_label(run_check):
    report = run_check(station(phones='\n  - {number: "0755-55500200", ext: 801, label: 危机干预}'))
    assert report.problems.items == []
    phone = report.directory.services["station"].phones[0]
    assert (phone.text, phone.ext, phone.label, phone.tel) == (
        "0755-55500200", "801", "危机干预", "tel:+8675555500200;ext=801")


@pytest.mark.parametrize("ext", ['"80a"', "1234567"])
def test_bad_phone_extension(run_check, ext):
    problem = only_error(run_check(station(phones=f'\n  - {{number: "0755-55500200", ext: {ext}}}')))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 7, "phones[0].ext", f"{ext.strip(chr(34))!r} is not an extension (1–6 digits)")


def test_phones_must_be_a_list(run_check):
    problem = only_error(run_check(station(phones='"0755-55500101"')))
    assert (problem.line, problem.field, problem.message) == (
        6, "phones", 'must be a list (write phones: ["0755-55501234"])')


def test_crisis_phone_in_site_yaml_is_checked(run_check):
    problem = only_error(run_check({"site.yaml": SITE.replace('phone: "12356"', "phone: 求助热线")}))
    assert (problem.path, problem.line, problem.field) == ("content/site.yaml", 4, "crisis[0].phone")
    assert problem.message.startswith("'求助热线' is not a phone number (")


# ---------------------------------------------------------------- hours


def test_hours_overlapping_keys(run_check):
    problem = only_error(run_check(hours('mon-fri: "09:00-17:00"', 'fri: "09:00-12:00"')))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 9, "hours.fri", "'fri' overlaps 'mon-fri' (each day may be named once)")


def test_hours_overlapping_ranges(run_check):
    problem = only_error(run_check(hours('mon-fri: "08:30-12:00, 11:00-17:30"')))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 8, "hours.mon-fri",
        "'08:30-12:00' overlaps '11:00-17:30' (expected ranges that do not overlap; touching is fine)")


def test_hours_touching_ranges_and_overnight_are_fine(run_check):
    report = run_check(hours('mon-fri: "08:00-12:00, 12:00-17:00"', 'sat-sun: "20:00-08:00"'))
    assert report.problems.items == []


@pytest.mark.parametrize("value, start", [
    ('"0830-1200"', "'0830-1200' is not a time range (expected HH:MM-HH:MM"),
    ('"8:30 to 12"', "'8:30 to 12' is not a time range (expected HH:MM-HH:MM"),
    ('"09:00-09:00"', "'09:00-09:00' starts and ends at the same time (expected a range with some length"),
    ('"25:00-26:00"', "'25:00-26:00' has a time that does not exist (expected hours 0–23"),
    ("9", "'9' is not a time range (expected HH:MM-HH:MM, e.g. 08:30-12:00)"),
])
def test_hours_bad_value_is_reported_on_its_key_line(run_check, value, start):
    # three keys, the broken one last: the error is on its key's line with its key as field
    problem = only_error(run_check(hours('mon: "09:00-12:00"', 'tue: "09:00-12:00"', f"wed: {value}")))
    assert (problem.path, problem.line, problem.field) == (STATION, 10, "hours.wed")
    assert problem.message.startswith(start)


def test_hours_range_hint(run_check):
    problem = only_error(run_check(hours('mon-fri: "0830-1200"')))
    assert problem.message.endswith("did you mean '08:30-12:00'?")


def test_hours_overnight_spill_into_next_day(run_check):
    problem = only_error(run_check(hours('fri: "20:00-08:00"', 'sat: "07:00-12:00"')))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 9, "hours.sat",
        "'20:00-08:00' under 'fri' runs past midnight into sat and overlaps '07:00-12:00' "
        "under 'sat' (expected ranges that do not overlap)")


def test_hours_in_a_12_hour_clock_are_a_warning_naming_file_line_field(run_check):
    report = run_check(hours('mon-fri: "08:30-05:30"', 'sat: "09:00-12:00"', 'holidays: "1:30-5:30"'))
    assert not report.problems.errors
    assert as_tuples(report.problems.warnings) == [
        (STATION, 8, "hours.mon-fri",
         "'08:30-05:30' runs past midnight to 05:30 the next day; did you mean 08:30-17:30? "
         "(times are on the 24-hour clock, 5:30 pm is 17:30; if it really ends the next day, "
         "write 08:30-次日05:30)"),
        (STATION, 10, "hours.holidays",
         "'1:30-5:30' is at night, 01:30 to 05:30; did you mean 13:30-17:30? "
         "(times are on the 24-hour clock, 1:30 pm is 13:30)"),
    ]
    assert "station" in report.directory.services  # the record is still published


def test_hours_overnight_hotline_shifts_and_next_day_marker_are_not_warned(run_check):
    report = run_check(hours('mon-thu: "20:00-08:00"', 'fri: "18:00-02:00"', 'sat: "08:30-次日05:30"'))
    assert report.problems.items == []


def test_hours_next_day_marker_on_a_same_day_range_is_an_error(run_check):
    problem = only_error(run_check(hours('mon-fri: "08:30-次日17:30"')))
    assert (problem.line, problem.field) == (8, "hours.mon-fri")
    assert problem.message.startswith("'08:30-次日17:30' says 次日 but its end is not earlier than its start")


def test_hours_bad_key(run_check):
    problem = only_error(run_check(hours('weekdays: "09:00-17:00"')))
    assert (problem.line, problem.field) == (8, "hours.weekdays")
    assert problem.message.startswith("'weekdays' is not a day or day range (expected mon…sun")


def test_hours_bad_mode(run_check):
    problem = only_error(run_check(station(hours="always")))
    assert (problem.line, problem.field) == (7, "hours")
    assert "'always' is not a valid hours value (expected 24/7, by_appointment, unknown" in problem.message
    assert problem.message.endswith("did you mean '24/7'?")


# ---------------------------------------------------------------- location


def test_location_outside_china(run_check):
    problem = only_error(run_check(station(location="{lat: 48.85, lon: 2.35}")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 5, "location",
        "48.85, 2.35 is outside China (lat 3.8…53.6 and lon 73.5…135.1; copy both numbers from the map)")


def test_location_swapped_lat_lon(run_check):
    problem = only_error(run_check(station(location="{lat: 114.05, lon: 22.54, crs: gcj02}")))
    assert (problem.line, problem.field, problem.message) == (
        5, "location", "114.05, 22.54 is outside China; lat and lon look swapped "
                       "(lat 3.8…53.6 and lon 73.5…135.1; copy both numbers from the map)")


def test_location_bad_crs(run_check):
    problem = only_error(run_check(station(location="\n  lat: 22.54\n  lon: 114.05\n  crs: gcj2")))
    assert (problem.line, problem.field, problem.message) == (
        8, "location.crs", "'gcj2' is not allowed (did you mean 'gcj02'? one of: wgs84, gcj02, bd09)")


def test_location_crs_defaults_to_wgs84_with_a_warning(run_check):
    report = run_check(station(location="{lat: 22.54, lon: 114.05}"))
    problem = only_warning(report)
    assert (problem.field, problem.message) == ("location", (
        "has no crs, so it is read as wgs84 (GPS): a point copied from Amap or Tencent Maps "
        "is then off by hundreds of metres (add crs: gcj02 for Amap or Tencent, bd09 for Baidu, "
        "wgs84 for GPS)"))
    assert report.directory.services["station"].point.wgs84 == (22.54, 114.05)


def test_missing_location_on_a_physical_service_is_a_warning(run_check):
    report = run_check(station(location=None))
    problem = only_warning(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 4, "location",
        "missing: the page cannot link to maps or show distances "
        "(add location: {lat, lon, crs} copied from Amap or Baidu Maps)")
    assert "station" in report.directory.services


# ---------------------------------------------------------------- website and e-mail


def test_http_website_is_a_warning(run_check):
    report = run_check(station(website="http://example.org/"))
    problem = only_warning(report)
    assert (problem.line, problem.field, problem.message) == (
        11, "website", "'http://example.org/' uses plain http (an https:// address is safer; it is shown as given)")
    assert report.directory.services["station"].website == "http://example.org/"


@pytest.mark.parametrize("url", ['"javascript:alert(1)"', "www.example.org", "ftp://example.org/"])  # spaces: test_hostile_files.py
def test_website_that_is_not_a_web_address(run_check, url):
    problem = only_error(run_check(station(website=url)))
    assert (problem.line, problem.field, problem.message) == (
        11, "website", f"{url.strip(chr(34))!r} is not a web address (a full URL starting with https://)")


@pytest.mark.parametrize("email", ["foo@bar", "xinli.example.org", '"foo bar@example.org"'])
def test_bad_email(run_check, email):
    problem = only_error(run_check(station(email=email)))
    assert (problem.line, problem.field, problem.message) == (
        11, "email", f"{email.strip(chr(34))!r} is not an e-mail address (name@example.org)")


# ---------------------------------------------------------------- dates, closure, stats, translations


def test_verified_in_the_future(run_check):
    problem = only_error(run_check(station(verified="2026-12-01")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 10, "verified",
        "2026-12-01 is in the future (the date the record was last checked, on or before 2026-11-25)")


@pytest.mark.parametrize("value", ["2026-13-01", "20261101", "2026-W44-1", "2026/11/01", '"上周"'])
def test_verified_not_a_date(run_check, value):
    problem = only_error(run_check(station(verified=value)))
    assert (problem.line, problem.field, problem.message) == (
        10, "verified", f"{value.strip(chr(34))!r} is not a date (YYYY-MM-DD, e.g. 2026-03-01)")


def test_closed_until_before_from(run_check):
    problem = only_error(run_check(station(closed="{from: 2026-12-10, until: 2026-12-01, reason: 装修}")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 11, "closed.until", "2026-12-01 is before `from` 2026-12-10 (a date on or after it)")


def test_closed_without_until_is_fine(run_check):
    report = run_check(station(closed="{from: 2026-11-20, reason: 装修}"))
    assert report.problems.items == []
    assert report.directory.services["station"].closed.until is None


def test_closed_alternative_names_another_service(run_check):
    files = station(closed="{from: 2026-11-20, reason: 装修, alternative: other}")
    files["services/other.yaml"] = service(name="另一个心理服务站", phones='["0755-55500199"]')
    report = run_check(files)
    assert report.problems.errors == []
    assert report.directory.services["station"].closed.alternative == "other"


@pytest.mark.parametrize("value, what", [("statoin", "not a service"), ("station", "this service itself")])
def test_closed_alternative_must_be_another_service(run_check, value, what):
    problem = only_error(run_check(station(closed=f"{{from: 2026-11-20, alternative: {value}}}")))
    assert (problem.path, problem.line, problem.field) == (STATION, 11, "closed.alternative")
    assert problem.message.startswith(f"{value!r} is {what} (another service's id: ")


def test_stats_satisfaction_over_100(run_check):
    problem = only_error(run_check(station(stats="\n  - {year: 2025, visits: 3862, satisfaction: 101}")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 12, "stats[0].satisfaction", "101 is out of range (a number from 0 to 100)")


def test_stats_year_in_the_future_and_bad_numbers(run_check):
    report = run_check(station(stats="\n  - {year: 2027, visits: many, satisfaction: 95%}"))
    assert as_tuples(report.problems.errors) == [
        (STATION, 12, "stats[0].satisfaction", "'95%' is not a number (a number from 0 to 100)"),
        (STATION, 12, "stats[0].visits", "'many' is not a whole number (a whole number from 0 to 100000000)"),
        (STATION, 12, "stats[0].year", "2027 is out of range (a whole number from 1949 to 2026)"),
    ]


def test_translation_unknown_language(run_check):
    problem = only_error(run_check(station(translations="\n  fr:\n    name: Station")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 12, "translations.fr", "unknown key 'fr' (allowed keys: en, zh-Hant)")


def test_translation_unknown_key(run_check):
    problem = only_error(run_check(station(translations="\n  en:\n    nmae: Station")))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 13, "translations.en.nmae",
        "unknown key 'nmae' (did you mean 'name'? allowed keys: name, address, hours_note, description, operator)")


def test_translations_are_kept(run_check):
    report = run_check(station(translations="\n  en: {name: Test Station}\n  zh-Hant: {name: 測試站}"))
    assert report.problems.items == []
    assert report.directory.services["station"].translations["en"]["name"] == "Test Station"


# ---------------------------------------------------------------- site.yaml


@pytest.mark.parametrize("site, line, field, message", [
    ("title: 站\nbase_url: https://example.org/\n", 1, "crisis", "missing required key 'crisis' (site.yaml needs `crisis:`)"),
    ("title: 站\nbase_url: https://example.org/\ncrisis: []\n", 3, "crisis",
     "has 0 entries (1 to 3 hotlines for the top of every page)"),
    (SITE + '  - {label: 急救, phone: "120"}\n  - {label: 报警, phone: "110"}\n  - {label: 火警, phone: "119"}\n',
     3, "crisis", "has 4 entries (1 to 3 hotlines for the top of every page)"),
    (SITE.replace("https://example.org/xinli/", "example.org/xinli"), 2, "base_url",
     "'example.org/xinli' is not a web address (a full URL starting with https:// or http://)"),
    (SITE.replace("https://example.org/xinli/", "https://example.org/xinli/?from=wx"), 2, "base_url",
     "must not have ?query or #fragment (e.g. https://example.org/xinli/)"),
    (SITE + "timezone: Asia/Beijing\n", 5, "timezone",
     "'Asia/Beijing' is not a time zone (an IANA name such as Asia/Shanghai)"),
    (SITE + "titel: 另一个标题\n", 5, "titel",
     "unknown key 'titel' (did you mean 'title'? allowed keys: title, description, base_url, language, "
     "timezone, crisis, stale_after_days, edit_url, demo, quick_exit, languages, opencc, data_license, targets, search, far_km, footer, share_image)"),
    (SITE + "languages: [en, fr]\n", 5, "languages[1]", "'fr' is not allowed (one of: zh-Hant, en)"),
    (SITE + "stale_after_days: 0\n", 5, "stale_after_days", "0 is out of range (a whole number from 1 to 3650)"),
], ids=["no-crisis", "crisis-empty", "crisis-4", "base-url", "base-url-query", "timezone",
        "unknown-key", "languages", "stale-days"])
def test_site_yaml(run_check, site, line, field, message):
    problem = only_error(run_check({"site.yaml": site}))
    assert (problem.path, problem.line, problem.field, problem.message) == ("content/site.yaml", line, field, message)


def test_site_base_url_gets_a_trailing_slash(run_check):
    report = run_check({"site.yaml": SITE.replace("https://example.org/xinli/", "https://example.org/xinli")})
    assert report.problems.items == []
    assert (report.directory.site.base_url, report.directory.site.base_path) == (
        "https://example.org/xinli/", "/xinli/")


# ---------------------------------------------------------------- holidays.yaml

HOLIDAYS = """\
off:
  - {dates: 2026-10-01..2026-10-08, name: 国庆节、中秋节}
workdays:
  - {date: 2026-09-27, name: 国庆节调休上班, as: mon}
"""


def test_valid_holidays(run_check):
    report = run_check({"holidays.yaml": HOLIDAYS})
    assert report.problems.items == []
    calendar = report.directory.calendar
    assert len(calendar.off) == 8 and len(calendar.workdays) == 1


@pytest.mark.parametrize("text, line, field, message", [
    (HOLIDAYS.replace("2026-10-01..2026-10-08", "2026-10-08..2026-10-01"), 2, "off[0].dates",
     "'2026-10-08..2026-10-01' is not a range of up to 60 days (FIRST..LAST, e.g. 2026-10-01..2026-10-08)"),
    (HOLIDAYS.replace("2026-10-01..2026-10-08", "2026-10-01..2027-10-01"), 2, "off[0].dates",
     "'2026-10-01..2027-10-01' is not a range of up to 60 days (FIRST..LAST, e.g. 2026-10-01..2026-10-08)"),
    (HOLIDAYS.replace("2026-10-01..2026-10-08", "2026-10-01-2026-10-08"), 2, "off[0].dates",
     "'2026-10-01-2026-10-08' is not a date (YYYY-MM-DD, e.g. 2026-03-01)"),
    (HOLIDAYS.replace("2026-09-27", "2026-10-03"), 4, "workdays[0].date",
     "2026-10-03 is also listed under off (a day is either off or a workday)"),
    (HOLIDAYS.replace("as: mon", "as: monday"), 4, "workdays[0].as",
     "'monday' is not allowed (did you mean 'mon'? one of: mon, tue, wed, thu, fri, sat, sun)"),
    (HOLIDAYS.replace("off:", "of:"), 1, "of", "unknown key 'of' (did you mean 'off'? allowed keys: off, workdays)"),
], ids=["reversed", "too-long", "separator", "workday-off", "as", "unknown-key"])
def test_holidays_yaml(run_check, text, line, field, message):
    problem = only_error(run_check({"holidays.yaml": text}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/holidays.yaml", line, field, message)


# ---------------------------------------------------------------- articles and pages

EVENT = """\
title: 家长工作坊
date: 2026-11-01
category: event
event:
  start: 2026-12-05 14:00
  end: 2026-12-05 16:00
  place: 测试街道党群服务中心
  service: station
"""  # front matter lines 2-9


def test_article_missing_title_and_date(run_check):
    report = run_check({"articles/sleep.md": article("summary: 只有摘要\n")})
    assert as_tuples(report.problems.errors) == [
        ("content/articles/sleep.md", 2, "date", "missing required key 'date' (article front matter needs `date:`)"),
        ("content/articles/sleep.md", 2, "title", "missing required key 'title' (article front matter needs `title:`)"),
    ]


def test_article_missing_front_matter(run_check):
    problem = only_error(run_check({"articles/sleep.md": "# 睡眠\n\n正文\n"}))
    assert (problem.path, problem.line, problem.field) == ("content/articles/sleep.md", 1, "-")
    assert problem.message.startswith("missing front matter (the file must start with a line `---`")


def test_article_bad_category(run_check):
    problem = only_error(run_check({"articles/sleep.md": article("title: 睡眠\ndate: 2026-11-01\ncategory: sciense\n")}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/sleep.md", 4, "category",
        "'sciense' is not allowed (did you mean 'science'? one of: science, news, guide, event)")


def test_event_with_a_valid_service(run_check):
    report = run_check({"articles/workshop.md": article(EVENT)})
    assert report.problems.items == []
    event = report.directory.articles[0].event
    assert event.service.id == "station" and event.place == "测试街道党群服务中心"


def test_event_with_dangling_service_is_reported_at_the_service_line(run_check):
    problem = only_error(run_check({"articles/workshop.md": article(EVENT.replace("service: station", "service: statoin"))}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/workshop.md", 9, "event.service",
        "'statoin' is not a service (did you mean 'station'? a file name in services/ without .yaml)")


def test_event_end_before_start(run_check):
    problem = only_error(run_check({"articles/workshop.md": article(EVENT.replace("16:00", "12:00"))}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/workshop.md", 7, "event.end",
        "2026-12-05 12:00 is before the start 2026-12-05 14:00 (an end after the start)")


def test_event_start_without_time(run_check):
    problem = only_error(run_check({"articles/workshop.md": article(EVENT.replace("2026-12-05 14:00", "2026-12-05"))}))
    assert (problem.line, problem.field) == (6, "event.start")
    assert problem.message.startswith("'2026-12-05' is not a local date and time (")


def test_draft_is_not_published_and_cannot_be_linked(run_check, content_dir):
    draft = article("title: 草稿\ndate: 2026-11-01\ndraft: true\n")
    report = run_check({"articles/draft.md": draft})
    assert report.problems.items == [] and report.directory.articles == []
    linking = article(body="见[草稿](/articles/draft/)。\n")  # body on line 5
    report = check(content_dir({"articles/draft.md": draft, "articles/sleep.md": linking}), today=TODAY)
    problem = only_error(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/sleep.md", 5, "body",
        "link /articles/draft/ points at nothing (an existing published article: /articles/<slug>/)")


def test_translation_with_unknown_language(run_check):
    problem = only_error(run_check({"articles/sleep.md": article(), "articles/sleep.fr.md": article()}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/sleep.fr.md", 0, "-",
        "'sleep.fr.md': unknown translation language (name translations <slug>.en.md or <slug>.zh-Hant.md)")


def test_translation_without_base_article(run_check):
    problem = only_error(run_check({"articles/other.en.md": article("title: Other\ndate: 2026-11-01\n")}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/other.en.md", 0, "-",
        "translation of 'other', but articles/other.md does not exist (the default-language article must exist)")


def test_translation_inherits_date(run_check):
    report = run_check({"articles/sleep.md": article(), "articles/sleep.en.md": article("title: Sleep\n")})
    assert report.problems.items == []


def test_article_dated_in_the_future_is_a_warning(run_check):
    problem = only_warning(run_check({"articles/sleep.md": article("title: 睡眠\ndate: 2026-12-01\n")}))
    assert (problem.line, problem.field) == (3, "date")
    assert problem.message.startswith("2026-12-01 is in the future (")


def test_page_with_reserved_slug(run_check):
    problem = only_error(run_check({"pages/search.md": article("title: 搜索\n")}))
    assert (problem.path, problem.line, problem.field) == ("content/pages/search.md", 2, "-")
    assert problem.message.startswith("the page name 'search' is used by the site itself (rename the file; reserved: ")


@pytest.mark.parametrize("nav, message", [
    ("first", "'first' is not a whole number (a whole number from 0 to 1000)"),
    ("1.5", "1.5 is not a whole number (a whole number from 0 to 1000)"),
])
def test_page_nav_must_be_an_integer(run_check, nav, message):
    problem = only_error(run_check({"pages/about.md": article(f"title: 关于\nnav: {nav}\n")}))
    assert (problem.path, problem.line, problem.field, problem.message) == ("content/pages/about.md", 3, "nav", message)


def test_page_translation_without_base_page(run_check):
    problem = only_error(run_check({"pages/about.en.md": article("title: About\n")}))
    assert (problem.path, problem.line) == ("content/pages/about.en.md", 0)
    assert problem.message.startswith("translation of 'about', but pages/about.md does not exist (")


# ---------------------------------------------------------------- markdown


def test_dangling_link_in_article_body_counts_front_matter_lines(run_check):
    body = "第一段。\n\n见[不存在的服务](/services/nope/)。\n"  # file lines 5, 6, 7
    problem = only_error(run_check({"articles/sleep.md": article(body=body)}))
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/sleep.md", 7, "body",
        "link /services/nope/ points at nothing (an existing service: /services/<id>/ with <id> a file in services/)")


@pytest.mark.parametrize("link, expected", [
    ("/regions/nowhere/", "an existing area: /regions/<id>/ with <id> from regions.yaml"),
    ("/media/missing.jpg", "a file in media/: /media/<path>"),
    ("/nopage/", "a page /<slug>/ from pages/, or /services/, /regions/, /articles/, /media/ paths"),
])
def test_dangling_links_of_each_kind(run_check, link, expected):
    problem = only_error(run_check({"articles/sleep.md": article(body=f"[链接]({link})\n")}))
    assert (problem.line, problem.message) == (5, f"link {link} points at nothing ({expected})")


def test_valid_internal_links_are_rebased(run_check):
    body = ("[站](/services/station/) [街道](/regions/street/#services) [文](/articles/other/) "
            "[关于](/about/) [热线](/hotlines/) [图](/media/map.pdf)\n")
    report = run_check({"articles/sleep.md": article(body=body), "articles/other.md": article(),
                        "pages/about.md": article("title: 关于\n"), "media/map.pdf": b"%PDF-1.4\n"})
    assert report.problems.items == []
    html = next(a.html for a in report.directory.articles if a.slug == "sleep")
    assert 'href="/xinli/services/station/"' in html and 'href="/xinli/media/map.pdf"' in html


def test_dangling_link_in_service_description_block(run_check):
    report = run_check(station(description="|\n  第一行。\n  第二行见[服务](/services/nope/)。\n\n  第四行。"))
    problem = only_error(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 13, "description",
        "link /services/nope/ points at nothing (an existing service: /services/<id>/ with <id> a file in services/)")


def test_dangling_link_in_one_line_description(run_check):
    problem = only_error(run_check(station(description="见[区](/regions/nope/)。")))
    assert (problem.line, problem.field) == (11, "description")


def test_script_is_a_warning_at_its_line_and_the_build_succeeds(content_dir, tmp_path):
    body = "第一段。\n\n<script>alert(1)</script>\n\n第二段 <b onclick=\"x()\">粗</b>。\n"
    content = content_dir({"articles/sleep.md": article(body=body)})
    report = check(content, today=TODAY)
    assert report.problems.errors == []
    assert as_tuples(report.problems.warnings) == [
        ("content/articles/sleep.md", 7, "body", "raw HTML '<script' removed (scripts, event handlers, "
         "iframes, forms and javascript: links are not allowed in content)"),
        ("content/articles/sleep.md", 9, "body", "raw HTML 'onclick=' removed (scripts, event handlers, "
         "iframes, forms and javascript: links are not allowed in content)"),
    ]
    out = tmp_path / "out"
    built = build(content, out, today=TODAY, index=False)
    assert built.pages > 0
    html = (out / "articles" / "sleep" / "index.html").read_text(encoding="utf-8")
    assert "alert(1)" not in html and "onclick" not in html and "第二段" in html


def test_javascript_link_is_not_rendered_as_a_link(run_check):
    report = run_check({"articles/sleep.md": article(body="点[这里](javascript:alert(1))。\n")})
    problem = only_warning(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/sleep.md", 5, "body",
        "link 'javascript:alert(1)' removed (only http, https, tel and mailto links are allowed)")
    html = report.directory.articles[0].html
    assert "javascript" not in html and "href" not in html and "这里" in html


def test_image_without_alt_text(run_check):
    report = run_check({"articles/sleep.md": article(body="正文。\n\n![](/media/photo.jpg)\n"),
                        "media/photo.jpg": b"\xff\xd8\xff"})
    problem = only_warning(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/articles/sleep.md", 7, "body",
        "image /media/photo.jpg has no alt text (describe the image: ![description](/media/…))")


def test_heavy_media_file_is_a_warning_with_its_content_path(run_check):
    report = run_check({"media/big.jpg": b"\0" * 600_000})
    problem = only_warning(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        "content/media/big.jpg", 0, "-", "600 KB is heavy for residents on slow phones (keep media files under 500 KB)")


# ---------------------------------------------------------------- one pass, real data, CLI

BROKEN = {
    "site.yaml": SITE + "timezone: Asia/Beijing\n",
    "regions.yaml": REGIONS + "- {id: city, name: 重复, level: city}\n",
    "services/station.yaml": service(hours='\n  mon-fri: "09:00-12:00"\n  sat: 13:30'),
    "services/hotline.yaml": service(kind="hotline", address=None, location=None, phones='["call us"]'),
    "articles/sleep.md": article(body="见[服务](/services/nope/)。\n"),
}


def test_all_errors_are_reported_in_one_pass(run_check):
    report = run_check(BROKEN)
    assert as_tuples(report.problems.errors) == [
        ("content/articles/sleep.md", 5, "body", "link /services/nope/ points at nothing "
         "(an existing service: /services/<id>/ with <id> a file in services/)"),
        ("content/regions.yaml", 14, "[1].id", "area id 'city' is used twice (each id once; it is already used on line 1)"),
        ("content/services/hotline.yaml", 4, "phones[0]", "'call us' is not a phone number (digits with an "
         "area code, e.g. \"0755-55501234\", a mobile number, or a short number like \"12356\")"),
        ("content/services/station.yaml", 9, "hours.sat",
         'unquoted time 13:30 is read by YAML as the number 810 (put times in quotes: "13:30")'),
        ("content/site.yaml", 5, "timezone", "'Asia/Beijing' is not a time zone (an IANA name such as Asia/Shanghai)"),
    ]
    assert report.directory is None


def test_every_message_says_what_was_expected(run_check):
    """Messages follow `what is wrong (what was expected)`."""
    files = dict(BROKEN)
    files.update(station(kind="clinc", website="http://x.org/", email="a@b", stats="[{year: 1900}]"))
    files["holidays.yaml"] = "off:\n  - {dates: 2026-10-08..2026-10-01, name: 反}\n"
    files["pages/search.md"] = article("title: 搜索\nnav: x\n", "<iframe src=x></iframe>\n")
    report = run_check(files)
    assert len(report.problems.items) >= 10
    for problem in report.problems.items:
        assert re.search(r"\(.+\)", problem.message), problem


def test_real_published_data_has_no_errors():
    real = require_real()
    report = check(real, today=TODAY)
    assert report.problems.errors == []
    assert report.directory is not None and report.directory.services


def test_sample_content_has_no_errors_and_expected_warnings():
    report = check(ROOT / "content", today=TODAY)
    assert report.problems.errors == []
    warnings = report.problems.warnings
    located = [(Path(p.path).name, p.line, p.field) for p in warnings if p.field == "location"]
    assert located == [("luohu-liantang-station.yaml", 4, "location"),
                       ("nanshan-majialong-room.yaml", 4, "location")]
    assert all(p.message.startswith("missing: the page cannot link to maps")
               for p in warnings if p.field == "location")
    stale = sorted(Path(p.path).name for p in warnings if p.field == "verified")
    assert stale == ["futian-silver-care.yaml", "luohu-huangbeiling-room.yaml", "nanshan-dachong-room.yaml"]
    assert len(warnings) == 5


def test_stale_record_is_a_warning_at_its_verified_line(run_check):
    report = run_check(station(verified="2025-05-01"))
    problem = only_warning(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 10, "verified",
        "last checked 2025-05-01, 573 days ago: the page tells visitors it may be out of date "
        "(call the service, then update verified; stale_after_days is 180)")
    assert report.directory.services["station"].stale


def test_cli_check_prints_problems_and_exits_1(content_dir):
    content = content_dir(BROKEN)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SITE_BUILDER_TODAY": TODAY.isoformat()}
    result = subprocess.run([sys.executable, "-m", "site_builder", "check", "--content", "content"],
                            cwd=content.parent, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    problems = [PROBLEM_LINE.match(line) for line in lines[:-1]]
    assert all(problems), lines
    assert {m["path"] for m in problems} == {
        "content/site.yaml", "content/regions.yaml", "content/services/station.yaml",
        "content/services/hotline.yaml", "content/articles/sleep.md"}
    assert "content/services/station.yaml:9: hours.sat: unquoted time 13:30" in result.stderr
    assert lines[-1].startswith("5 error(s), 0 warning(s)")


def test_cli_check_on_valid_content_exits_0(content_dir):
    content = content_dir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SITE_BUILDER_TODAY": TODAY.isoformat()}
    result = subprocess.run([sys.executable, "-m", "site_builder", "check", "--content", str(content)],
                            env=env, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("ok: 1 services, 4 areas")


def test_translation_with_another_event_time_is_an_error_at_its_line(run_check):
    event = "title: 睡眠讲座\ndate: 2026-11-01\nevent: {start: 2026-12-10T19:00, place: 社区中心}\n"
    moved = "title: Sleep talk\nevent:\n  start: 2026-12-10T20:00\n  place: Community centre\n"
    problem = only_error(run_check({"articles/talk.md": article(event),
                                    "articles/talk.en.md": article(moved)}))
    assert (problem.path, problem.line, problem.field) == ("content/articles/talk.en.md", 4, "event.start")
    assert problem.message.startswith("2026-12-10 20:00 differs from the original article "
                                      "(2026-12-10 19:00 in articles/talk.md;")


def test_translation_may_repeat_the_original_date_and_translate_the_place(run_check):
    event = "title: 睡眠讲座\ndate: 2026-11-01\nevent: {start: 2026-12-10T19:00, place: 社区中心}\n"
    same = "title: Sleep talk\ndate: 2026-11-01\nevent: {start: 2026-12-10T19:00, place: Community centre}\n"
    report = run_check({"articles/talk.md": article(event), "articles/talk.en.md": article(same)})
    assert report.problems.items == []


def test_translation_with_another_category_is_an_error(run_check):
    problem = only_error(run_check({
        "articles/sleep.md": article("title: 睡眠\ndate: 2026-11-01\ncategory: science\n"),
        "articles/sleep.en.md": article("title: Sleep\ncategory: news\n")}))
    assert (problem.path, problem.line, problem.field) == ("content/articles/sleep.en.md", 3, "category")
