"""The content format as data: every record type, its keys and what each key holds.

One declaration per record type (`SITE`, `AREA`, `SERVICE`, `ARTICLE`…), each a tuple of
`Field`s in the documented order, with the Chinese description that editors see. Two
things are made from it:

* the validator's key tables (`validate_service.SERVICE_KEYS` is `SERVICE.keys()`), its length
  limits, ranges and vocabularies (`SERVICE["name"].max_len`), so an allowed key or a
  limit is written once;
* the JSON Schemas (draft 2020-12) that editors' tools use for completion, hovers and
  red underlines: `json_schemas()`, written by `site-builder schema`.

The schemas check what a schema can: keys, required keys, types, vocabularies, id, date
and hours shapes, lengths and ranges. Cross-references (a service's region, an event's
service, links), YAML traps (`yes`, unquoted `13:30`), real phone numbers, dates in the
future, overlapping hours and the area tree's levels stay with `site-builder check`.
The schemas use only keywords that draft-07 tools read the same way (no `$ref` beside
other keywords, `items` as one schema), because VS Code's YAML extension validates
with draft-07 rules.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from . import coords, vocab
from .hours import CLOSED, DAY_LABELS, DAYS, HOLIDAYS_KEY, MODES

SLUG_PATTERN = r"^[a-z0-9-]{1,64}$"
"""Ids and slugs: lowercase a-z, 0-9 and -, 1–64 characters (fields.SLUG)."""
EMAIL = re.compile(r"""^[^@\s<>"']+@[^@\s<>"']+\.[^@\s<>"']+$""")
LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
TRANSLATION_LANGS = ("en", "zh-Hant")
NO_ADDRESS_KINDS = ("hotline", "online")
"""Kinds that may leave `address` out."""
CONTACT_KEYS = ("phones", "website", "email", "wechat")
"""A service needs at least one of these."""
DEFAULT_LANGUAGE_ALIASES = ("zh-Hans", "zh", "zh-CN", "zh-Hans-CN")
"""Values of site.yaml `language` taken as zh-Hans."""
PLACEHOLDER = "待填写"
"""Text starting with this is a placeholder from `site-builder new`: check warns about it."""

DRAFT = "https://json-schema.org/draft/2020-12/schema"
WEEKDAYS = dict(zip(DAYS, DAY_LABELS))


@dataclass(frozen=True)
class Field:
    """One key of a record: what it holds, as the validator reads it."""

    name: str
    kind: str
    """text, url, email, date, dates, datetime, boolean, integer, number, choice, choices,
    slug, ref (an id of another record), phone, phones, ext, hours, langtags, texts (a list
    of text), record, list (of records), keyed (a record per key from `vocab`), wordmap (a
    record per free word), areas, share (a number from `low` to `high`, or a list of
    `record` stages by year)."""
    doc: str
    """What the key means, in Chinese (hover text and scaffold comments)."""
    required: bool = False
    max_len: int | None = None
    low: float | None = None
    high: float | None = None
    vocab: Mapping[str, str] | tuple[str, ...] | None = None
    record: "Record | None" = None
    """The record of a `record`, `list` or `keyed` field (keyed: the value of each key)."""
    schemes: tuple[str, ...] = ("https", "http")
    default: Any = None
    min_items: int | None = None
    max_items: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    """More JSON Schema keywords for what the validator checks in code (China's bounding
    box for coordinates, no `?` in base_url)."""


@dataclass(frozen=True)
class Record:
    """A mapping with fixed keys (a service, a phone entry, article front matter…)."""

    name: str
    doc: str
    fields: tuple[Field, ...]

    def keys(self) -> dict[str, bool]:
        """Key -> required, in the documented order (what `Checker.mapping` takes)."""
        return {f.name: f.required for f in self.fields}

    def __getitem__(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _labels(table: Mapping[str, str]) -> str:
    return "、".join(f"{k}（{v}）" for k, v in table.items())


# ----------------------------------------------------------------- site.yaml

CRISIS_LINE = Record("crisis line", "一条紧急求助电话", (
    Field("label", "text", "名称，如“全国心理援助热线”（最长 60 字）", required=True, max_len=60),
    Field("phone", "phone", "号码，加英文双引号，如 \"12356\"", required=True),
    Field("note", "text", "补充说明（最长 120 字）", max_len=120),
))
TARGET_STAGE = Record("a target stage", "分年度目标中的一年：从这一年起执行的比例", (
    Field("year", "integer", "从哪一年起执行（1949–2100）", required=True, low=1949, high=2100),
    Field("share", "number", "这一年起应达到的比例，0 到 1 的小数", required=True, low=0, high=1),
))
TARGET = Record("target", "这类服务的覆盖目标", (
    Field("level", "choice", "应覆盖到哪一级地区", required=True, vocab=vocab.LEVELS),
    Field("share", "share", "应有这类服务的地区所占比例，0 到 1 的小数（1.0 即 100%，不写 %）；"
          "也可以分年度写 [{year: 2019, share: 0.2}, {year: 2020, share: 0.5}]，"
          "按生成网站当天已开始的最近一年执行", required=True, low=0, high=1, record=TARGET_STAGE),
))
NEED_WORD_MAX = 20
"""Longest need word in site.yaml `search.needs` (a word residents type, not a sentence)."""
NEED = Record("need", "这个求助词对应的服务：写 kinds、services、audiences 中的一项或几项", (
    Field("kinds", "choices", "服务类型", vocab=vocab.KINDS),
    Field("services", "choices", "服务内容", vocab=vocab.SERVICES),
    Field("audiences", "choices", "服务对象", vocab=vocab.AUDIENCES),
    Field("title", "text", "专题页标题，如“睡不着怎么办”（最长 60 字）", max_len=60),
))
SEARCH = Record("search", "补充内置的搜索词表（只增加，不会删除内置的词）", (
    Field("risk_words", "texts", "表示有自杀、自伤风险的词：搜索里出现这些词时，最先显示紧急求助电话（每个最长 40 字）",
          max_len=40),
    Field("needs", "wordmap", f"求助词 → 对应的服务：键是居民会搜的词（最长 {NEED_WORD_MAX} 字），"
          "如 失眠: {services: [counseling, psychiatry], title: 睡不着怎么办}", record=NEED),
    Field("fillers", "texts", "搜索时可以忽略的词（如“怎么办”“在哪里”）：去掉这些词后，“华林社区在哪里”马上显示华林社区的结果"
          "（每个最长 20 字）", max_len=20),
))
FOOTER = Record("footer", "政府网站页脚：主办单位、备案号和网站标识码，显示在每页底部", (
    Field("host", "text", "主办单位，如“深圳市卫生健康委员会”（最长 100 字）", max_len=100),
    Field("icp", "text", "ICP 备案号，如 粤ICP备12345678号-1，链接到工业和信息化部备案管理系统", max_len=40,
          extra={"pattern": r"^[\u4e00-\u9fff]ICP[备证]\d{4,12}号(-\d{1,4})?$"}),
    Field("police_filing", "text", "公安机关备案号，如 粤公网安备44030402000001号（省份简称、公网安备、14 位数字、号），"
          "链接到全国互联网安全管理服务平台的备案信息", max_len=40,
          extra={"pattern": r"^[\u4e00-\u9fff]公网安备\d{14}号$"}),
    Field("gov_site_code", "text", "政府网站标识码：10 位数字（6 位行政区划代码 + 4 位），如 4403000001；"
          "部门网站写 bm 加 8 位数字", max_len=10, extra={"pattern": r"^(\d{10}|bm\d{8})$"}),
    Field("contact", "text", "联系方式：电话、地址或电子邮件（最长 200 字）", max_len=200),
))
SITE = Record("site.yaml", "站点设置（content/site.yaml）", (
    Field("title", "text", "网站名称，显示在每页顶部和浏览器标签上（最长 200 字）",
          required=True, max_len=200),
    Field("description", "text", "一句话介绍，显示在首页，也供搜索引擎使用（最长 300 字）", max_len=300),
    Field("base_url", "url", "网站发布的完整网址，可以带子路径，如 https://example.org/xinli/；"
          "不能带 ? 或 #", required=True,
          extra={"pattern": r"""^[Hh][Tt][Tt][Pp][Ss]?://[^\s/<>"'?#][^\s<>"'?#]*$"""}),
    Field("language", "choice", "网站界面的默认语言，本版本只支持 zh-Hans（简体中文）",
          vocab=DEFAULT_LANGUAGE_ALIASES, default="zh-Hans"),
    Field("timezone", "text", "所有开放时间所在的时区（IANA 名称），一般不用改", default="Asia/Shanghai"),
    Field("crisis", "list", "1–3 条紧急求助电话，显示在每页最上方，手机上点一下就能拨打",
          required=True, record=CRISIS_LINE, min_items=1, max_items=3),
    Field("stale_after_days", "integer", "服务点的核实日期（verified）超过多少天就提示“可能已经过时”",
          low=1, high=3650, default=180),
    Field("edit_url", "url", "“信息有误？提交更正”链接的前半部分，后面接文件在仓库里的路径，"
          "如 https://github.com/<账号>/<仓库>/edit/main/"),
    Field("demo", "boolean", "true 表示整个网站是示例数据，每页都显示提示；正式网站删掉或写 false",
          default=False),
    Field("quick_exit", "url", "“快速离开”按钮跳转到的网址（如天气预报网站）；不写就不显示按钮"),
    Field("languages", "choices", "除默认语言外的其他界面语言：zh-Hant（繁体中文）、en（英文）",
          vocab=("zh-Hant", "en")),
    Field("opencc", "choice", "繁体中文版怎样从简体转换（OpenCC 配置）：s2hk（香港用字，默认）、s2t（通用繁体）、"
          "s2tw（台湾用字）、s2twp（台湾用字和用语）", vocab=("s2hk", "s2t", "s2tw", "s2twp"), default="s2hk"),
    Field("data_license", "text", "数据开放许可，SPDX 标识（如 CC-BY-4.0）或“名称 + 网址”（最长 200 字）",
          max_len=200),
    Field("targets", "keyed", "服务覆盖目标：键是服务类型，值是 {level, share}", vocab=vocab.KINDS,
          record=TARGET),
    Field("search", "record", "搜索词表：风险词（risk_words）和求助词（needs），补充内置的词表", record=SEARCH),
    Field("far_km", "integer", "服务点离本区其他服务点都超过这么多公里时给警告（坐标可能填错），默认 30",
          low=1, high=2000, default=30),
    Field("footer", "record", "政府网站页脚：主办单位（host）、ICP 备案号（icp）、公安机关备案号（police_filing）、"
          "政府网站标识码（gov_site_code）、联系方式（contact）", record=FOOTER),
    Field("share_image", "text", "分享图片：media/ 下的 PNG 或 JPEG 文件（至少 300×300 像素），"
          "在微信等应用里转发链接时显示；不写就用网站名称自动生成一张", max_len=300),
))

