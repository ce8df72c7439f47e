"""Coverage against site.yaml's targets: staged shares, the arithmetic on a hand-made area
tree (skipped levels, areas without children), science activities, the dashboard page
and `site-builder report coverage`."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import SITE, TODAY, article, only_error, service
from sitecheck import SAMPLE, build_site, copy_content
from site_builder.build import build, check
from site_builder.cli import main
from site_builder.coverage import SCIENCE_MINIMUM, Tally, coverage
from site_builder.csvsafe import cell as neutralise_cell

# city › d1 › s1 › c1 c2 c3;  d1 › s2 (no communities);  d1 › c4 (no street: a skipped level)
# city › d2 › s3 › c5;  city › d3 (no children at all)
TREE = """\
- id: city
  name: 测试市
  level: city
  children:
    - id: d1
      name: 甲区
      level: district
      children:
        - id: s1
          name: 一街道
          level: street
          children:
            - {id: c1, name: 一社区, level: community}
            - {id: c2, name: 二社区, level: community}
            - {id: c3, name: 三社区, level: community}
        - {id: s2, name: 二街道, level: street}
        - {id: c4, name: 四社区, level: community}
    - id: d2
      name: 乙区
      level: district
      children:
        - id: s3
          name: 三街道
          level: street
          children:
            - {id: c5, name: 五社区, level: community}
    - {id: d3, name: 丙区, level: district}
"""
TARGETS = """\
targets:
  counseling_room:
    level: community
    share:
      - {year: 2027, share: 0.9}
      - {year: 2019, share: 0.2}
      - {year: 2020, share: 0.5}
  service_station: {level: street, share: 0.8}
  guidance_center:
    level: district
    share: [{year: 2027, share: 1.0}]
