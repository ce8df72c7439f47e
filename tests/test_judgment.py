"""Better judgment in `check`: copies of a record, points far from their district, hints
for Chinese names and Amap's spellings, YAML broken by invisible characters named as such,
one message for a file that cannot be read, and `build` refusing `new`'s placeholders."""
from __future__ import annotations

import pytest

from conftest import SITE, TODAY, only_error, only_warning, service
from site_builder.build import build, check
from site_builder.cli import main
from site_builder.errors import ContentError

STATION = "content/services/station.yaml"
OTHER = "content/services/other.yaml"


def run(content_dir, files):
    return check(content_dir(files), today=TODAY)


# ---------------------------------------------------------------- copies

def test_a_record_copied_under_a_new_file_name_is_warned_whatever_its_operator(content_dir):
    copy = service(operator="测试街道办事处")
    report = run(content_dir, {"services/station.yaml": service(operator="测试街道办事处"),
                               "services/other.yaml": copy})
    warnings = [w for w in report.problems.warnings if w.field != "phones[0]"]
    assert [(w.path, w.line, w.field, w.message) for w in warnings] == [(
        STATION, 1, "name", "same name as services/other.yaml, and the same address, phone and "
        "coordinates (a copy of that record? give each service a name of its own, e.g. with its "
        "street, or delete the copy)")]


def test_a_copy_with_another_name_is_warned(content_dir):
    report = run(content_dir, {"services/other.yaml": service(name="测试街道心理服务站（新）")})
    problem = only_warning(report) if len(report.problems.warnings) == 1 else next(
        w for w in report.problems.warnings if w.field == "name")
    assert (problem.path, problem.field, problem.message) == (
        STATION, "name", "same address, phone and coordinates as services/other.yaml under another "
        "name (a copy of that record? delete one, or correct it)")


def test_services_sharing_a_building_or_a_national_number_are_not_copies(content_dir):
    # One address, one short national number: several services of a hospital, hotlines.
    report = run(content_dir, {"services/other.yaml": service(
        name="测试医院心理门诊", kind="clinic", phones='["12356"]',
        location="{lat: 22.5401, lon: 114.0501, crs: gcj02}")})
    assert report.problems.items == []


# ---------------------------------------------------------------- far points

def _district(n: int, far: str) -> dict:
    files = {f"services/s{i}.yaml": service(
        name=f"测试站{i}", phones=f'["0755-5550020{i}"]',
        location=f"{{lat: {22.54 + i / 100}, lon: 114.05, crs: gcj02}}") for i in range(n)}
    files["services/station.yaml"] = service(location=far)
    return files


def test_a_point_far_from_the_other_services_of_its_district_is_warned(content_dir):
    report = run(content_dir, _district(3, "{lat: 23.44, lon: 114.05, crs: gcj02}"))
    problem = only_warning(report)
    assert (problem.path, problem.line, problem.field, problem.message) == (
        STATION, 5, "location", "is 98 km from the nearest other service of 测试区 (测试站2): "
        "check the coordinates and their crs (warned past far_km: 30 km, set in site.yaml)")


def test_far_km_is_set_in_site_yaml(content_dir):
    files = _district(3, "{lat: 23.44, lon: 114.05, crs: gcj02}")
    report = run(content_dir, {**files, "site.yaml": SITE + "far_km: 100\n"})
    assert report.problems.items == []
    report = run(content_dir, _district(3, "{lat: 22.70, lon: 114.05, crs: gcj02}"))
    assert report.problems.items == []  # 16 km from the next one: fine


# ---------------------------------------------------------------- hints

@pytest.mark.parametrize("changes, line, field, message", [
    ({"kind": "心理咨询室"}, 2, "kind", "'心理咨询室' is not allowed (did you mean 'counseling_room'? "
     "one of: guidance_center, service_station, counseling_room, clinic, hotline, school, online, "
     "organization, rehabilitation)"),
    ({"region": "测试社区"}, 3, "region", "'测试社区' is not an area in regions.yaml (did you mean "
     "'community'? an id from regions.yaml)"),
    ({"location": "{lat: 22.54, lon: 114.05, crs: GCJ-02}"}, 5, "location.crs",
     "'GCJ-02' is not allowed (did you mean 'gcj02'? one of: wgs84, gcj02, bd09)"),
    ({"location": "{lat: 22.54, lon: 114.05, crs: 百度}"}, 5, "location.crs",
     "'百度' is not allowed (did you mean 'bd09'? one of: wgs84, gcj02, bd09)"),
    ({"phones": '["0755-55500101分机8021"]'}, 6, "phones[0]", "'0755-55500101分机8021' is a number "
     'with an extension (write {number: "0755-55500101", ext: "8021"}; the page dials the number, '
     "then the extension)"),
    ({"phones": '["0755-55500101 ext. 12"]'}, 6, "phones[0]", "'0755-55500101 ext. 12' is a number "
     'with an extension (write {number: "0755-55500101", ext: "12"}; the page dials the number, '
     "then the extension)"),
], ids=["kind", "region", "crs-gcj", "crs-baidu", "fenji", "ext"])
def test_hints_for_what_editors_copy(content_dir, changes, line, field, message):
    problem = only_error(run(content_dir, {"services/station.yaml": service(**changes)}))
    assert (problem.path, problem.line, problem.field, problem.message) == (STATION, line, field, message)