# ------------------------------------------------------------- regions.yaml

AREA = Record("area", "一个地区：{id, name, level, children}", (
    Field("id", "slug", "地区 id：小写英文字母、数字和 -，1–64 个字符，整个文件里不能重复", required=True),
    Field("name", "text", "地区名称（最长 100 字）", required=True, max_len=100),
    Field("level", "choice", "级别；下级的级别必须低于上级，可以跳级", required=True, vocab=vocab.LEVELS),
    Field("children", "areas", "下级地区列表，每项也是 {id, name, level, children}"),
))

# ------------------------------------------------------------ holidays.yaml

HOLIDAY = Record("holiday", "一个法定节假日（可以是连续几天）", (
    Field("dates", "dates", "放假日期：一天写 2026-05-01，连续几天写 第一天..最后一天（两头都算，最长 60 天），"
          "如 2026-10-01..2026-10-07", required=True),
    Field("name", "text", "节日名称（最长 60 字）", required=True, max_len=60),
))
WORKDAY = Record("make-up workday", "一个调休上班日（周末上班）", (
    Field("date", "date", "调休上班的日期 YYYY-MM-DD", required=True),
    Field("name", "text", "名称，如“国庆节调休上班”（最长 60 字）", required=True, max_len=60),
    Field("as", "choice", "这一天按星期几的时间开放：mon … sun，不写就是 mon", vocab=WEEKDAYS, default="mon"),
))
HOLIDAYS = Record("holidays.yaml", "法定节假日和调休上班日（content/holidays.yaml）", (
    Field("off", "list", "放假的日子", record=HOLIDAY),
    Field("workdays", "list", "调休上班日", record=WORKDAY),
))

