"""JSON Schemas (`site-builder schema`) agree with the validator.

The schemas are made from the declarations the validator reads (schema.py), so the
tests check the agreement from outside: on valid content (the sample, the real data,
a generated bench set) the schemas accept every file, and on broken variants of a
valid record the schemas reject exactly where `check` reports an error at the same
field. YAML is read here the way VS Code's YAML extension reads it (YAML 1.2 core
schema: `yes`, `13:30` and dates stay text), since that is what the schemas see there.

What the schemas cannot see is listed in LIMITS and asserted too, so that the docs'
list of what only `check` finds (docs/editor-tools.md) stays true.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import SITE, TODAY, article, service
from site_builder import schema
from site_builder.cli import main

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real-cn"  # shared/ sits beside the project
SCHEMAS = ROOT / "schemas"


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema, as the YAML extension of VS Code reads files."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("null", r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
]:
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_regexp), _first)


def load12(text: str):
    return yaml.load(text, Loader=Yaml12Loader)


def front(text: str):
    match = re.match(r"---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.S)
    assert match, "no front matter"
    return load12(match.group(1) or "") or {}


VALIDATORS = {name: jsonschema.Draft202012Validator(s) for name, s in schema.json_schemas().items()}
ARTICLE_TRANSLATION = jsonschema.Draft202012Validator(schema.article_schema(translation=True))


def schema_for(rel: str) -> jsonschema.Draft202012Validator | None:
    """The schema of a content file (relative path), as mapped in .vscode/settings.json."""
    if rel in ("site.yaml", "regions.yaml", "holidays.yaml"):
        return VALIDATORS[rel.replace(".yaml", ".schema.json")]
    if rel.startswith("services/") and rel.endswith(".yaml"):
        return VALIDATORS["service.schema.json"]
    if rel.startswith("articles/") and rel.endswith(".md"):
        return ARTICLE_TRANSLATION if rel.count(".") > 1 else VALIDATORS["article.schema.json"]
    if rel.startswith("pages/") and rel.endswith(".md"):
        return VALIDATORS["page.schema.json"]
    return None


def schema_errors(content: Path) -> dict[str, list[str]]:
    """Content file -> where and why the schema rejects it (absent when accepted)."""
    found = {}
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(content).as_posix()
        validator = schema_for(rel)
        if validator is None or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig")
        data = front(text) if path.suffix == ".md" else load12(text)
        errors = [f"{'.'.join(map(str, e.absolute_path)) or '-'}: {e.message}"
                  for e in validator.iter_errors(data)]
        if errors:
            found[rel] = errors
    return found


def error_fields(report) -> set[str]:
    return {p.field for p in report.problems.errors}


def schema_fields(data, name: str) -> set[str]:
    """Fields the schema rejects, named the way the validator names them (`phones[0]`)."""
    out = set()
    for error in VALIDATORS[name].iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties":  # the unknown key itself
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path = path + extra[:1]
        elif error.validator == "required":
            missing = re.match(r"'([^']+)' is a required property", error.message)
            path = path + [missing[1]]
        name_ = ""
        for part in path:
            name_ += f"[{part}]" if isinstance(part, int) else ("." if name_ else "") + str(part)
        out.add(name_ or "-")
    return out


# ---------------------------------------------------------------- the files


def test_committed_schemas_are_up_to_date():
    # Editors' tools read the committed files: they must be what `site-builder schema` writes.
    assert schema.stale_schemas(SCHEMAS) == [], "run: .venv/bin/site-builder schema"


def test_schemas_are_valid_draft_2020_12():
    for name, s in schema.json_schemas().items():
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(s)


def test_schema_command_writes_and_checks(tmp_path, capsys):
    out = tmp_path / "schemas"
    assert main(["schema", "--out", str(out), "--check"]) == 1
    assert "6 schema file(s)" in capsys.readouterr().err
    assert main(["schema", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(schema.json_schemas())
    assert main(["schema", "--out", str(out), "--check"]) == 0
    (out / "site.schema.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--out", str(out), "--check"]) == 1
    assert "site.schema.json" in capsys.readouterr().err


def test_every_key_has_a_chinese_description():
    def walk(node, where):
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                assert re.search(r"[\u4e00-\u9fff]", sub.get("description", "")), f"{where}.{key}"
            for key, sub in node.items():
                if key != "allOf":  # the conditions (address, a way to reach) have no keys
                    walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")
    for name, s in schema.json_schemas().items():
        walk(s, name)


def test_vocabularies_and_keys_come_from_the_validator_tables():
    from site_builder import validate, validate_service, vocab
    service = schema.json_schemas()["service.schema.json"]
    assert list(service["properties"]) == list(validate_service.SERVICE_KEYS)
    assert service["required"] == [k for k, req in validate_service.SERVICE_KEYS.items() if req]
    assert service["properties"]["kind"]["enum"] == list(vocab.KINDS)
    assert service["properties"]["audiences"]["items"]["enum"] == list(vocab.AUDIENCES)
    assert service["additionalProperties"] is False
    site = schema.json_schemas()["site.schema.json"]
    assert list(site["properties"]) == list(validate.SITE_KEYS)
    article_ = schema.json_schemas()["article.schema.json"]
    assert list(article_["properties"]) == list(validate.ARTICLE_KEYS)
    assert list(article_["properties"]["event"]["properties"]) == list(validate.EVENT_KEYS)


def test_vscode_settings_map_the_schemas():
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert mapping["schemas/service.schema.json"] == "content/services/*.yaml"
    for name in ("site", "regions", "holidays"):
        assert mapping[f"schemas/{name}.schema.json"] == f"content/{name}.yaml"
    for path in mapping:
        assert (ROOT / path).is_file()
    extensions = json.loads((ROOT / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


# ---------------------------------------------------- valid content agrees


def _check_folder(content: Path):
    from site_builder.build import check
    return check(content, today=TODAY)


def test_sample_content_is_accepted():
    assert schema_errors(ROOT / "content") == {}
    assert _check_folder(ROOT / "content").problems.errors == []


@pytest.mark.skipif(not REAL.is_dir(), reason="shared real data not present")
def test_real_data_is_accepted():
    assert schema_errors(REAL) == {}


def test_generated_bench_content_is_accepted(tmp_path):
    out = tmp_path / "bench"
    subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), "--services", "200",
                    "--out", str(out)], check=True, capture_output=True)
    assert _check_folder(out).problems.errors == []
    assert schema_errors(out) == {}


def test_scaffolded_files_are_accepted(content_dir):
    content = content_dir()
    assert main(["new", "service", "new-clinic", "--kind", "clinic", "--region", "street",
                 "--content", str(content)]) == 0
    assert main(["new", "service", "new-line", "--kind", "hotline", "--region", "city",
                 "--content", str(content)]) == 0
    assert main(["new", "article", "new-article", "--content", str(content)]) == 0
    assert schema_errors(content) == {}


# ------------------------------------------------ broken variants agree

# (description, service() changes, the field both report)
BROKEN_SERVICES = [
    ("unknown key", dict(adress="某路 1 号"), "adress"),
    ("bad kind", dict(kind="clinc"), "kind"),
    ("kind in Chinese", dict(kind="心理门诊"), "kind"),
    ("missing name", dict(name=None), "name"),
    ("missing hours", dict(hours=None), "hours"),
    ("missing verified", dict(verified=None), "verified"),
    ("empty name", dict(name='""'), "name"),
    ("name too long", dict(name="长" * 201), "name"),
    ("name is a list", dict(name="[a, b]"), "name"),
    ("bad cost", dict(cost="Free"), "cost"),
    ("bad audience", dict(audiences="[everyone, kids]"), "audiences[1]"),
    ("audiences not a list", dict(audiences="{a: 1}"), "audiences"),
    ("verified without zero padding", dict(verified="2026-9-30"), "verified"),
    ("verified with slashes", dict(verified="2026/09/30"), "verified"),
    ("bad crs", dict(location="{lat: 22.54, lon: 114.05, crs: GCJ02}"), "location.crs"),
    ("unknown location key", dict(location="{lat: 22.54, lon: 114.05, alt: 12}"), "location.alt"),
    ("lat is text", dict(location="{lat: north, lon: 114.05}"), "location.lat"),
    ("phones is a string", dict(phones='"0755-55500101"'), "phones"),
    ("phone is text", dict(phones='["总台"]'), "phones[0]"),
    ("phone entry without number", dict(phones="[{label: 总台}]"), "phones[0].number"),
    ("phone extension is not digits", dict(phones='[{number: "0755-55500101", ext: "8o1"}]'),
     "phones[0].ext"),
    ("bad website", dict(website="www.example.org"), "website"),
    ("website with words after it", dict(website='"http://example.org/ 或致电前台"'), "website"),
    ("website with a user name", dict(website='"https://www.gov.cn@evil.example/"'), "website"),
    ("website with backslashes", dict(website='"https:\\\\example.org"'), "website"),
    ("name with a direction control", dict(name='"测试站\u202e65321"'), "name"),
    ("bad email", dict(email="someone.example.org"), "email"),
    ("bad language tag", dict(languages="[粤语]"), "languages[0]"),
    ("bad hours word", dict(hours="24h"), "hours"),
    ("hours in Chinese days", dict(hours='\n  周一: "08:30-12:00"'), "hours.周一"),
    ("unquoted single time", dict(hours='\n  mon-fri: "08:30-12:00"\n  sat: 13:30'), "hours.sat"),
    ("hours range with full-width colon", dict(hours='\n  mon: "08：30-12:00"'), "hours.mon"),
    ("hours value in Chinese", dict(hours='\n  mon-fri: "08:30-12:00"\n  sat: 休息'), "hours.sat"),
    ("hours time that does not exist", dict(hours='\n  mon: "08:30-25:00"'), "hours.mon"),
    ("no address for a station", dict(address=None), "address"),
    ("no way to reach it", dict(phones=None), "-"),
    ("closure without from", dict(closed="{until: 2026-12-01}"), "closed.from"),
    ("stats year is text", dict(stats='[{year: "二〇二五"}]'), "stats[0].year"),
    ("satisfaction with %", dict(stats='[{year: 2025, satisfaction: "95%"}]'),
     "stats[0].satisfaction"),
    ("bad translation language", dict(translations="{fr: {name: Centre}}"), "translations.fr"),
    ("unknown translation key", dict(translations="{en: {title: Centre}}"), "translations.en.title"),
    ("other contact without value", dict(other_contacts="[{label: QQ}]"), "other_contacts[0].value"),
]


@pytest.mark.parametrize("what, changes, field", BROKEN_SERVICES, ids=[b[0] for b in BROKEN_SERVICES])
def test_schema_rejects_a_broken_service_where_check_does(run_check, what, changes, field):
    text = service(**changes)
    report = run_check({"services/station.yaml": text})
    assert field in error_fields(report), [str(p) for p in report.problems.errors]
    rejected = schema_fields(load12(text), "service.schema.json")
    # The schema names the same field, or an enclosing one where its alternatives (anyOf)
    # describe the value (hours, phones[0]), or the whole record (no way to reach it).
    assert any(related(field, r) for r in rejected), rejected
    # …and nothing that the validator finds right.
    assert all(any(related(f, r) for f in error_fields(report)) for r in rejected), rejected


def related(field: str, other: str) -> bool:
    """The same field, or one inside the other (`hours` and `hours.sat`); `-` is the record."""
    if "-" in (field, other) or field == other:
        return True
    a, b = sorted((field, other), key=len)
    return b.startswith(a + ".") or b.startswith(a + "[")


BROKEN_OTHERS = [
    ("site: unknown key", "site.yaml", SITE + "titel: x\n", "titel"),
    ("site: missing base_url", "site.yaml", SITE.replace("base_url: https://example.org/xinli/\n", ""),
     "base_url"),
    ("site: demo is yes-ish text", "site.yaml", SITE + 'demo: "yes"\n', "demo"),
    ("site: four crisis lines", "site.yaml", SITE + "".join(
        f'  - {{label: 热线{i}, phone: "1235{i}"}}\n' for i in range(3)), "crisis"),
    ("site: base_url with a query", "site.yaml", SITE.replace("/xinli/", "/xinli/?a=1"), "base_url"),
    ("site: stale_after_days out of range", "site.yaml", SITE + "stale_after_days: 0\n",
     "stale_after_days"),
    ("site: bad target level", "site.yaml", SITE + "targets: {clinic: {level: town, share: 1}}\n",
     "targets.clinic.level"),
    ("site: share over 1", "site.yaml", SITE + "targets: {clinic: {level: district, share: 80}}\n",
     "targets.clinic.share"),
    ("site: empty staged share", "site.yaml", SITE + "targets: {clinic: {level: district, share: []}}\n",
     "targets.clinic.share"),
    ("regions: bad id", "regions.yaml", "- {id: Shen_Zhen, name: 深圳市, level: city}\n", "[0].id"),
    ("regions: bad level", "regions.yaml", "- {id: sz, name: 深圳市, level: town}\n", "[0].level"),
    ("regions: missing name", "regions.yaml", "- {id: sz, level: city}\n", "[0].name"),
    ("regions: unknown key in a child", "regions.yaml",
     "- id: sz\n  name: 深圳市\n  level: city\n  children:\n    - {id: ft, name: 福田区, level: district, "
     "parent: sz}\n", "[0].children[0].parent"),
    ("holidays: bad range", "holidays.yaml", "off:\n  - {dates: 2026/10/01, name: 国庆节}\n",
     "off[0].dates"),
    ("holidays: bad weekday", "holidays.yaml",
     "workdays:\n  - {date: 2026-09-27, name: 调休, as: monday}\n", "workdays[0].as"),
    ("holidays: unknown key", "holidays.yaml", "holiday:\n  - {dates: 2026-10-01, name: 国庆节}\n",
     "holiday"),
]


@pytest.mark.parametrize("what, rel, text, field", BROKEN_OTHERS, ids=[b[0] for b in BROKEN_OTHERS])
def test_schema_rejects_broken_site_regions_holidays(run_check, what, rel, text, field):
    files = {rel: text}
    if rel == "regions.yaml":  # the sample service must still find its area
        files["services/station.yaml"] = service(region="sz")
    report = run_check(files)
    assert field in error_fields(report), [str(p) for p in report.problems.errors]
    rejected = schema_fields(load12(text), rel.replace(".yaml", ".schema.json"))
    assert field in rejected or (field.startswith("[") and f"-{field}"[1:] in rejected), rejected


BROKEN_FRONT_MATTER = [
    ("article: missing date", "articles/a.md", "title: 标题\n", "date", "article.schema.json"),
    ("article: bad category", "articles/a.md", "title: 标题\ndate: 2026-11-01\ncategory: sciense\n",
     "category", "article.schema.json"),
    ("article: draft as text", "articles/a.md", 'title: 标题\ndate: 2026-11-01\ndraft: "true"\n',
     "draft", "article.schema.json"),
    ("article: unknown key", "articles/a.md", "title: 标题\ndate: 2026-11-01\nauthor: 某人\n",
     "author", "article.schema.json"),
    ("article: event without place", "articles/a.md",
     'title: 标题\ndate: 2026-11-01\nevent: {start: "2026-12-05 14:00"}\n', "event.place",
     "article.schema.json"),
    ("article: event start not a time", "articles/a.md",
     "title: 标题\ndate: 2026-11-01\nevent: {start: 下午两点, place: 某地}\n", "event.start",
     "article.schema.json"),
    ("page: nav is text", "pages/p.md", "title: 关于\nnav: first\n", "nav", "page.schema.json"),
    ("page: unknown key", "pages/p.md", "title: 关于\nmenu: 1\n", "menu", "page.schema.json"),
]


@pytest.mark.parametrize("what, rel, front_text, field, name", BROKEN_FRONT_MATTER,
                         ids=[b[0] for b in BROKEN_FRONT_MATTER])
def test_schema_rejects_broken_front_matter(run_check, what, rel, front_text, field, name):
    report = run_check({rel: article(front_text)})
    assert field in error_fields(report), [str(p) for p in report.problems.errors]
    assert field in schema_fields(load12(front_text), name)


# ------------------------------------------------------------ honest limits

# What only `check` finds: the schema accepts these, the validator reports an error.
LIMITS = [
    ("region that does not exist (cross-reference)", dict(region="no-such-area"), "region"),
    ("verified in the future", dict(verified="2027-01-01"), "verified"),
    ("YAML 1.1 boolean word (`on`), text for VS Code", dict(wechat="on"), "wechat"),
    ("overlapping hours", dict(hours='\n  mon-fri: "08:00-12:00"\n  fri: "14:00-17:00"'), "hours.fri"),
    ("phone of an impossible length", dict(phones='["0755-555001011234567"]'), "phones[0]"),
]


@pytest.mark.parametrize("what, changes, field", LIMITS, ids=[x[0] for x in LIMITS])
def test_documented_limits_are_validator_only(run_check, what, changes, field):
    """docs/editor-tools.md lists these as found by `site-builder check` only."""
    text = service(**changes)
    report = run_check({"services/station.yaml": text})
    assert field in error_fields(report)
    assert schema_fields(load12(text), "service.schema.json") == set()


def test_swapped_coordinates_are_caught_by_both(run_check):
    # The schema has China's bounding box (from coords.py), so lat 114 is out of its range.
    text = service(location="{lat: 114.05, lon: 22.54}")
    assert error_fields(run_check({"services/station.yaml": text})) == {"location"}
    assert schema_fields(load12(text), "service.schema.json") == {"location.lat", "location.lon"}


def test_a_misspelled_key_is_also_missing_for_the_schema(run_check):
    # check reports `lng` once (did you mean 'lon'?); the schema cannot tell a misspelling,
    # so it also reports the missing `lon`.
    text = service(location="{lat: 22.54, lng: 114.05}")
    assert error_fields(run_check({"services/station.yaml": text})) == {"location.lng"}
    assert schema_fields(load12(text), "service.schema.json") == {"location.lng", "location.lon"}


def test_unquoted_time_is_caught_by_both(run_check):
    # YAML 1.1 (the builder) reads 13:30 as 810; YAML 1.2 (VS Code) as the text "13:30",
    # which is not a time range: both sides reject it, each in its own words.
    text = service(hours='\n  sat: 13:30')
    assert "hours.sat" in error_fields(run_check({"services/station.yaml": text}))
    assert load12(text)["hours"]["sat"] == "13:30"
    assert "hours" in schema_fields(load12(text), "service.schema.json")


def test_hours_syntax_accepted_by_both(run_check):
    for hours in ('24/7', 'by_appointment', 'unknown',
                  '\n  mon-thu: "8:30-12:00，13:30~17:30"\n  fri-sun: closed\n  holidays: "20:00-24:00"',
                  '\n  mon-sun: "20:00-08:00"\n  holidays: "09:00 – 12:00 、 13:00-14:00"',
                  '\n  mon-fri: "08:30-次日05:30"\n  sat: "20:00 - 次日 08:00"'):
        text = service(hours=hours)
        report = run_check({"services/station.yaml": text})
        assert report.problems.errors == [], hours
        assert schema_fields(load12(text), "service.schema.json") == set(), hours


def test_hotline_needs_no_address_in_either(run_check):
    text = service(kind="hotline", address=None, location=None)
    assert run_check({"services/station.yaml": text}).problems.errors == []
    assert schema_fields(load12(text), "service.schema.json") == set()


def test_cross_references_and_tree_rules_are_validator_only(run_check):
    regions = ("- id: city\n  name: 测试市\n  level: city\n  children:\n"
               "    - {id: street, name: 街道, level: street}\n"
               "    - {id: street, name: 同名, level: street}\n"
               "    - id: low\n      name: 社区\n      level: community\n      children:\n"
               "        - {id: lower, name: 区, level: district}\n")
    front_text = ('title: 活动\ndate: 2026-11-01\n'
                  'event: {start: "2026-12-05 14:00", place: 某地, service: no-such-service}\n')
    report = run_check({"regions.yaml": regions, "articles/a.md": article(front_text)})
    assert {p.field for p in report.problems.errors} == {
        "[0].children[1].id", "[0].children[2].children[0].level", "event.service"}
    assert schema_fields(load12(regions), "regions.schema.json") == set()
    assert schema_fields(load12(front_text), "article.schema.json") == set()


def _patterns() -> list[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, sub in node.items():
                if key == "pattern":
                    found.add(sub)
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)
    for s in schema.json_schemas().values():
        walk(s)
    return sorted(found)


SAMPLES = ["", " ", "abc", "Futian_Huafu", "futian-huafu", "名称", "a\u0001b", "第一段。\n\n第二段。",
           "https://example.org/xinli/", "http://a.b/?q=1", "www.example.org", "https://",
           "a@b.cn", "a.b.cn", "2026-11-01", "2026-9-30", "2026-13-01", "2026-10-01..2026-10-08",
           "2026-12-05 14:00", "2026-12-05T14:00:00", "下午两点", "0755-55500101", "+852 2389 2222",
           "（0755）5550 0103", "总台", "801", "8o1", "zh", "zh-Hant", "粤语", "closed", "休息",
           "08:30-12:00, 13:30-17:30", "8:30-12:00，13:30~17:30", "20:00-24:00", "24:00-08:00",
           "09:00 – 12:00 、 13:00-14:00", "08：30-12:00", "13:30", "08:30-25:00"]


@pytest.mark.skipif(not shutil.which("node"), reason="node not installed")
def test_patterns_mean_the_same_in_javascript():
    """VS Code runs the patterns as JavaScript regular expressions (with the u flag);
    jsonschema here as Python's. Both must compile and agree on typical values."""
    patterns = _patterns()
    script = ("const [ps, ss] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(ps.map(p => { const r = new RegExp(p, 'u');"
              " return ss.map(s => r.test(s)); })));")
    done = subprocess.run(["node", "-e", script], input=json.dumps([patterns, SAMPLES]),
                          capture_output=True, text=True, check=True)
    in_js = json.loads(done.stdout)
    for pattern, results in zip(patterns, in_js):
        in_python = [re.search(pattern, s) is not None for s in SAMPLES]
        assert in_python == results, pattern
