"""What `site-builder check` prints besides its default text: problems as GitHub Actions
annotations, JSON or CSV, and the list of services due for verification (`--stale`).

Every function returns text; the command prints it. Problems keep the paths they were
reported with (relative to the working directory, which in CI is the repository root),
so that GitHub puts each annotation on its line of the pull request.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path

from . import csvsafe, vocab
from .errors import Problem
from .load import display_path
from .messages import say
from .model import Directory, Region, Service
from .search_terms import pinyin_key

BOM = csvsafe.BOM
NO_OPERATOR = "（未填写运营单位）"


# ------------------------------------------------------------------ problems


def escape_data(text: str) -> str:
    """A workflow command's message (actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (`escapeProperty`): also `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(problems: list[Problem]) -> str:
    """One `::error file=…,line=…,title=<field> [<code>]::<message>` line per problem
    (`::warning` for warnings). A whole-file problem (line 0, field `-`) has no line, and
    its title is the code alone. The message is in the run's language; the code is the
    message's stable name (messages.py)."""
    out = []
    for p in problems:
        props = [f"file={escape_property(p.path)}"]
        if p.line > 0:
            props.append(f"line={p.line}")
        title = " ".join(t for t in (p.field if p.field != "-" else "",
                                     f"[{p.code}]" if p.code else "") if t)
        if title:
            props.append(f"title={escape_property(title)}")
        level = "warning" if p.severity == "warning" else "error"
        out.append(f"::{level} {','.join(props)}::{escape_data(p.text)}\n")
    return "".join(out)


def problems_json(problems: list[Problem], summary: dict | None) -> str:
    """`{"ok", "counts": {"errors", "warnings"}, "problems": [...], "summary"}`; `summary`
    (services, areas… counted) is null when there are errors. Each problem has its `code`
    (stable, for tools) beside its `message` (in the run's language)."""
    errors = sum(1 for p in problems if p.severity == "error")
    doc = {
        "ok": errors == 0,
        "counts": {"errors": errors, "warnings": len(problems) - errors},
        "problems": [{"path": p.path, "line": p.line, "field": p.field, "code": p.code,
                      "message": p.text, "severity": p.severity} for p in problems],
        "summary": summary,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _csv(header: list[str], rows: list[list]) -> str:
    """UTF-8 with BOM, cells that a spreadsheet would run as formulas neutralised."""
    return csvsafe.table(header, rows)


def problems_csv(problems: list[Problem]) -> str:
    return _csv(["severity", "file", "line", "field", "message"],
                [[p.severity, p.path, p.line, p.field, p.text] for p in problems])


# --------------------------------------------------------------------- stale


@dataclass(frozen=True)
class StaleRow:
    """One service to call: what the verification team needs on one line."""

    operator: str
    area: str
    id: str
    name: str
    phone: str
    verified: date
    days: int
    file: str


def area_of(region: Region) -> Region:
    """The district (区县) a service belongs to: the lowest area of its trail at district
    level or above (a town directly under a city, as in 东莞, belongs to the city)."""
    limit = vocab.LEVEL_ORDER["district"]
    found = [r for r in region.trail if vocab.LEVEL_ORDER[r.level] <= limit]
    return found[-1] if found else region.trail[0]


def _phones(service: Service) -> str:
    return " / ".join(p.text + (f" 转{p.ext}" if p.ext else "") for p in service.phones)


def stale_rows(directory: Directory, content: Path, region: str | None = None,
               due_within: int = 0) -> list[StaleRow]:
    """Stale services (and with `due_within`, those that will be within that many days),
    of one area and the areas below it when `region` is given, grouped by operator then
    area (by pinyin, services without an operator last), oldest verification first within
    each group."""
    rows = []
    limit = directory.site.stale_after_days
    for s in directory.services.values():
        if not (s.stale or (directory.today - s.verified).days > limit - due_within):
            continue
        if region and region not in (r.id for r in s.region.trail):
            continue
        rows.append(StaleRow(
            operator=s.operator or "", area=area_of(s.region).name, id=s.id, name=s.name,
            phone=_phones(s), verified=s.verified, days=(directory.today - s.verified).days,
            file=display_path(content / s.source, content)))
    rows.sort(key=lambda r: (r.operator == "", pinyin_key(r.operator), r.operator,
                             pinyin_key(r.area), r.area, -r.days, r.id))
    return rows


def _groups(rows: list[StaleRow]):
    return groupby(rows, key=lambda r: (r.operator, r.area))


def stale_text(rows: list[StaleRow], directory: Directory, due_within: int = 0) -> str:
    limit = directory.site.stale_after_days
    due = (say("stale.due_within", " or fall due within {days} days", days=due_within)
           if due_within else "")
    if not rows:
        return say("stale.none", "no stale services: all {count} were verified in the last "
                   "{limit} days (today {today})", count=len(directory.services), limit=limit,
                   today=directory.today) + "\n"
    out = [say("stale.head", "{count} of {total} services were verified more than {limit} days "
               "ago{due} (today {today}); by operator and area, oldest first:", count=len(rows),
               total=len(directory.services), limit=limit, due=due, today=directory.today) + "\n"]
    width = len(str(max(r.days for r in rows)))
    for (operator, area), group in _groups(rows):
        group = list(group)
        out.append(f"\n{operator or NO_OPERATOR} · {area} ({len(group)})\n")
        for r in group:
            days = say("stale.days", "{days} days", days=f"{r.days:>{width}}")
            out.append(f"  {days}  {r.verified}  {r.id}  {r.name}  {r.phone or '-'}  {r.file}\n")
    return "".join(out)


STALE_COLUMNS = ["运营单位", "区域", "编号", "名称", "电话", "核实日期", "已过天数", "到期日", "文件"]
"""Chinese, for the verification team's spreadsheet; `import stale` reads 编号 and 核实日期
back (write the date of the call over the old one)."""


def stale_csv(rows: list[StaleRow], stale_after_days: int = 180) -> str:
    """UTF-8 with BOM (Excel shows the Chinese), one service per row, in report order;
    到期日 is the day the record is (or was) due for verification."""
    return _csv(STALE_COLUMNS, [[r.operator, r.area, r.id, r.name, r.phone, r.verified.isoformat(),
                                 r.days, (r.verified + timedelta(days=stale_after_days)).isoformat(),
                                 r.file] for r in rows])


def stale_json(rows: list[StaleRow], directory: Directory) -> str:
    groups = [{"operator": op, "area": area,
               "services": [{**asdict(r), "verified": r.verified.isoformat()} for r in group]}
              for (op, area), group in _groups(rows)]
    doc = {"today": directory.today.isoformat(),
           "stale_after_days": directory.site.stale_after_days,
           "count": len(rows), "groups": groups}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