# ----------------------------------------------------------------- services

PHONE_ENTRY = Record("a phone", "一个电话号码，带分机或说明", (
    Field("number", "phone", "号码，加英文双引号，如 \"0755-55501234\"", required=True),
    Field("ext", "ext", "分机号，1–6 位数字"),
    Field("label", "text", "说明，如“总台”“预约”“夜间”（最长 60 字）", max_len=60),
))
LOCATION = Record("location", "坐标：从哪个地图复制，就写哪个 crs", (
    Field("lat", "number", "纬度（中国境内约 3.8–53.6），两个数里小的那个", required=True, low=-90, high=90,
          extra={"minimum": round(coords.CHINA_BBOX_LAT[0], 6),
                 "maximum": round(coords.CHINA_BBOX_LAT[1], 6)}),
    Field("lon", "number", "经度（中国境内约 73.5–135.1），两个数里大的那个", required=True, low=-180,
          high=180, extra={"minimum": round(coords.CHINA_BBOX_LON[0], 6),
                           "maximum": round(coords.CHINA_BBOX_LON[1], 6)}),
    Field("crs", "choice", "坐标系：wgs84（GPS，默认）、gcj02（高德、腾讯地图）、bd09（百度地图）",
          vocab={"wgs84": "GPS 坐标", "gcj02": "高德地图、腾讯地图", "bd09": "百度地图"}, default="wgs84"),
))
CONTACT = Record("a contact", "其他联系渠道，只显示为文字", (
    Field("label", "text", "渠道名称，如“微信小程序”“QQ 群”（最长 60 字）", required=True, max_len=60),
    Field("value", "text", "内容（最长 200 字）", required=True, max_len=200),
))
CLOSURE = Record("closed", "暂停服务：两天都算在暂停期内；不写 until 表示暂停到另行通知", (
    Field("from", "date", "暂停的第一天 YYYY-MM-DD", required=True),
    Field("until", "date", "暂停的最后一天 YYYY-MM-DD（可不写）"),
    Field("reason", "text", "原因，如“装修”（最长 200 字）", max_len=200),
    Field("alternative", "ref", "暂停期间可以去的服务点 id（services/ 里的文件名，不含 .yaml），显示在暂停通知里", max_len=64),
))
STAT = Record("a stats entry", "一年的公开服务数据", (
    Field("year", "integer", "年份，1949 到今年", required=True, low=1949),
    Field("visits", "integer", "服务人次，整数，不写千位分隔符", low=0, high=100_000_000),
    Field("satisfaction", "number", "满意度 0–100，可以有小数，不写 %", low=0, high=100),
))
TRANSLATION = Record("translation", "这种语言的文字；没写的项目用简体中文的内容", tuple(
    Field(name, "text", f"{label}的翻译（最长 4000 字）", max_len=4000)
    for name, label in (("name", "名称"), ("address", "地址"), ("hours_note", "开放时间说明"),
                        ("description", "介绍"), ("operator", "运营单位"))))

