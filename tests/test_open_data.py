"""The open-data files of /data/: services.json against its own JSON Schema and against the
records, services.csv as Excel reads it (BOM, quoting, formulas neutralised), the GeoJSON
points in WGS-84, and the /open-data/ page that lists them."""
from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from sitecheck import SAMPLE, TODAY, build_site, copy_content
from site_builder.build import check
from site_builder.exports.catalogue import FILES, LIST_SEPARATOR, OPEN_DATA_PATHS
from site_builder.csvsafe import cell as neutralise_cell
from site_builder.exports.services import CSV_COLUMNS

HOSTILE_NAME = "=HYPERLINK(\"http://evil.example\",\"点我\")"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample site, with one record made hostile for spreadsheets."""
    root = tmp_path_factory.mktemp("open-data")
    content = copy_content(SAMPLE, root / "content")
    record = content / "services" / "futian-hualin-room.yaml"
    text = record.read_text(encoding="utf-8")
    text = text.replace("name: 华林社区心理咨询室", f"name: '{HOSTILE_NAME}'")
    text = text.replace("operator: 华林社区党群服务中心（示例）",
                        'operator: "@SUM(1+1), 含逗号和\\"引号\\""')
    text += 'description: "第一行\\n\\n-第二行以减号开头"\n'
    record.write_text(text, encoding="utf-8")
    out = build_site(content, root / "site", index=False)
    return content, out, check(content, TODAY).directory


def test_every_catalogued_file_is_written(site):
    _, out, _ = site
    missing = [p for p in OPEN_DATA_PATHS if not (out / p).is_file()]
    assert not missing
    assert (out / "data" / "near.json").is_file()  # "near me" keeps its own small file


def test_services_json_is_valid_against_its_published_schema(site):
    _, out, d = site
    doc = json.loads((out / "data/services.json").read_text(encoding="utf-8"))
    schema = json.loads((out / "data/services.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert not [e.message for e in validator.iter_errors(doc)]
    assert doc["license"] == "CC-BY-4.0" and doc["generated"] == TODAY.isoformat()
    # The schema really constrains: a record without its kind is refused.
    broken = json.loads(json.dumps(doc))
    del broken["services"][0]["kind"]
    assert list(validator.iter_errors(broken))


def test_services_json_has_every_record_as_written(site):
    _, out, d = site
    records = {r["id"]: r for r in json.loads((out / "data/services.json").read_text())["services"]}
    assert set(records) == set(d.services)
    room = records["futian-hualin-room"]
    assert room["name"] == HOSTILE_NAME  # JSON is not a spreadsheet: text stays as written
    assert room["hours"] == {"tue": "14:00-17:30", "thu": "14:00-17:30", "sat": "09:00-12:00"}
    assert room["location"]["gcj02"] == {"lat": 22.5546, "lon": 114.0946}  # as the editor wrote it
    assert room["phones"][0]["number"] == "0755-55500121"
    for sid, s in d.services.items():
        r = records[sid]
        assert (r["region"], r["kind"], r["verified"]) == (s.region.id, s.kind, s.verified.isoformat())
        assert r["audiences"] == list(s.audiences) and r["languages"] == list(s.languages)
        assert [p["number"] for p in r["phones"]] == [p.text for p in s.phones]
        assert (r["closed"] is None) == (s.closed is None)


def excel_rows(raw: bytes) -> list[list[str]]:
    """Read as Excel does a .csv on Chinese Windows: the BOM decides UTF-8, else GBK."""
    assert raw.startswith(b"\xef\xbb\xbf"), "without a BOM Excel reads the file as GBK"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_services_csv_opens_in_excel_with_one_row_per_service(site):
    _, out, d = site
    raw = (out / "data/services.csv").read_bytes()
    rows = excel_rows(raw)
    assert b"\r\n" in raw
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 1 + len(d.services)
    assert all(len(r) == len(CSV_COLUMNS) for r in rows)
    by_id = {r[0]: dict(zip(CSV_COLUMNS, r)) for r in rows[1:]}
    room = by_id["futian-hualin-room"]
    # Formula cells are neutralised, commas, quotes and line breaks survive quoting.
    assert room["name"] == "'" + HOSTILE_NAME
    assert room["operator"] == "'@SUM(1+1), 含逗号和\"引号\""
    assert room["audiences"] == LIST_SEPARATOR.join(d.services["futian-hualin-room"].audiences)
    assert not [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "-", "@")]
    for sid, s in d.services.items():
        row = by_id[sid]
        assert row["name"].lstrip("'") == s.name and row["region"] == s.region.id
        if s.point:
            assert abs(float(row["lat"]) - s.point.wgs84[0]) < 1e-6


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+8613800138000", "'+8613800138000"), ("-2", "'-2"), ("@x", "'@x"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("华林社区", "华林社区"), ("0755-555", "0755-555"),
    ("", ""),
])
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_geojson_points_are_wgs84_from_each_records_system(site):
    _, out, d = site
    doc = json.loads((out / "data/services.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    located = {sid: s for sid, s in d.services.items() if s.point}
    assert {f["id"] for f in doc["features"]} == set(located)
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        wgs = located[f["id"]].point.wgs84
        assert abs(lat - wgs[0]) < 1e-6 and abs(lon - wgs[1]) < 1e-6
    # futian-hualin-room is written in GCJ-02 (Amap): in Shenzhen the WGS-84 point lies
    # ~0.0027° north and ~0.0051° west of it (the published offset there).
    room = next(f for f in doc["features"] if f["id"] == "futian-hualin-room")
    lon, lat = room["geometry"]["coordinates"]
    assert 0.002 < lat - 22.5546 < 0.0035 and 0.0045 < 114.0946 - lon < 0.0058


def test_open_data_page_lists_every_file_licence_and_date(site):
    content, out, d = site
    page = HTMLParser((out / "open-data/index.html").read_text(encoding="utf-8"))
    links = [a.attributes["href"] for a in page.css(".open-data-files a")]
    assert links == [f"/xinli/{f.path}" for f in FILES]
    text = page.css_first("main").text()
    assert "CC-BY-4.0" in text and f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text
    home = HTMLParser((out / "index.html").read_text(encoding="utf-8"))
    assert "/xinli/open-data/" in [a.attributes.get("href") for a in home.css("footer a")]


def test_without_data_license_the_page_says_so(tmp_path):
    content = copy_content(SAMPLE, tmp_path / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text("\n".join(l for l in site_yaml.read_text(encoding="utf-8").splitlines()
                                   if not l.startswith("data_license")) + "\n", encoding="utf-8")
    out = build_site(content, tmp_path / "site", index=False)
    text = HTMLParser((out / "open-data/index.html").read_text(encoding="utf-8")).css_first("main").text()
    assert "未声明" in text
    assert json.loads((out / "data/services.json").read_text())["license"] is None
    assert "licenses" not in json.loads((out / "data/hsds/datapackage.json").read_text())


def test_exports_are_the_same_on_every_build(site, tmp_path):
    content, out, _ = site
    again = build_site(content, tmp_path / "again", index=False)
    for path in OPEN_DATA_PATHS:
        assert (again / path).read_bytes() == (out / path).read_bytes(), path