"""


def _service(kind: str, region: str, n: int) -> str:
    return service(name=f"服务点{n}", kind=kind, region=region, phones=f'["0755-555001{n:02d}"]')


SERVICES = {
    "services/station.yaml": _service("service_station", "s1", 1),
    "services/room-c1.yaml": _service("counseling_room", "c1", 2),
    "services/room-c2.yaml": _service("counseling_room", "c2", 3),
    "services/room-c4.yaml": _service("counseling_room", "c4", 4),
    # A station filed under a community counts for its street (and district).
    "services/station-c5.yaml": _service("service_station", "c5", 5),
    "services/centre-d1.yaml": _service("guidance_center", "d1", 6),
    # Another kind in c5: does not cover c5 for counseling rooms.
    "services/clinic-c5.yaml": _service("clinic", "c5", 7),
}


@pytest.fixture
def tree(run_check):
    report = run_check({"site.yaml": SITE + TARGETS, "regions.yaml": TREE, **SERVICES})
    assert not report.problems.errors, [str(p) for p in report.problems.errors]
    return report.directory


def _rows(tallies: list[Tally]) -> dict[str, tuple]:
    return {t.area.id: (t.covered, t.areas, t.met) for t in tallies}


def test_staged_target_in_force_is_the_latest_begun_year(tree):
    target = tree.site.targets["counseling_room"]
    assert target.stages == ((2019, 0.2), (2020, 0.5), (2027, 0.9))  # in year order
    assert target.share_on(date(2018, 12, 31)) is None  # none begun yet: no target
    assert target.share_on(date(2019, 1, 1)) == 0.2
    assert target.share_on(TODAY) == 0.5
    assert target.share_on(date(2027, 1, 1)) == 0.9
    assert tree.site.targets["service_station"].stages == ((None, 0.8),)


def test_community_coverage_per_district_and_street(tree):
    room = next(t for t in coverage(tree).targets if t.kind == "counseling_room")
    assert room.stage == (2020, 0.5) and room.next_stage == (2027, 0.9)
    # c1, c2, c4 of c1…c5 have a room: 3/5 = 60 % ≥ 50 %.
    assert (room.total.covered, room.total.areas, room.total.met) == (3, 5, True)
    assert _rows(room.groups["district"]) == {"d1": (3, 4, True), "d2": (0, 1, False),
                                              "d3": (0, 0, None)}
    # c4 has no street: counted in its district and the total only; s2 has no communities.
    assert _rows(room.groups["street"]) == {"s1": (2, 3, True), "s2": (0, 0, None),
                                            "s3": (0, 1, False)}
    assert [r.id for r in room.uncovered] == ["c3", "c5"]


def test_street_and_district_targets(tree):
    cov = {t.kind: t for t in coverage(tree).targets}
    station = cov["service_station"]
    # s1 (its own station) and s3 (a station in c5, below it) of s1, s2, s3: 2/3 < 80 %.
    assert (station.total.covered, station.total.areas, station.total.met) == (2, 3, False)
    assert _rows(station.groups["district"]) == {"d1": (1, 2, False), "d2": (1, 1, True),
                                                 "d3": (0, 0, None)}
    assert "street" not in station.groups  # streets are the target's own level
    assert [r.id for r in station.uncovered] == ["s2"]
    centre = cov["guidance_center"]
    # Staged from 2027 only: nothing in force on the build date, so no verdict.
    assert centre.stage is None and centre.next_stage == (2027, 1.0)
    assert (centre.total.covered, centre.total.areas, centre.total.met) == (1, 3, None)
    assert [r.id for r in centre.uncovered] == ["d2", "d3"]


def test_shares_compare_exactly():
    assert Tally(None, 5, 4, 0.8).met is True  # 4/5 is 0.8, whatever float rounding says
    assert Tally(None, 10, 7, 0.7).met is True
    assert Tally(None, 3, 1, 1 / 3).met is True
    assert Tally(None, 3, 1, 0.34).met is False
    assert Tally(None, 0, 0, 0.5).met is None and Tally(None, 0, 0, 0.5).share is None


def test_counts_by_kind_audience_and_stats(run_check):
    files = {"site.yaml": SITE, "regions.yaml": TREE,
             "services/station.yaml": _service("service_station", "s1", 1) + (
                 "audiences: [elderly, families]\n"
                 "stats:\n  - {year: 2024, visits: 100, satisfaction: 90}\n"
                 "  - {year: 2025, visits: 200}\n"),
             "services/room.yaml": _service("counseling_room", "c1", 2) + (
                 "audiences: [elderly]\nstats:\n  - {year: 2025, visits: 50, satisfaction: 97}\n")}
    cov = coverage(run_check(files).directory)
    kinds, audiences = dict(cov.by_kind), dict(cov.by_audience)
    assert kinds["service_station"] == 1 and kinds["counseling_room"] == 1 and kinds["clinic"] == 0
    assert audiences["elderly"] == 2 and audiences["families"] == 1 and audiences["everyone"] == 0
    assert cov.targets == []
    by_year = {y.year: (y.services, y.visits, y.satisfaction) for y in cov.stats}
    assert by_year == {2024: (1, 100, 90.0), 2025: (2, 250, 97.0)}


def test_science_activities_per_district_and_year(run_check):
    files = {"regions.yaml": TREE, **SERVICES}
    for i in range(SCIENCE_MINIMUM):  # six science articles tagged with 甲区's name
        files[f"articles/sci-{i}.md"] = article(
            f"title: 科普{i}\ndate: 2026-0{i + 1}-10\ncategory: science\ntags: [甲区]\n")
    files["articles/untagged.md"] = article("title: 科普\ndate: 2026-03-01\ncategory: science\n")
    files["articles/old.md"] = article("title: 旧文\ndate: 2024-05-01\ncategory: science\ntags: [乙区]\n")
    files["articles/news.md"] = article("title: 动态\ndate: 2026-03-01\ncategory: news\ntags: [乙区]\n")
    # An event counts in its service's district and in the year it takes place.
    files["articles/talk.md"] = article(
        'title: 讲座\ndate: 2026-11-20\ncategory: event\n'
        'event: {start: "2027-01-08 14:00", place: 三街道活动室, service: station-c5}\n')
    cov = coverage(run_check(files).directory)
    assert cov.science_years == [2027, 2026, 2025, 2024]
    rows = {y: {(a.area.id if a.area else None): (a.articles, a.events, a.met)
                for a in cov.science[y]} for y in cov.science_years}
    assert rows[2026] == {"d1": (6, 0, True), "d2": (0, 0, False), "d3": (0, 0, False),
                          None: (1, 0, False)}
    assert rows[2027]["d2"] == (0, 1, False)
    assert rows[2024]["d2"] == (1, 0, False)
    assert rows[2025] == {"d1": (0, 0, False), "d2": (0, 0, False), "d3": (0, 0, False)}


# ------------------------------------------------------------ the contract

@pytest.mark.parametrize("share, field, message", [
    ("[]", "targets.counseling_room.share", "is an empty list"),
    ("[{year: 2019, share: 0.2}, {year: 2019, share: 0.5}]", "targets.counseling_room.share[1].year",
     "2019 is given twice"),
    ("[{year: 2019}]", "targets.counseling_room.share[0].share", "missing required key 'share'"),
    ("[{year: 2019, share: 80}]", "targets.counseling_room.share[0].share", "80 is out of range"),
    ("[{year: 二〇一九, share: 0.2}]", "targets.counseling_room.share[0].year", "is not a whole number"),
    ("[{year: 2019, share: 0.2, note: x}]", "targets.counseling_room.share[0].note", "unknown key"),
    ("[0.2]", "targets.counseling_room.share[0]", "a target stage must be a mapping"),
    ("80%", "targets.counseling_room.share", "'80%' is not a number"),
])
def test_broken_staged_target_is_reported_at_its_line(run_check, share, field, message):
    text = SITE + f"targets:\n  counseling_room:\n    level: community\n    share: {share}\n"
    problem = only_error(run_check({"site.yaml": text}))
    assert (problem.path, problem.line, problem.field) == ("content/site.yaml", 8, field)
    assert message in problem.message


def test_schema_accepts_staged_shares_and_rejects_bad_stages():
    import jsonschema
    from site_builder.schema import json_schemas
    schema = json_schemas()["site.schema.json"]
    base = {"title": "t", "base_url": "https://example.org/", "crisis": [{"label": "x", "phone": "12356"}]}
    ok = {**base, "targets": {"counseling_room": {"level": "community", "share": [
        {"year": 2019, "share": 0.2}, {"year": 2021, "share": 0.8}]}}}
    jsonschema.validate(ok, schema)
    for bad in ([], [{"year": 2019, "share": 2}], [{"share": 0.2}], 1.5):
        doc = {**base, "targets": {"counseling_room": {"level": "community", "share": bad}}}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(doc, schema)


# ------------------------------------------------------------ the dashboard and the report

@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    return build_site(copy_content(SAMPLE, tmp_path_factory.mktemp("cov") / "content"),
                      tmp_path_factory.mktemp("cov-out") / "build", index=False)


def test_dashboard_shows_the_figures_with_charts_beside_tables(sample_site):
    d = check(SAMPLE, TODAY).directory
    cov = coverage(d)
    page = HTMLParser((sample_site / "coverage" / "index.html").read_text(encoding="utf-8"))
    room = next(t for t in cov.targets if t.kind == "counseling_room")
    # Every uncovered community is listed by name, linked to its area page.
    links = {a.attributes["href"] for a in page.css("ul.uncovered a")}
    assert {f"/xinli/regions/{r.id}/" for t in cov.targets for r in t.uncovered} == links
    assert len(links) == len(room.uncovered) > 0
    summary = page.css_first("table.data-table")
    text = summary.text()
    assert f"{room.total.covered} / {room.total.areas} 个社区村" in text and "未达标" in text
    assert "目标 80%" in text
    # The stage in force on the build date, and the next one.
    section = page.css_first("#target-counseling_room").parent.text()
    assert "目标 80%（2021 年起）" in section and "下一阶段：2027 年起 100%" in section
    # Charts are inline SVG made at build time, hidden from screen readers; no script.
    charts = page.css("figure.chart-figure svg")
    assert charts and all(c.attributes.get("aria-hidden") == "true" for c in charts)
    assert all(c.next is not None for c in charts)
    assert not page.css("main script")
    assert len(page.css("figure.chart-figure")) <= len(page.css("table.data-table"))
    # Linked from every page's footer.
    home = HTMLParser((sample_site / "index.html").read_text(encoding="utf-8"))
    assert home.css_first('footer a[href="/xinli/coverage/"]') is not None


def test_dashboard_chart_marks_the_target(sample_site):
    page = HTMLParser((sample_site / "coverage" / "index.html").read_text(encoding="utf-8"))
    section = page.css_first("#target-counseling_room").parent
    svg = section.css_first("svg")
    bars = svg.css("rect")
    assert len(bars) == 3  # one per district
    assert all("chart-unmet" in b.attributes["class"] for b in bars)
    assert "目标 80%" in svg.text()


def test_report_coverage_formats_agree(capsys, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    cov = coverage(check(SAMPLE, TODAY).directory)
    room = next(t for t in cov.targets if t.kind == "counseling_room")
    assert main(["report", "coverage", "--content", str(SAMPLE), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = next(t for t in doc["targets"] if t["kind"] == "counseling_room")
    assert got["total"]["covered"] == room.total.covered and got["total"]["met"] is False
    assert got["in_force"] == {"year": 2021, "share": 0.8}
    assert [u["id"] for u in got["uncovered"]] == [r.id for r in room.uncovered]
    assert main(["report", "coverage", "--content", str(SAMPLE), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    total = next(r for r in rows if r["section"] == "target" and r["key"] == "counseling_room")
    assert (int(total["covered"]), int(total["areas"]), total["met"]) == (
        room.total.covered, room.total.areas, "no")
    assert {r["area_id"] for r in rows if r["section"] == "uncovered"} == \
        {r.id for t in cov.targets for r in t.uncovered}
    assert main(["report", "coverage", "--content", str(SAMPLE)]) == 0
    text = capsys.readouterr().out
    assert f"counseling_room per community: {room.total.covered}/{room.total.areas}" in text


def test_report_refuses_content_with_errors(content_dir, capsys):
    content = content_dir({"site.yaml": SITE + "targets: {clinic: {level: town, share: 1}}\n"})
    assert main(["report", "coverage", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "content/site.yaml:5: targets.clinic.level:" in err and "Traceback" not in err


def test_csv_cells_cannot_become_formulas(run_check, capsys, content_dir, monkeypatch):
    assert neutralise_cell("=1+1") == "'=1+1" and neutralise_cell("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_cell("-2") == "'-2" and neutralise_cell("+86") == "'+86"
    assert neutralise_cell("\tx") == "'\tx" and neutralise_cell("福田区") == "福田区"
    tree = TREE.replace("name: 三社区", 'name: "=HYPERLINK(\\"http://x\\")"')
    content = content_dir({"site.yaml": SITE + TARGETS, "regions.yaml": tree, **SERVICES})
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())
    assert main(["report", "coverage", "--content", str(content), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    names = [r["area"] for r in rows if r["area_id"] == "c3"]
    assert names and all(n.startswith("'=HYPERLINK") for n in names)


def test_site_without_targets_builds_a_dashboard(content_dir, tmp_path):
    out = tmp_path / "out"
    build(content_dir(), out, today=TODAY, index=False)
    page = (out / "coverage" / "index.html").read_text(encoding="utf-8")
    assert "没有设置覆盖目标" in page


def test_chart_text_is_escaped_and_bars_scale():
    from site_builder.charts import Bar, bar_chart
    svg = str(bar_chart([Bar('<script>"x"</script>', 0.5, "50%"), Bar("乙", 1.0, "100%", "met")], 1.0,
                        0.8, "目标 80%"))
    assert "<script>" not in svg and "&lt;script&gt;" not in svg  # shortened, then escaped
    assert "&lt;script" in svg
    widths = [float(w) for w in re.findall(r'<rect[^>]* width="([0-9.]+)"', svg)]
    assert widths[1] == 2 * widths[0]  # a bar's length is proportional to its value
    assert 'class="chart-bar chart-met"' in svg and 'class="chart-mark"' in svg