SERVICE = Record("a service record", "一个服务点（content/services/<id>.yaml，文件名就是 id）", (
    Field("name", "text", "对公众显示的名称（最长 200 字）", required=True, max_len=200),
    Field("kind", "choice", "服务类型", required=True, vocab=vocab.KINDS),
    Field("region", "ref", "所在地区的 id（regions.yaml 里的 id）；热线和线上平台填它服务的地区",
          required=True, max_len=64),
    Field("address", "text", "街道地址（最长 300 字）；除 hotline（热线）和 online（线上平台）外必填",
          max_len=300),
    Field("location", "record", "坐标 {lat, lon, crs}；有地址却没有坐标会给警告", record=LOCATION),
    Field("phones", "phones", "电话列表，每个号码加英文双引号：[\"0755-55501234\"]；"
          "需要分机或说明时写 {number, ext, label}"),
    Field("website", "url", "网站，https:// 开头；http:// 也可以，但有警告", schemes=("https",)),
    Field("email", "email", "电子邮箱（最长 200 字）", max_len=200),
    Field("wechat", "text", "微信公众号名称（最长 100 字）", max_len=100),
    Field("other_contacts", "list", "其他联系渠道（QQ 群、小程序、App），每项 {label, value}，只显示为文字",
          record=CONTACT),
    Field("hours", "hours", "开放时间：24/7、by_appointment、unknown，或按星期写的映射，"
          "如 mon-fri: \"08:30-12:00, 13:30-17:30\"", required=True),
    Field("hours_note", "text", "开放时间旁边的补充说明（最长 500 字）", max_len=500),
    Field("audiences", "choices", "服务对象，可多选；不写时为 [everyone]", vocab=vocab.AUDIENCES),
    Field("services", "choices", "服务内容，可多选", vocab=vocab.SERVICES),
    Field("cost", "choice", "费用，单选", vocab=vocab.COSTS),
    Field("booking", "choices", "预约方式，可多选", vocab=vocab.BOOKING),
    Field("languages", "langtags", "服务语言（BCP 47 语言代码，如 zh、yue、en）；不写时为 [zh]"),
    Field("accessibility", "choices", "无障碍设施，可多选", vocab=vocab.ACCESSIBILITY),
    Field("operator", "text", "运营单位（最长 200 字）；同一单位的服务点写相同的名称", max_len=200),
    Field("description", "text", "介绍，可以用 Markdown（最长 20000 字）；多行时写 description: | "
          "再换行缩进", max_len=20000),
    Field("verified", "date", "最后一次打电话或上门核实这条信息的日期 YYYY-MM-DD，不能是将来的日期",
          required=True),
    Field("closed", "record", "暂停服务 {from, until, reason, alternative}", record=CLOSURE),
    Field("stats", "list", "公开的年度服务数据，每项 {year, visits, satisfaction}", record=STAT),
    Field("translations", "keyed", "其他语言（en、zh-Hant）的名称、地址等", vocab=TRANSLATION_LANGS,
          record=TRANSLATION),
))

