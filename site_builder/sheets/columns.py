"""The columns of the services spreadsheet: one `Column` per record field, with its
Chinese header(s), what the 说明 sheet says about it, its drop-down values, and how a
record's value becomes cells and cells become a value (cells.py does the human forms).

A field may take more than one column (`location`: 经纬度 and 坐标系; `closed`: four).
Fields without a column (`other_contacts`, `stats`, `translations`) are never touched by an
import: they stay in the files as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import vocab
from ..fields import SLUG
from ..schema import LANG_TAG
from . import cells
from .cells import CellError, text_of


@dataclass
class Context:
    """What reading a row needs to know about the site."""

    regions: dict[str, str] = field(default_factory=dict)
    """Area id -> name (regions.yaml)."""
    parents: dict[str, str | None] = field(default_factory=dict)
    """Area id -> parent id."""


AREA_PART_HEADERS = ("区县", "区", "县", "所属区县", "街道", "乡镇", "街道（乡镇）", "所属街道",
                     "社区", "村", "社区（村）", "所属社区")
"""Columns of a district's sheet that give the area as names, one level each."""


def area_from_parts(names: list[str], ctx: Context) -> str:
    """The area named by the most specific of `names` (区县, 街道, 社区 left to right), the
    others telling apart areas of the same name; raises CellError."""
    names = [n for n in names if n]
    last = names[-1]
    found = [rid for rid, name in ctx.regions.items() if name == last]

    def trail(rid):
        out = set()
        while rid:
            out.add(ctx.regions.get(rid, ""))
            rid = ctx.parents.get(rid)
        return out
    fitting = [rid for rid in found if set(names) <= trail(rid)]
    if len(fitting) == 1:
        return fitting[0]
    if len(found) > 1:
        raise CellError("region_many", text="、".join(names), ids="、".join(found))
    raise CellError("region", text=last, hint="")


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]
    explain: str
    allowed: str
    to_cells: Callable[[Any], tuple]
    from_cells: Callable[[tuple, Context], Any]
    """Raises CellError (with `.column`, the index of the bad header, when not the first)."""
    choices: tuple[tuple[str, ...] | None, ...] = ()
    """Drop-down values per header (None: free text)."""
    aliases: tuple[tuple[str, ...], ...] = ()
    """Other names districts give each header."""
    width: int = 16


def _text(cells_: tuple, ctx: Context) -> str | None:
    return text_of(cells_[0]) or None


def _to_text(value: Any) -> tuple:
    return (text_of(value),)


def _slug(cells_: tuple, ctx: Context) -> str | None:
    text = text_of(cells_[0])
    if not text:
        raise CellError("missing_id")
    if not SLUG.match(text):
        raise CellError("slug", text=text)
    return text


def _choice(table: dict[str, str], aliases: dict[str, str] | None = None):
    def read(cells_: tuple, ctx: Context) -> str | None:
        return cells.parse_choice(cells_[0], table, aliases)

    def write(value: Any) -> tuple:
        return (table.get(str(value), text_of(value)) if value is not None else "",)
    return read, write


def _choices(table: dict[str, str]):
    def read(cells_: tuple, ctx: Context) -> list[str] | None:
        return cells.parse_choices(cells_[0], table) or None

    def write(value: Any) -> tuple:
        return (cells.format_choices(value, table) if value is not None else "",)
    return read, write


KIND_ALIASES = {"心理咨询室/社会工作室": "counseling_room", "社会工作室": "counseling_room",
                "心理服务中心": "guidance_center", "精神科": "clinic", "心理科": "clinic",
                "热线": "hotline", "心理热线": "hotline", "学校": "school", "线上": "online",
                "康复": "rehabilitation", "社会组织": "organization", "指导中心": "guidance_center",
                "服务站": "service_station", "咨询室": "counseling_room"}


def _region(cells_: tuple, ctx: Context) -> str | None:
    text = text_of(cells_[0])
    if not text or not ctx.regions or text in ctx.regions:
        return text or None
    named = [rid for rid, name in ctx.regions.items() if name == text]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise CellError("region_many", text=text, ids="、".join(named))
    import difflib
    close = difflib.get_close_matches(text, list(ctx.regions) + list(ctx.regions.values()), 1, 0.6)
    hint = cells.MESSAGES["did_you_mean"].format(suggestion=close[0]) if close else ""
    raise CellError("region", text=text, hint=hint)


def _phones(cells_: tuple, ctx: Context) -> list | None:
    return cells.parse_phone_cell(cells_[0]) or None


def _hours(cells_: tuple, ctx: Context) -> Any:
    return cells.parse_hours_cell(cells_[0]) if text_of(cells_[0]) else None


def _location(cells_: tuple, ctx: Context) -> dict | None:
    try:
        cells.parse_crs(cells_[1])
    except CellError as exc:
        exc.column = 1
        raise
    return cells.parse_location(cells_[0], cells_[1])


