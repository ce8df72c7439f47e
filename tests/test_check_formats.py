"""`site-builder check --format text|github|json|csv` and `check --stale`, output word for word.

The broken folder has one problem of each shape: a whole-file error (line 0, field `-`),
a field error, a field name with `:` and a message with `%` (both escaped for GitHub),
and a warning.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SITE, TODAY, service
from site_builder.cli import main
from site_builder.reports import escape_data, escape_property

BROKEN = {
    "site.yaml": SITE + "targets: {clinic: {level: district, share: 100%}}\n",
    "services/station.yaml": service(kind="clinc", website="http://example.org/"),
    "services/a,b.yml": "x: 1\n",
    "services/line.yaml": service(kind="hotline", address=None, location=None,
                                  hours='\n  "8:00": "08:00-12:00"'),
}
KINDS = ("guidance_center, service_station, counseling_room, clinic, hotline, school, online, "
         "organization, rehabilitation")
PROBLEMS = [  # (path, line, field, message, severity), in the order check prints them
    ("content/services/a,b.yml", 0, "-", "not a .yaml file (did you mean `a,b.yaml`?)", "error"),
    ("content/services/line.yaml", 6, "hours.8:00", "'8:00' is not a day or day range (expected "
     "mon…sun, a range like mon-fri, or holidays)", "error"),
    ("content/services/station.yaml", 2, "kind",
     f"'clinc' is not allowed (did you mean 'clinic'? one of: {KINDS})", "error"),
    ("content/site.yaml", 5, "targets.clinic.share", "'100%' is not a number (a number from 0 to 1)",
     "error"),
    ("content/services/station.yaml", 11, "website", "'http://example.org/' uses plain http (an "
     "https:// address is safer; it is shown as given)", "warning"),
]
CODES = ["file.wrong_extension", "hours.bad_key", "choice.not_allowed", "number.invalid",
         "url.plain_http"]
"""The stable machine code of each of PROBLEMS (messages.py), beside the text in json/github."""
SUMMARY = "4 error(s), 1 warning(s): fix the errors above (a build would stop here)\n"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_TODAY", TODAY.isoformat())


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--content", "content", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_is_unchanged(content_dir, capsys):
    content_dir(BROKEN)
    code, out, err = run(capsys)
    assert code == 1 and out == ""
    lines = [f"{'warning: ' if s == 'warning' else ''}{p}:{n}: {f}: {m}" for p, n, f, m, s in PROBLEMS]
    assert err == "\n".join(lines) + "\n" + SUMMARY


def test_github_annotations(content_dir, capsys):
    content_dir(BROKEN)
    code, out, err = run(capsys, "--format", "github")
    assert code == 1
    assert out == (
        "::error file=content/services/a%2Cb.yml,title=[file.wrong_extension]::not a .yaml file "
        "(did you mean `a,b.yaml`?)\n"
        "::error file=content/services/line.yaml,line=6,title=hours.8%3A00 [hours.bad_key]::'8:00' "
        "is not a day or day range (expected mon…sun, a range like mon-fri, or holidays)\n"
        "::error file=content/services/station.yaml,line=2,title=kind [choice.not_allowed]::'clinc' "
        f"is not allowed (did you mean 'clinic'? one of: {KINDS})\n"
        "::error file=content/site.yaml,line=5,title=targets.clinic.share [number.invalid]::'100%25' "
        "is not a number (a number from 0 to 1)\n"
        "::warning file=content/services/station.yaml,line=11,title=website [url.plain_http]::"
        "'http://example.org/' uses plain http (an https:// address is safer; it is shown as "
        "given)\n")
    assert err == SUMMARY


def test_github_lists_everything_in_the_log_past_ten(content_dir, capsys):
    content_dir({f"services/s{i:02}.yaml": service(kind="clinc") for i in range(11)})
    code, out, err = run(capsys, "--format", "github")
    assert code == 1 and out.count("::error ") == 11
    lines = err.splitlines()
    assert lines[0] == ("GitHub shows 10 errors and 10 warnings of a step on the pull request; "
                        "all 11 problems:")
    assert lines[1].startswith("content/services/s00.yaml:2: kind: 'clinc' is not allowed")
    assert len(lines) == 13 and lines[-1].startswith("11 error(s), 0 warning(s)")


def test_github_escaping_rules():
    # actions/toolkit: data escapes % CR LF; properties also : and ,
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("50% a\r\nb: c, d") == "50%25 a%0D%0Ab%3A c%2C d"
    assert escape_data("%0A") == "%250A"  # % first, so an escape is never read as one


def test_github_on_clean_content(content_dir, capsys):
    content_dir()
    code, out, err = run(capsys, "--format", "github")
    assert (code, out) == (0, "")
    assert err.startswith("ok: 1 services, 4 areas, 0 articles, 0 pages; 0 stale; 0 warning(s) in ")


def test_json(content_dir, capsys):
    content_dir(BROKEN)
    code, out, err = run(capsys, "--format", "json")
    assert code == 1 and err == SUMMARY
    assert json.loads(out) == {
        "ok": False,
        "counts": {"errors": 4, "warnings": 1},
        "problems": [{**dict(zip(("path", "line", "field", "message", "severity"), p)),
                      "code": code} for p, code in zip(PROBLEMS, CODES)],
        "summary": None,
    }
    assert "mon…sun" in out  # UTF-8 as is, not JSON escapes


def test_json_on_clean_content(content_dir, capsys):
    content_dir({"services/station.yaml": service(verified="2025-01-01")})
    code, out, err = run(capsys, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True
    assert doc["counts"] == {"errors": 0, "warnings": 1}
    assert doc["problems"][0]["field"] == "verified"
    assert doc["summary"] == {"services": 1, "areas": 4, "articles": 0, "pages": 0, "stale": 1}


def test_csv_problems(content_dir, capsys):
    content_dir(BROKEN)
    code, out, err = run(capsys, "--format", "csv")
    assert code == 1 and err == SUMMARY
    assert out.startswith("\ufeffseverity,file,line,field,message\r\n")
    rows = list(csv.reader(io.StringIO(out[1:])))
    assert rows[1:] == [[s, p, str(n), f, m] for p, n, f, m, s in PROBLEMS]


# ---------------------------------------------------------------------- --stale

REGIONS = """\
- id: city
  name: 测试市
  level: city
  children:
    - id: jia
      name: 甲区
      level: district
      children:
        - {id: jia-street, name: 甲街道, level: street}
    - id: yi
      name: 乙区
      level: district
      children:
        - id: yi-street
          name: 乙街道
          level: street
          children:
            - {id: yi-community, name: 乙社区, level: community}