# -------------------------------------------------------- articles / pages

EVENT = Record("event", "活动信息", (
    Field("start", "datetime", "开始时间，当地日期和时间 \"YYYY-MM-DD HH:MM\"，加引号", required=True),
    Field("end", "datetime", "结束时间 \"YYYY-MM-DD HH:MM\"，不能早于开始时间"),
    Field("place", "text", "地点（最长 300 字）", required=True, max_len=300),
    Field("service", "ref", "举办的服务点 id（services/ 里的文件名，不含 .yaml）", max_len=64),
))
ARTICLE = Record("article front matter", "文章的头部信息（content/articles/<slug>.md 开头两行 --- 之间）", (
    Field("title", "text", "标题（最长 200 字）", required=True, max_len=200),
    Field("date", "date", "发布日期 YYYY-MM-DD；翻译文件（<slug>.en.md）可不写，沿用原文", required=True),
    Field("summary", "text", "摘要，显示在文章列表里（最长 500 字）", max_len=500),
    Field("tags", "texts", "标签列表，每个最长 40 字", max_len=40),
    Field("category", "choice", "分类", vocab=vocab.CATEGORIES),
    Field("audiences", "choices", "面向人群，取值同服务点", vocab=vocab.AUDIENCES),
    Field("draft", "boolean", "true 表示草稿，不发布（仍然会被检查）", default=False),
    Field("updated", "date", "更新日期 YYYY-MM-DD"),
    Field("event", "record", "活动信息 {start, end, place, service}", record=EVENT),
))
PAGE = Record("page front matter", "页面的头部信息（content/pages/<slug>.md 开头两行 --- 之间）", (
    Field("title", "text", "标题（最长 200 字）", required=True, max_len=200),
    Field("nav", "integer", "在主菜单中的位置，0–1000，数字小的在前；不写则不在菜单里", low=0, high=1000),
))

# --------------------------------------------------------------- JSON Schema

_BIDI = r"\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069"
_NO_CONTROL = rf"[^\u0000-\u0008\u000B-\u001F\u007F-\u009F{_BIDI}]"
TEXT_PATTERN = rf"^{_NO_CONTROL}*[^\s\u0000-\u001F{_BIDI}]{_NO_CONTROL}*$"
"""Not empty, no control characters, no direction controls (Checker.text)."""
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DATE = DATE_PATTERN[1:-1]
DATES_PATTERN = rf"^\s*{_DATE}(\s*\.\.\s*{_DATE})?\s*$"
DATETIME_PATTERN = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?\s*$"
URL_PATTERN = r"""^[Hh][Tt][Tt][Pp][Ss]?://[^\s/<>"'?#@\\][^\s/<>"'?#@\\]*([/?#][^\s<>"'\\]*)?$"""
"""One address: no spaces, no backslash, no user name before the host (Checker.url)."""
PHONE_PATTERN = r"^\s*[+＋]?[0-9０-９(（][0-9０-９ 　()（）\-－—]*\s*$"
_START = r"([01]?[0-9]|2[0-3]):[0-5][0-9]"
_END = r"(([01]?[0-9]|2[0-3]):[0-5][0-9]|24:00)"
_RANGE = rf"{_START}\s*[-–~]\s*(次日\s*)?{_END}"
HOURS_VALUE_PATTERN = rf"^\s*({CLOSED}|{_RANGE}(\s*[,，、]\s*{_RANGE})*)\s*$"
HOURS_KEYS = (DAYS + tuple(f"{a}-{b}" for a in DAYS for b in DAYS if a != b) + (HOLIDAYS_KEY,))