def _date(cells_: tuple, ctx: Context):
    return cells.parse_date(cells_[0])


def _to_date(value: Any) -> tuple:
    return (cells.format_date(value) if value is not None else None,)


_LANGUAGES = {"zh": "普通话", **{k: v for k, v in vocab.LANGUAGE_NAMES.items()
                               if k not in ("zh", "zh-Hans")}}
_LANGUAGE_ALIASES = {"中文": "zh", "汉语": "zh", "国语": "zh", "英文": "en", "广东话": "yue",
                     "白话": "yue", "闽南话": "nan", "上海话": "wuu"}


def _languages(cells_: tuple, ctx: Context) -> list[str] | None:
    out = []
    for part in cells.split_list(text_of(cells_[0]), ",，;；、/\n "):
        if part in _LANGUAGES or part in ("zh-Hans",):
            tag = part
        elif LANG_TAG.match(part) and part.isascii():
            tag = part
        else:
            tag = cells.parse_choice(part, _LANGUAGES, _LANGUAGE_ALIASES)
        if tag not in out:
            out.append(tag)
    return out or None


def _to_languages(value: Any) -> tuple:
    if not isinstance(value, list):
        return (text_of(value),)
    names = {**_LANGUAGES, "zh-Hans": "普通话"}
    return ("、".join(names.get(str(v), str(v)) for v in value),)


_CLOSED_KEYS = ("from", "until", "reason", "alternative")


def _closed(cells_: tuple, ctx: Context) -> dict | None:
    texts = [text_of(c) for c in cells_]
    if not any(texts):
        return None
    out: dict = {}
    for i, key in enumerate(_CLOSED_KEYS):
        if not texts[i]:
            continue
        if key in ("from", "until"):
            try:
                out[key] = cells.parse_date(cells_[i])
            except CellError as exc:
                exc.column = i
                raise
        elif key == "alternative":
            if not SLUG.match(texts[i]):
                exc = CellError("slug", text=texts[i])
                exc.column = i
                raise exc
            out[key] = texts[i]
        else:
            out[key] = texts[i]
    return out


def _to_closed(value: Any) -> tuple:
    if not isinstance(value, dict):
        return (None, None, "", "")
    return (cells.format_date(value.get("from")), cells.format_date(value.get("until")),
            text_of(value.get("reason")), text_of(value.get("alternative")))


_kind_read, _kind_write = _choice(vocab.KINDS, KIND_ALIASES)
_cost_read, _cost_write = _choice(vocab.COSTS, {"部分免费": "mixed", "不收费": "free", "公益": "free"})


def _labels(table: dict[str, str]) -> str:
    return "、".join(table.values())


