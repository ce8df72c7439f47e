"""The Open Referral HSDS 3.0 export and import.

Export: the JSON documents are validated with jsonschema against HSDS's compiled
`*_package` schemas, and the CSV data package against HSDS's tabular schema
(`schema/compiled/tabular.json`, the tables as arrays of rows), its columns, required
values and foreign keys. An empty CSV cell is an absent value, except in text columns
that HSDS requires and the content format does not know (an address's postal code,
and its province when regions.yaml has no province): there it is the empty text the
JSON documents also carry (see docs/open-data.md).

Import: the official examples (JSON and CSV) become records that build, with every
field that could not be mapped reported; and export → import → build gives the same
service pages, from the JSON and from the CSV.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from sitecheck import ROOT, SAMPLE, TODAY, build_site, copy_content, require_real
from site_builder.build import check
from site_builder.cli import main
from site_builder.exports.catalogue import HSDS_CSV_PATHS
from site_builder.exports.hsds import table_schemas

HSDS = ROOT.parent / "shared" / "data" / "hsds-3.0"
COMPILED = HSDS / "schema" / "compiled"
EXAMPLES = HSDS / "examples"
DOCUMENTS = {"services": "service_package", "organizations": "organization_package",
             "service_at_locations": "service_at_location_package"}


def require_hsds() -> None:
    """CI always has ../shared beside the clone: there its absence is a failure."""
    if not HSDS.is_dir():
        message = f"{HSDS} is absent (the shared/ folder must sit beside the project)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("hsds")
    content = copy_content(SAMPLE, root / "content")
    out = build_site(content, root / "site", index=False)
    return content, out, check(content, TODAY).directory


def validator(name: str) -> jsonschema.Validator:
    schema = json.loads((COMPILED / f"{name}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("document", DOCUMENTS)
def test_json_documents_are_valid_hsds(exported, document):
    require_hsds()
    _, out, d = exported
    data = json.loads((out / f"data/hsds/{document}.json").read_text(encoding="utf-8"))
    v = validator(DOCUMENTS[document])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(data)]
    assert not errors, errors[:10]
    assert data
    # The schema is not a formality: a service without its status is refused.
    if document == "services":
        broken = json.loads(json.dumps(data))
        del broken[0]["status"]
        assert list(v.iter_errors(broken))


def test_json_services_match_the_records(exported):
    _, out, d = exported
    services = json.loads((out / "data/hsds/services.json").read_text(encoding="utf-8"))
    assert len(services) == len(d.services)
    by_record = {next(a["value"] for a in s["attributes"]
                      if a["taxonomy_term"]["code"] == "record_id"): s for s in services}
    assert set(by_record) == set(d.services)
    room = by_record["futian-hualin-room"]
    assert room["name"] == "华林社区心理咨询室" and room["status"] == "active"
    assert [p["number"] for p in room["phones"]] == ["0755-55500121"]
    weekly = [s for s in room["schedules"] if "valid_from" not in s]
    assert sorted((s["byday"], s["opens_at"], s["closes_at"]) for s in weekly) == [
        ("SA", "09:00:00", "12:00:00"), ("TU,TH", "14:00:00", "17:30:00")]
    # Public holidays (holidays.yaml) are dated schedules: closed by default.
    holiday = [s for s in room["schedules"] if "valid_from" in s and "法定节假日" in s["description"]]
    assert holiday and all("opens_at" not in s for s in holiday)
    location = room["service_at_locations"][0]["location"]
    wgs = d.services["futian-hualin-room"].point.wgs84
    assert (location["latitude"], location["longitude"]) == wgs
    assert location["addresses"][0]["address_1"].startswith("深圳市福田区园岭街道八卦路 12 号")
    assert [a["details"] for a in location["accessibility"]] == ["wheelchair"]
    closed = next(s for s in services if s["status"] == "temporarily closed")
    assert any(sch.get("description", "").startswith("暂停服务") for sch in closed["schedules"])
    assert closed["alert"].startswith("暂停服务")


def test_ids_are_stable_uuids_derived_from_record_ids(exported, tmp_path):
    content, out, _ = exported
    again = build_site(content, tmp_path / "again", index=False)
    first = (out / "data/hsds/services.json").read_text(encoding="utf-8")
    assert (again / "data/hsds/services.json").read_text(encoding="utf-8") == first
    # Another site (base_url) with the same record ids gets other ids.
    other = copy_content(SAMPLE, tmp_path / "other", base_url="https://other.example/")
    elsewhere = build_site(other, tmp_path / "elsewhere", index=False)
    ids = {s["id"] for s in json.loads(first)}
    assert not ids & {s["id"] for s in json.loads((elsewhere / "data/hsds/services.json").read_text())}


def read_tables(folder: Path) -> dict[str, tuple[list[str], list[dict]]]:
    out = {}
    for schema in table_schemas():
        with (folder / schema["path"]).open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            out[schema["name"]] = header, [dict(zip(header, row)) for row in reader]
    return out


def test_csv_datapackage_is_valid_hsds(exported):
    require_hsds()
    _, out, d = exported
    folder = out / "data/hsds"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert [f"data/hsds/{r['path']}" for r in package["resources"]] == list(HSDS_CSV_PATHS)
    tabular = json.loads((COMPILED / "tabular.json").read_text(encoding="utf-8"))["properties"]
    tables = read_tables(folder)
    doc, ids = {}, {}
    for resource in package["resources"]:
        name = resource["name"]
        header, rows = tables[name]
        hsds_fields = [k for k, v in tabular[name]["items"]["properties"].items()
                       if v.get("type") not in ("array", "object") and "$ref" not in v]
        assert header == hsds_fields == [f["name"] for f in resource["schema"]["fields"]], name
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        required = {f["name"] for f in resource["schema"]["fields"] if f["constraints"]["required"]}
        typed = []
        for row in rows:
            for field in required - {"state_province", "postal_code"}:
                assert row[field] != "", (name, field, row)
            item = {}
            for key, value in row.items():
                if value == "" and not (types[key] == "string" and key in required):
                    continue  # an empty cell is an absent value
                item[key] = float(value) if types[key] == "number" else value
            typed.append(item)
        doc[name] = typed
        ids[name] = [r["id"] for r in rows]
        assert len(set(ids[name])) == len(ids[name]), f"{name}: ids not unique"
    v = jsonschema.Draft7Validator({"type": "object", "properties": tabular},
                                   format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(doc)]
    assert not errors, errors[:10]
    for resource in package["resources"]:  # every foreign key points at a row
        for fk in resource["schema"].get("foreignKeys", []):
            targets = set(ids[fk["reference"]["resource"]])
            for row in tables[resource["name"]][1]:
                assert row[fk["fields"]] in targets | {""}, (resource["name"], fk, row)
    assert len(doc["service"]) == len(d.services)


def test_shipped_table_schemas_are_hsds_own(exported):
    """site_builder/exports/hsds-3.0-tables.json is what scripts/hsds_tables.py makes from
    the shared HSDS schemas: a change on either side shows here."""
    require_hsds()
    sys.path.insert(0, str(ROOT / "scripts"))
    import hsds_tables
    assert hsds_tables.make(HSDS / "schema") == table_schemas()


# ----------------------------------------------------------------- import

def minimal_content(target: Path) -> Path:
    target.mkdir()
    for name in ("site.yaml", "regions.yaml", "holidays.yaml"):
        shutil.copy(SAMPLE / name, target / name)
    return target


def run_import(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["import", "hsds", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("example", ["service_full.json", "service_list.json",
                                     "organization_full.json", "service_at_location_full.json",
                                     "service_at_location_list.json", "csv", "tabular.json"])
def test_official_examples_import_and_build(example, tmp_path, capsys, monkeypatch):
    require_hsds()
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    content = minimal_content(tmp_path / "content")
    source = EXAMPLES / example
    code, out, err = run_import([str(source), "--out", str(content), "--region", "futian"], capsys)
    assert code == 0, err
    written = sorted((content / "services").glob("*.yaml"))
    assert [p.name for p in written] == ["community-counselling.yaml"]
    text = written[0].read_text(encoding="utf-8")
    assert 'name: "Community Counselling"' in text and '"email@example.com"' in text
    lines = err.splitlines()
    # Each unmapped field is one line `PATH: record <id>: field: why`.
    assert lines and all(": record ac148810-d857-441c-9679-408f346de14b: " in l for l in lines)
    fields = {l.split(": ")[2] for l in lines}
    assert {"kind", "region"} <= fields  # HSDS has no kind; MyCity is not in regions.yaml
    if example != "service_list.json":  # (a list has no locations)
        assert "location" in fields  # 100, 101 is not a point in China
    if example in ("service_full.json", "organization_full.json", "csv", "tabular.json"):
        assert {"schedules", "accessibility", "contacts"} <= fields
        assert 'hours: "unknown"' in text and "10 am to 6pm" in text  # kept in hours_note
        assert '"+44 1234 234567"' in text  # the literal quotes of the example are removed
    site = build_site(content, tmp_path / "site", index=False)
    assert (site / "services/community-counselling/index.html").is_file()


def test_without_region_a_record_is_reported_not_guessed(tmp_path, capsys):
    require_hsds()
    content = minimal_content(tmp_path / "content")
    code, out, err = run_import([str(EXAMPLES / "service_full.json"), "--out", str(content)], capsys)
    assert code == 1
    assert "region: no area in regions.yaml matches" in err
    assert not list((content / "services").glob("*.yaml"))


def test_data_of_an_unexpected_shape_is_reported_per_record(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    content = minimal_content(tmp_path / "content")
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps([
        {"id": "a", "name": "心理门诊", "status": "active", "languages": "zh",
         "phones": ["0755-55500121", {"number": "0755-55500121"}],
         "schedules": [{"id": "s", "freq": "WEEKLY", "byday": "mo,tu", "opens_at": "08:30",
                        "closes_at": "17:30+08:00"}]},
        {"id": "b", "status": "active", "email": "x@example.org"},
        {"id": "c", "name": "Old", "status": "defunct", "email": "x@example.org"},
    ], ensure_ascii=False), encoding="utf-8")
    code, out, err = run_import([str(odd), "--out", str(content), "--region", "futian"], capsys)
    assert code == 0
    assert f"{odd}: record a: languages: is str, not a list of objects: left out" in err
    assert f"{odd}: record a: phones: 1 entry is not objects: left out" in err
    assert f"{odd}: record b: name: missing" in err and f"{odd}: record c: status: 'defunct'" in err
    text = (content / "services" / "xin-li-men-zhen.yaml").read_text(encoding="utf-8")
    assert 'mon: "08:30-17:30"' in text and 'tue: "08:30-17:30"' in text
    assert check(content, TODAY).problems.errors == []


def test_unreadable_input_is_an_error_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code = main(["import", "hsds", str(bad), "--out", str(tmp_path / "c"), "--region", "x"])
    assert code == 2 and "not a JSON document" in capsys.readouterr().err


def main_text(page: Path) -> str:
    return HTMLParser(page.read_text(encoding="utf-8")).css_first("main").html


@pytest.mark.parametrize("form", ["data/hsds/services.json", "data/hsds"])
def test_round_trip_gives_the_same_service_pages(exported, form, tmp_path, capsys, monkeypatch):
    """Export the sample → import the HSDS files into a copy without services → build:
    every service page's main content is the same (hours, holidays, closure, phones,
    map links, operator, description …)."""
    content, out, d = exported
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    again = copy_content(content, tmp_path / "content")
    shutil.rmtree(again / "services")
    code, _, err = run_import([str(out / form), "--out", str(again)], capsys)
    assert code == 0 and not err.strip(), err
    site = build_site(again, tmp_path / "site", index=False)
    for sid in d.services:
        page = f"services/{sid}/index.html"
        assert main_text(site / page) == main_text(out / page), sid


def test_command_line_entry_point(tmp_path):
    require_hsds()
    content = minimal_content(tmp_path / "content")
    done = subprocess.run([sys.executable, "-m", "site_builder", "import", "hsds",
                           str(EXAMPLES / "csv"), "--out", str(content), "--region", "futian"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "imported 1 service(s)" in done.stdout


def test_real_published_data_exports_valid_hsds_and_round_trips(tmp_path, capsys, monkeypatch):
    """shared/data/real-cn: province-level areas, hotlines without address, overnight lines,
    unknown hours, no coordinates."""
    require_hsds()
    real = require_real()
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    out = build_site(real, tmp_path / "site", index=False)
    for document, schema in DOCUMENTS.items():
        data = json.loads((out / f"data/hsds/{document}.json").read_text(encoding="utf-8"))
        errors = [e.message for e in validator(schema).iter_errors(data)]
        assert not errors, (document, errors[:5])
    services = json.loads((out / "data/hsds/services.json").read_text(encoding="utf-8"))
    beijing = [s for s in services for a in s["service_areas"] if a["uri"].endswith("/regions/beijing/")]
    assert beijing  # a municipality: the province-level area
    again = copy_content(real, tmp_path / "content")
    shutil.rmtree(again / "services")
    code, _, err = run_import([str(out / "data/hsds"), "--out", str(again)], capsys)
    assert code == 0 and not err.strip(), err
    site = build_site(again, tmp_path / "again", index=False)
    d = check(real, TODAY).directory
    for sid in d.services:
        page = f"services/{sid}/index.html"
        assert main_text(site / page) == main_text(out / page), sid