def _choice_schema(table) -> dict:
    out: dict[str, Any] = {"type": "string", "enum": list(table)}
    if isinstance(table, Mapping):
        out["enumDescriptions"] = list(table.values())  # VS Code shows these in completions
    return out


def _hours_schema() -> dict:
    value = {"type": "string", "pattern": HOURS_VALUE_PATTERN,
             "description": "一个或几个加引号的时间段 \"HH:MM-HH:MM\"，用逗号分开，或 closed（休息）；"
                            "结束早于开始表示跨过午夜（也可写成 20:00-次日08:00），24:00 可以作结束"}
    shown = {**{d: f"{WEEKDAYS[d]}的开放时间" for d in DAYS},
             "mon-fri": "周一至周五的开放时间", "sat-sun": "周六、周日的开放时间",
             "mon-sun": "每天的开放时间", HOLIDAYS_KEY: "法定节假日的开放时间（不写时节假日休息）"}
    return {"anyOf": [
        {"type": "string", "enum": list(MODES),
         "enumDescriptions": ["全年 24 小时，节假日照常", "只接受预约", "没有公布时间，页面提示先致电"]},
        {"type": "object", "minProperties": 1,
         "description": "键是星期 mon … sun、连续几天 mon-fri，或 holidays；没写到的日子不开放，"
                        "每天只能出现一次",
         "propertyNames": {"enum": list(HOURS_KEYS)},
         "properties": {k: {**value, "description": f"{v}：{value['description']}"}
                        for k, v in shown.items()},
         "additionalProperties": value},
    ]}


def _value_schema(f: Field) -> dict:
    """The JSON Schema of one field's value (without its description)."""
    k = f.kind
    if k == "text":
        out = {"type": ["string", "number"], "pattern": TEXT_PATTERN, "maxLength": f.max_len or 2000}
    elif k == "url":
        out = {"type": "string", "pattern": URL_PATTERN, "maxLength": 2000}
    elif k == "email":
        out = {"type": "string", "pattern": EMAIL.pattern, "maxLength": f.max_len}
    elif k == "date":
        out = {"type": "string", "pattern": DATE_PATTERN}
    elif k == "dates":
        out = {"type": "string", "pattern": DATES_PATTERN}
    elif k == "datetime":
        out = {"type": "string", "pattern": DATETIME_PATTERN}
    elif k == "boolean":
        out = {"type": "boolean"}
    elif k in ("integer", "number"):
        out = {"type": k}
        if f.low is not None:
            out["minimum"] = f.low
        if f.high is not None:
            out["maximum"] = f.high
    elif k == "choice":
        out = _choice_schema(f.vocab)
    elif k == "choices":
        out = {"type": "array", "items": _choice_schema(f.vocab)}
    elif k in ("slug", "ref"):
        # An unquoted number is read as its text by the validator (`id: 440300`).
        out = {"type": ["string", "integer"], "pattern": SLUG_PATTERN}
    elif k == "phone":
        out = {"type": ["string", "integer"], "pattern": PHONE_PATTERN, "minimum": 0}
    elif k == "ext":
        out = {"type": ["string", "integer"], "pattern": r"^[0-9]{1,6}$", "minimum": 0, "maximum": 999999}
    elif k == "phones":
        phone = {"type": ["string", "integer"], "pattern": PHONE_PATTERN, "minimum": 0}
        out = {"type": "array", "items": {"anyOf": [phone, record_schema(PHONE_ENTRY)]}}
    elif k == "hours":
        out = _hours_schema()
    elif k == "share":  # one share, or a list of {year, share} stages
        out = {"anyOf": [{"type": "number", "minimum": f.low, "maximum": f.high},
                         {"type": "array", "minItems": 1, "items": record_schema(f.record)}]}
    elif k == "langtags":
        out = {"type": "array", "items": {"type": "string", "pattern": LANG_TAG.pattern}}
    elif k == "texts":
        out = {"type": "array", "items": {"type": ["string", "number"], "pattern": TEXT_PATTERN,
                                          "maxLength": f.max_len}}
    elif k == "record":
        out = record_schema(f.record)
    elif k == "areas":
        out = {"type": "array", "items": {"$ref": "#/$defs/area"}}  # regions.yaml: the tree
    elif k == "list":
        out = {"type": "array", "items": record_schema(f.record)}
        if f.min_items is not None:
            out["minItems"] = f.min_items
        if f.max_items is not None:
            out["maxItems"] = f.max_items
    elif k == "wordmap":  # free keys (words), each a record
        out = {"type": "object", "propertyNames": {"minLength": 1, "maxLength": NEED_WORD_MAX},
               "additionalProperties": record_schema(f.record)}
    elif k == "keyed":
        value = record_schema(f.record)
        out = {"type": "object", "propertyNames": {"enum": list(f.vocab)},
               "properties": {key: value for key in f.vocab}, "additionalProperties": False}
    else:  # pragma: no cover - a typo in the declarations above
        raise ValueError(f"unknown field kind {k!r}")
    out.update(f.extra)
    return out