COLUMNS: tuple[Column, ...] = (
    Column("id", ("编号",), "服务的编号，即文件名 services/<编号>.yaml；已有的服务按编号更新，新编号新建文件",
           "小写字母 a-z、数字和 -，1–64 个字符", _to_text, _slug,
           aliases=(("id", "服务编号", "ID"),), width=28),
    Column("name", ("名称",), "向公众显示的名称", "文字", _to_text, _text,
           aliases=(("服务点名称", "机构名称", "服务名称", "name"),), width=30),
    Column("kind", ("类型",), "服务点的类型（下拉选择）", _labels(vocab.KINDS), _kind_write, _kind_read,
           choices=(tuple(vocab.KINDS.values()),), aliases=(("服务类型", "kind"),)),
    Column("region", ("所属区域",), "所在区域的编号（见“区域”表；也可填区域名称，名称唯一时）；热线、线上平台填服务的区域",
           "regions.yaml 中的区域编号", _to_text, _region,
           aliases=(("区域", "区域编号", "所在区域", "region"),), width=24),
    Column("address", ("地址",), "详细地址（热线和线上平台可不填）", "文字", _to_text, _text,
           aliases=(("详细地址", "服务地址", "address"),), width=40),
    Column("location", ("经纬度", "坐标系"),
           "经纬度：从高德地图“复制坐标”得到的“经度,纬度”（如 113.883812,22.554071），纬度在前也能识别；"
           "坐标系：不填时按 GCJ-02（高德、腾讯地图）处理；从百度地图取的点选 BD-09，GPS 设备的选 WGS-84",
           "经纬度：经度,纬度；坐标系：" + "、".join(cells.CRS_LABELS.values()),
           cells.format_location, _location,
           choices=(None, tuple(cells.CRS_LABELS.values())),
           aliases=(("坐标", "位置", "高德坐标", "location"), ("crs", "坐标类型"))),
    Column("phones", ("电话",), "电话号码，多个用“；”分开；分机写“转 8021”，说明写在括号里，如 0755-5550 0121 转 8021（预约）",
           "带区号的固话、手机号、400/800 号码、12356 这样的短号", lambda v: (cells.format_phones(v),),
           _phones, aliases=(("联系电话", "电话号码", "服务电话", "phones", "phone"),), width=30),
    Column("website", ("网址",), "网站地址", "https:// 开头的网址", _to_text, _text,
           aliases=(("网站", "website"),)),
    Column("email", ("电子邮箱",), "电子邮箱", "name@example.org", _to_text, _text,
           aliases=(("邮箱", "电子邮件", "email"),)),
    Column("wechat", ("微信公众号",), "微信公众号名称", "文字", _to_text, _text,
           aliases=(("微信", "公众号", "wechat"),)),
    Column("hours", ("开放时间",),
           "每段写“哪几天 时间”，段之间用“；”分开，如 周一至周五 08:30-12:00，14:00-17:30；周六 09:00-12:00；"
           "法定节假日 09:00-12:00（不写的日子休息，法定节假日默认休息）",
           "周一至周五、周一到周五、工作日、周末、每天、周二、周四……；或 24小时、需预约、未公布",
           lambda v: (cells.format_hours(v),), _hours,
           aliases=(("服务时间", "开放时段", "工作时间", "hours"),), width=44),
    Column("hours_note", ("开放时间说明",), "开放时间旁显示的说明", "文字", _to_text, _text,
           aliases=(("时间说明", "hours_note"),), width=30),
    Column("audiences", ("服务对象",), "服务对象，多个用“、”分开（不填为所有人）", _labels(vocab.AUDIENCES),
           *reversed(_choices(vocab.AUDIENCES)), aliases=(("服务人群", "audiences"),)),
    Column("services", ("服务内容",), "服务内容，多个用“、”分开", _labels(vocab.SERVICES),
           *reversed(_choices(vocab.SERVICES)), aliases=(("服务项目", "services"),)),
    Column("cost", ("费用",), "是否收费（下拉选择）", _labels(vocab.COSTS), _cost_write, _cost_read,
           choices=(tuple(vocab.COSTS.values()),), aliases=(("是否收费", "收费", "cost"),)),
    Column("booking", ("预约方式",), "怎样前往，多个用“、”分开", _labels(vocab.BOOKING),
           *reversed(_choices(vocab.BOOKING)), aliases=(("booking",),)),
    Column("languages", ("语言",), "服务使用的语言，多个用“、”分开（不填为普通话）",
           "普通话、粤语、英语……或语言代码 zh、yue、en", _to_languages, _languages,
           aliases=(("服务语言", "languages"),)),
    Column("accessibility", ("无障碍",), "无障碍设施，多个用“、”分开", _labels(vocab.ACCESSIBILITY),
           *reversed(_choices(vocab.ACCESSIBILITY)), aliases=(("无障碍设施", "accessibility"),)),
    Column("operator", ("运营单位",), "运营该服务点的单位", "文字", _to_text, _text,
           aliases=(("运营机构", "承办单位", "operator"),), width=28),
    Column("description", ("简介",), "简短介绍（可用 markdown）", "文字", _to_text, _text,
           aliases=(("服务简介", "介绍", "description"),), width=40),
    Column("verified", ("核实日期",), "最近一次核实信息的日期（不能晚于今天）",
           "2026-11-01、2026/11/1 或 2026年11月1日", _to_date, _date,
           aliases=(("核实时间", "最近核实", "verified"),), width=14),
    Column("closed", ("暂停开始", "暂停结束", "暂停原因", "替代服务"),
           "暂停服务：开始和结束日期（两天都包含；不填结束为暂停至另行通知）、原因、暂停期间可去的服务编号",
           "日期；文字；服务编号", _to_closed, _closed,
           aliases=(("停诊开始",), ("停诊结束",), ("停诊原因",), ("替代服务编号",))),
)

BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [h for c in COLUMNS for h in c.headers]


def normal_header(text: str) -> str:
    text = cells.fold(text_of(text)).lower()
    text = re.sub(r"[（(](必填|选填|可选|必须)[）)]|[*＊\s]", "", text)
    return text


def header_index() -> dict[str, tuple[Column, int]]:
    """Every accepted header name (normalised) -> (column, index of the header)."""
    out: dict[str, tuple[Column, int]] = {}
    for col in COLUMNS:
        for i, header in enumerate(col.headers):
            out[normal_header(header)] = (col, i)
            for alias in (col.aliases[i] if i < len(col.aliases) else ()):
                out.setdefault(normal_header(alias), (col, i))
    return out


def record_cells(record: dict, service_id: str) -> list:
    """One row of the sheet for a record (plain YAML data)."""
    row: list = []
    for col in COLUMNS:
        row += col.to_cells(service_id) if col.key == "id" else col.to_cells(record.get(col.key))
    return row


def root_key(field_name: str) -> str:
    """`phones[0].number` → `phones`; `-` (the whole file) → `id`."""
    key = re.split(r"[.\[]", field_name, maxsplit=1)[0]
    return key if key in BY_KEY else "id"