@pytest.mark.parametrize("text, line, message", [
    (service(name="测试站").replace("name: ", "name：", 1), 1,
     "a full-width colon (：) after `name` breaks YAML (write `name: ` with an ordinary colon and a space)"),
    (service().replace("kind: ", "kind:\u00a0", 1), 2,
     "a no-break space (U+00A0) after `kind` breaks YAML (write `kind: ` with an ordinary colon and a space)"),
    (service().replace("\n  mon-fri", "\n\u3000mon-fri", 1), 8,
     "a full-width space (U+3000) in the indentation breaks YAML (indent with ordinary spaces; "
     "copied text often brings them)"),
    (service().replace("\n  mon-fri", "\n\tmon-fri", 1), 8,
     "a Tab in the indentation breaks YAML (indent with ordinary spaces; copied text often brings them)"),
], ids=["full-width-colon", "nbsp", "ideographic-space", "tab"])
def test_what_breaks_yaml_is_named(content_dir, text, line, message):
    problem = only_error(run(content_dir, {"services/station.yaml": text}))
    assert (problem.path, problem.line, problem.field, problem.message) == (STATION, line, "-", message)


# ------------------------------------------------------ a file that cannot be read

def test_what_points_at_a_file_that_cannot_be_read_is_not_reported(content_dir):
    broken = service().replace("\n  mon-fri", "\n\tmon-fri", 1)
    report = run(content_dir, {
        "services/station.yaml": broken,
        "services/other.yaml": service(name="另一个站", phones='["0755-55500102"]',
                                       location="{lat: 22.55, lon: 114.06, crs: gcj02}",
                                       closed="{from: 2026-11-01, alternative: station}"),
        "articles/visit.md": "---\ntitle: 去服务站\ndate: 2026-11-01\n---\n[服务站](/services/station/)\n",
        "articles/sleep.md": "---\ntitle: 睡眠\ndate: 2026-11-01\n\tsummary: x\n---\n正文\n",
        "articles/sleep.en.md": "---\ntitle: Sleep\n---\n[see](/articles/sleep/)\n",
    })
    assert [(p.path, p.line) for p in report.problems.errors] == [
        ("content/articles/sleep.md", 4), (STATION, 8)]


# ---------------------------------------------------------------- placeholders

def test_build_refuses_new_placeholders_that_check_only_warns_about(content_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    content = content_dir()
    assert main(["new", "service", "new-one", "--kind", "hotline", "--region", "street",
                 "--content", str(content)]) == 0
    placeholders = [w for w in check(content, today=TODAY).problems.warnings if "placeholder" in w.message]
    assert [str(w) for w in placeholders][0] == (
        "content/services/new-one.yaml:9: name: '待填写：服务点名称' is a placeholder to fill in (the "
        "real text in place of 待填写…); build refuses it until then")
    out = tmp_path / "out"
    with pytest.raises(ContentError) as raised:
        build(content, out, today=TODAY, index=False)
    assert [(p.line, p.field) for p in raised.value.problems] == [(w.line, w.field) for w in placeholders]
    assert str(raised.value.problems[0]) == (
        "content/services/new-one.yaml:9: name: '待填写：服务点名称' is still a placeholder of "
        "`site-builder new`, which build does not publish (write the real text in place of it, or "
        "delete the line; `check` lists every placeholder left)")
    assert not out.exists()
    # A demo site (`init`'s starting site, the sample) is built with them, and a draft article too.
    (content / "site.yaml").write_text(SITE + "demo: true\n", encoding="utf-8")
    assert build(content, out, today=TODAY, index=False).pages > 0


def test_a_draft_article_with_placeholders_does_not_stop_the_build(content_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    content = content_dir()
    assert main(["new", "article", "winter", "--content", str(content)]) == 0
    assert build(content, tmp_path / "out", today=TODAY, index=False).pages > 0


def test_one_number_on_two_records_is_warned_whatever_the_operator_unless_labelled_shared(content_dir):
    other = service(name="测试医院心理门诊", kind="clinic", operator="测试街道办事处",
                    location="{lat: 22.5401, lon: 114.0501, crs: gcj02}")
    report = run(content_dir, {"services/station.yaml": service(operator="测试街道办事处"),
                               "services/other.yaml": other})
    problem = only_warning(report)
    assert (problem.path, problem.field, problem.message) == (
        STATION, "phones[0]", "same number as services/other.yaml (check that it is right; a number "
        "that services share on purpose gets a label saying so, such as {number: …, label: 总机})")
    shared = '[{number: "0755-55500101", label: 总机}]'
    report = run(content_dir, {"services/station.yaml": service(phones=shared),
                               "services/other.yaml": other})
    assert report.problems.items == []


def test_links_to_areas_are_not_judged_while_regions_yaml_cannot_be_read(content_dir):
    report = run(content_dir, {
        "regions.yaml": "- id: city\n  name：测试市\n  level: city\n",
        "articles/area.md": "---\ntitle: 本区\ndate: 2026-11-01\n---\n[测试区](/regions/district/)\n"})
    assert [(p.path, p.line, p.message) for p in report.problems.errors] == [
        ("content/regions.yaml", 2, "a full-width colon (：) after `name` breaks YAML (write `name: ` "
         "with an ordinary colon and a space)")]