def field_schema(f: Field) -> dict:
    """The schema of a field with its Chinese description (hover text) and default."""
    out = {"description": f.doc}
    if f.kind in ("choice", "choices") and isinstance(f.vocab, Mapping) and len(f.vocab) > 3:
        out["description"] += "：" + _labels(f.vocab)
    if f.default is not None:
        out["default"] = f.default
    out.update(_value_schema(f))
    return out


def record_schema(record: Record, optional: tuple[str, ...] = ()) -> dict:
    """A mapping with exactly the record's keys (`additionalProperties: false`)."""
    out: dict[str, Any] = {"type": "object", "description": record.doc,
                           "properties": {f.name: field_schema(f) for f in record.fields}}
    required = [f.name for f in record.fields if f.required and f.name not in optional]
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _document(title: str, body: dict, defs: dict | None = None) -> dict:
    doc: dict[str, Any] = {"$schema": DRAFT, "title": title}
    doc.update(body)
    if defs:
        doc["$defs"] = defs
    return doc


def service_schema() -> dict:
    body = record_schema(SERVICE)
    needs_address = [k for k in vocab.KINDS if k not in NO_ADDRESS_KINDS]
    body["allOf"] = [
        {"if": {"required": ["kind"], "properties": {"kind": {"enum": needs_address}}},
         "then": {"required": ["address"]}},
        {"anyOf": [{"required": [k]} for k in CONTACT_KEYS]},
    ]
    body["description"] += ("；除 hotline 和 online 外必须写 address；"
                            f"{'、'.join(CONTACT_KEYS)} 至少写一项")
    return _document("服务点", body)


def article_schema(translation: bool = False) -> dict:
    """Front matter of an article; a translation (`sleep.en.md`) may leave out `date`."""
    body = record_schema(ARTICLE, optional=("date",) if translation else ())
    return _document("文章头部信息", body)


def json_schemas() -> dict[str, dict]:
    """File name -> JSON Schema, for `site-builder schema`."""
    area = record_schema(AREA)
    return {
        "site.schema.json": _document("站点设置 site.yaml", record_schema(SITE)),
        "regions.schema.json": _document(
            "地区 regions.yaml",
            {"description": "地区树的列表：每个地区写 {id, name, level, children}", "type": "array",
             "minItems": 1, "items": {"$ref": "#/$defs/area"}}, {"area": area}),
        "holidays.schema.json": _document("节假日 holidays.yaml",
                                          record_schema(HOLIDAYS)),
        "service.schema.json": service_schema(),
        "article.schema.json": article_schema(),
        "page.schema.json": _document("页面头部信息", record_schema(PAGE)),
    }


def render(schema: dict) -> str:
    """Stable text of one schema file (UTF-8, Chinese as is)."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = out / name
        path.write_text(render(schema), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale_schemas(out: Path) -> list[str]:
    """Names of schema files in `out` that are missing or differ from the definitions."""
    stale = []
    for name, schema in json_schemas().items():
        path = out / name
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != render(schema):
            stale.append(name)
    return stale