"""


def stale_folder():
    def record(name, region, verified, operator=None, phones='["0755-55500101"]'):
        changes = dict(name=name, region=region, verified=verified, phones=phones)
        if operator:
            changes["operator"] = operator
        return service(**changes)
    return {
        "regions.yaml": REGIONS,
        "services/station.yaml": None,
        # 卫健局 (wei4): 甲区 has two stale records, 乙区 one; one recent record is left out.
        "services/w-jia-old.yaml": record("甲街道心理服务站", "jia-street", "2025-01-10", "卫健局",
                                          '[{number: "0755-55500102", ext: "801"}, "12356"]'),
        "services/w-jia-older.yaml": record("甲区心理服务指导中心", "jia", "2024-12-01", "卫健局",
                                            '["0755-55500103"]'),
        "services/w-yi.yaml": record("乙社区心理咨询室", "yi-community", "2026-03-01", "卫健局",
                                     '["0755-55500104"]'),
        "services/w-recent.yaml": record("乙街道心理服务站", "yi-street", "2026-11-01", "卫健局",
                                         '["0755-55500105"]'),
        # 阳光社工 (yang2) after 卫健局; a city-level record belongs to the city.
        "services/y-city.yaml": record("阳光社工服务中心", "city", "2026-01-15", "阳光社工",
                                       '["0755-55500106"]'),
        # No operator: last.
        "services/n-yi.yaml": record("乙街道社工站", "yi-street", "2026-05-01", None, '["0755-55500107"]'),
    }


STALE_ROWS = [  # operator, area, id, name, phone, verified, days, due, file
    ["卫健局", "甲区", "w-jia-older", "甲区心理服务指导中心", "0755-55500103", "2024-12-01", "724", "2025-05-30",
     "content/services/w-jia-older.yaml"],
    ["卫健局", "甲区", "w-jia-old", "甲街道心理服务站", "0755-55500102 转801 / 12356", "2025-01-10", "684", "2025-07-09",
     "content/services/w-jia-old.yaml"],
    ["卫健局", "乙区", "w-yi", "乙社区心理咨询室", "0755-55500104", "2026-03-01", "269", "2026-08-28",
     "content/services/w-yi.yaml"],
    ["阳光社工", "测试市", "y-city", "阳光社工服务中心", "0755-55500106", "2026-01-15", "314", "2026-07-14",
     "content/services/y-city.yaml"],
    ["", "乙区", "n-yi", "乙街道社工站", "0755-55500107", "2026-05-01", "208", "2026-10-28", "content/services/n-yi.yaml"],
]


def test_stale_text(content_dir, capsys):
    content_dir(stale_folder())
    code, out, err = run(capsys, "--stale")
    assert (code, err) == (0, "")
    assert out == (
        "5 of 6 services were verified more than 180 days ago (today 2026-11-25); "
        "by operator and area, oldest first:\n"
        "\n"
        "卫健局 · 甲区 (2)\n"
        "  724 days  2024-12-01  w-jia-older  甲区心理服务指导中心  0755-55500103  content/services/w-jia-older.yaml\n"
        "  684 days  2025-01-10  w-jia-old  甲街道心理服务站  0755-55500102 转801 / 12356  content/services/w-jia-old.yaml\n"
        "\n"
        "卫健局 · 乙区 (1)\n"
        "  269 days  2026-03-01  w-yi  乙社区心理咨询室  0755-55500104  content/services/w-yi.yaml\n"
        "\n"
        "阳光社工 · 测试市 (1)\n"
        "  314 days  2026-01-15  y-city  阳光社工服务中心  0755-55500106  content/services/y-city.yaml\n"
        "\n"
        "（未填写运营单位） · 乙区 (1)\n"
        "  208 days  2026-05-01  n-yi  乙街道社工站  0755-55500107  content/services/n-yi.yaml\n")


def test_stale_csv_for_excel(content_dir, capsys):
    content_dir(stale_folder())
    code, out, err = run(capsys, "--stale", "--format", "csv")
    assert (code, err) == (0, "")
    assert out.startswith("\ufeff运营单位,区域,编号,名称,电话,核实日期,已过天数,到期日,文件\r\n")
    rows = list(csv.reader(io.StringIO(out[1:])))
    assert rows[1:] == STALE_ROWS


def test_stale_csv_is_utf8_bytes(content_dir, capfdbinary):
    content_dir(stale_folder())
    assert main(["check", "--content", "content", "--stale", "--format", "csv"]) == 0
    data = capfdbinary.readouterr().out
    assert data.startswith("\ufeff运营单位,".encode("utf-8"))
    assert "卫健局".encode("utf-8") in data


def test_stale_json(content_dir, capsys):
    content_dir(stale_folder())
    code, out, _ = run(capsys, "--stale", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["today"], doc["stale_after_days"], doc["count"]) == ("2026-11-25", 180, 5)
    assert [(g["operator"], g["area"], [s["id"] for s in g["services"]]) for g in doc["groups"]] == [
        ("卫健局", "甲区", ["w-jia-older", "w-jia-old"]), ("卫健局", "乙区", ["w-yi"]),
        ("阳光社工", "测试市", ["y-city"]), ("", "乙区", ["n-yi"])]
    assert doc["groups"][0]["services"][0]["days"] == 724


def test_stale_respects_stale_after_days(content_dir, capsys):
    content_dir({**stale_folder(), "site.yaml": SITE + "stale_after_days: 300\n"})
    _, out, _ = run(capsys, "--stale", "--format", "csv")
    assert [r[2] for r in list(csv.reader(io.StringIO(out[1:])))[1:]] == ["w-jia-older", "w-jia-old", "y-city"]


def test_no_stale_services(content_dir, capsys):
    content_dir()
    code, out, _ = run(capsys, "--stale")
    assert (code, out) == (0, "no stale services: all 1 were verified in the last 180 days "
                              "(today 2026-11-25)\n")
    _, out, _ = run(capsys, "--stale", "--format", "csv")
    assert out == "\ufeff运营单位,区域,编号,名称,电话,核实日期,已过天数,到期日,文件\r\n"


def test_stale_needs_content_without_errors(content_dir, capsys):
    content_dir(BROKEN)
    code, out, err = run(capsys, "--stale", "--format", "csv")
    assert code == 1 and out == ""
    assert err.endswith("4 error(s): fix them first (the list of stale services needs content "
                        "without errors)\n")


def test_stale_with_github_format_is_refused(content_dir, capsys):
    content_dir()
    code, _, err = run(capsys, "--stale", "--format", "github")
    assert code == 2
    assert err == "error: --stale lists services, not problems: use --format text, csv or json\n"
