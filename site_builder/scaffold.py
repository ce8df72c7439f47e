"""`site-builder new`: write a commented starting file for a service or an article.

The file is valid as written, so `site-builder check` passes right after it is made;
what the editor must still write is marked `待填写：…` (check warns about every such
value until it is replaced). Optional fields are there as comments, with their
vocabularies, taken from the same declarations as the validator (schema.py).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypinyin import lazy_pinyin

from . import vocab
from .errors import Abort, Problems
from .fields import SLUG
from .load import display_path, parse_yaml, read_text
from .messages import M
from .schema import ARTICLE, NO_ADDRESS_KINDS, PLACEHOLDER, SERVICE
from .validate import today_in, validate_regions

TODO = PLACEHOLDER + "："


class AlreadyExists(Exception):
    """The file to create is there already: it is never overwritten."""


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    trail: str
    """`测试市 › 测试区`, for the comment beside `region:`."""


# ------------------------------------------------------------------ checks


def _did_you_mean(word: str, choices, extra: str | None = None) -> str:
    close = extra or next(iter(difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)), None)
    return M("hint.did_you_mean", "did you mean {word!r}? ", word=close) if close else ""


def slug_hint(text: str) -> str | None:
    """A valid id close to `text` (`Futian_Huafu` → `futian-huafu`, 华富 → `hua-fu`)."""
    if re.search(r"[\u4e00-\u9fff]", text):
        text = " ".join(lazy_pinyin(text))
    guess = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return guess if guess and guess != text and SLUG.match(guess) else None


def check_id(value: str, what: str) -> str:
    if not SLUG.match(value):
        hint = slug_hint(value)
        raise Abort(M("new.bad_id", "{value!r} is not a valid {what} ({hint}1–64 characters: "
                      "lowercase a-z, 0-9 and -)", value=value, what=what,
                      hint=M("hint.did_you_mean", "did you mean {word!r}? ", word=hint)
                      if hint else ""))
    return value


def check_kind(value: str) -> str:
    if value in vocab.KINDS:
        return value
    # An editor may type the Chinese name of the kind (心理门诊) instead of its value.
    by_label = vocab.kind_for(value)
    raise Abort(M("new.bad_kind", "--kind {value!r} is not a kind ({hint}one of: {kinds})",
                  value=value, hint=_did_you_mean(value.lower(), vocab.KINDS, by_label),
                  kinds=", ".join(vocab.KINDS)))


def load_areas(content: Path) -> dict[str, Area]:
    """The valid areas of the content folder's regions.yaml, by id."""
    path = content / "regions.yaml"
    if not path.exists():
        raise Abort(M("new.no_regions", "{path} does not exist (the content folder needs "
                      "regions.yaml before services can be added)", path=display_path(path, content)))
    problems = Problems()
    shown = display_path(path, content)
    text = read_text(path, shown, problems, max_bytes=20_000_000)
    doc = parse_yaml(text, shown, "regions.yaml", problems, max_nodes=2_000_000) if text else None
    regions, _ = validate_regions(doc, "", problems)
    return {rid: Area(rid, r.name, " › ".join(a.name for a in r.trail)) for rid, r in regions.items()}


def check_region(value: str, areas: dict[str, Area]) -> Area:
    if value in areas:
        return areas[value]
    # The area's name (华富街道) instead of its id: point at the id.
    named = [a.id for a in areas.values() if value and (a.name == value or value in a.name)]
    hint = named[0] if len(named) == 1 else None
    raise Abort(M("new.bad_region", "--region {value!r} is not an area in regions.yaml "
                  "({hint}an id from regions.yaml)", value=value,
                  hint=_did_you_mean(value, areas, hint)))


def _target(content: Path, folder: str, name: str) -> Path:
    if not content.is_dir():
        raise Abort(M("content.missing", "content folder {content} does not exist (pass "
                      "--content DIR)", content=content))
    path = content / folder / name
    if path.exists():
        raise AlreadyExists(M("new.exists", "{path} already exists and was not changed (choose "
                              "another name, or edit that file)", path=display_path(path, content)))
    return path


def site_today(content: Path) -> date:
    """Today in the site's time zone (site.yaml `timezone`, else Asia/Shanghai)."""
    zone = "Asia/Shanghai"
    path = content / "site.yaml"
    if path.exists():
        problems = Problems()
        text = read_text(path, "site.yaml", problems)
        doc = parse_yaml(text, "site.yaml", "site.yaml", problems) if text else None
        if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("timezone"), str):
            zone = doc.data["timezone"]
    return today_in(zone)


# --------------------------------------------------------------- templates


_TOKEN = re.compile(r"[a-z0-9_]+（[^）]{1,12}）[、，。]?|[A-Za-z0-9_./:<>\\-]+|\s+|.")
"""Units that a line never breaks inside: `value（标签）、`, an English word, a character."""
_NO_LINE_START = set("，。、；：？！）》」』”’…")
_NO_LINE_END = set("（《「『“‘")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Wrap mixed Chinese and English: break between Chinese characters or at spaces, never
    inside an English word or value, and not before closing punctuation (，。）)."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if line and not token.isspace() and _width(line.rstrip() + token) > width \
                and token[0] not in _NO_LINE_START:
            keep = ""
            while line and line[-1] in _NO_LINE_END:  # an opening bracket goes down with its word
                keep, line = line[-1] + keep, line[:-1]
            lines.append(line.rstrip())
            line = keep
        if not (token.isspace() and not line):
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _comment(text: str, width: int = 76) -> str:
    """`# ` lines, wrapped to `width` columns (a Chinese character is two)."""
    lines = []
    for paragraph in text.split("\n"):
        lines += _wrap(paragraph, width) or [""]
    return "".join(f"# {line}\n" if line else "#\n" for line in lines)


def _choices(name: str) -> str:
    f = SERVICE[name]
    return "、".join(f"{k}（{v}）" for k, v in f.vocab.items())


def service_text(sid: str, kind: str, area: Area, today: date) -> str:
    no_address = kind in NO_ADDRESS_KINDS
    kinds = "、".join(f"{k}（{v}）" for k, v in vocab.KINDS.items())
    hours_example = ('# hours: 24/7                 # 全年 24 小时，节假日照常\n'
                     if kind in ("hotline", "online") else "")
    out = [
        f"# 服务点：{vocab.KINDS[kind]}（由 site-builder new 生成于 {today}）\n",
        _comment(f"把所有“{TODO}……”换成实际内容，用不上的注释可以删掉，然后运行 site-builder check。"
                 "字段说明见 docs/content.md 第 5 节。"
                 f"文件名 {sid} 就是服务点的 id，会出现在网址里（/services/{sid}/），发布后尽量不要改。"),
        "#\n",
        _comment("字段名和固定取值原样用英文；时间、电话号码一律加英文双引号。"),
        "\n",
        _comment(SERVICE["name"].doc + "："),
        f"name: {TODO}服务点名称\n",
        _comment(f"服务类型：{kind}（{vocab.KINDS[kind]}）。可选：{kinds}"),
        f"kind: {kind}\n",
        _comment(f"所在地区的 id（regions.yaml 里的 id）：{area.id} 是 {area.trail}"),
        f"region: {area.id}\n",
    ]
    if no_address:
        out += [_comment(f"{vocab.KINDS[kind]}可以不写地址；有接待地点时再写："),
                f"# address: {TODO}街道地址\n"]
    else:
        out += [_comment("街道地址（最长 300 字）："),
                f"address: {TODO}街道地址，如 ××市××区××路 1 号 2 楼\n",
                _comment("坐标（没有坐标会有警告）：在高德或百度地图的坐标拾取器里找到位置，"
                         "lat 填小的那个数、lon 填大的那个数；从哪个地图复制就写哪个 crs："
                         "高德、腾讯 gcj02，百度 bd09，手机 GPS wgs84。填好后删掉行首的“# ”："),
                "# location: {lat: 22.5478, lon: 114.0553, crs: gcj02}\n"]
    out += [
        "\n",
        _comment("电话：每个号码加英文双引号；有分机或需要说明时写 {number, ext, label}。"
                 "填好后删掉这几行行首的“# ”："),
        "# phones:\n",
        '#   - {number: "0755-55501234", label: 总台}\n',
        '#   - "13800138000"\n',
        _comment("phones、website、email、wechat 至少要写一项。下面的 wechat 先占位："
                 "写好电话后，没有公众号就删掉它。"),
        f"wechat: {TODO}微信公众号名称\n",
        "# website: https://example.org/\n",
        "# email: name@example.org\n",
        "\n",
        _comment("开放时间。现在的 unknown 表示“没有公布时间”，页面会提示先打电话确认；"
                 "问清楚后改成按星期写（去掉“# ”，删掉 hours: unknown），例如："),
        hours_example,
        "# hours:\n",
        '#   mon-fri: "08:30-12:00, 14:00-17:30"   # 上午、下午两段，中间午休\n',
        '#   sat: "09:00-12:00"\n',
        "#   holidays: closed                      # 法定节假日休息（不写也是休息）\n",
        "hours: unknown\n",
        _comment("开放时间旁边的补充说明（可选）："),
        "# hours_note: 寒暑假时间另行通知\n",
        "\n",
        _comment(f"服务对象（可多选，不写时为 everyone）：{_choices('audiences')}"),
        "# audiences: [everyone]\n",
        _comment(f"服务内容（可多选）：{_choices('services')}"),
        "# services: [counseling]\n",
        _comment(f"费用：{_choices('cost')}"),
        "# cost: free\n",
        _comment(f"预约方式（可多选）：{_choices('booking')}"),
        "# booking: [walk_in, appointment]\n",
        _comment(f"无障碍设施（可多选）：{_choices('accessibility')}"),
        "# accessibility: [wheelchair]\n",
        _comment("服务语言（BCP 47 代码，不写时为 zh 普通话），如 zh、yue（粤语）、en："),
        "# languages: [zh]\n",
        _comment(SERVICE["operator"].doc + "："),
        f"operator: {TODO}运营单位\n",
        _comment("介绍（可选），可以用 Markdown；多行时这样写，每行缩进两个空格："),
        "# description: |\n",
        "#   第一段。\n",
        "#\n",
        "#   第二段。\n",
        "\n",
        _comment("最后一次打电话或上门核实这条信息的日期（YYYY-MM-DD），不能是将来的日期。"
                 "先写的是今天：核实后改成核实那天的日期。"),
        f"verified: {today}\n",
    ]
    return "".join(out)


def article_text(slug: str, today: date) -> str:
    categories = "、".join(f"{k}（{v}）" for k, v in ARTICLE["category"].vocab.items())
    audiences = "、".join(f"{k}（{v}）" for k, v in ARTICLE["audiences"].vocab.items())
    return "".join([
        "---\n",
        _comment(f"文章的头部信息（由 site-builder new 生成于 {today}）。把“{TODO}……”换成实际内容，"
                 "用不上的注释可以删掉，然后运行 site-builder check。字段说明见 docs/content.md 第 7 节。"
                 f"文件名 {slug} 会出现在网址里：/articles/{slug}/"),
        "\n",
        _comment(ARTICLE["title"].doc + "，显示为页面大标题，正文里不用再写一级标题："),
        f"title: {TODO}文章标题\n",
        _comment("发布日期 YYYY-MM-DD，文章按日期从新到旧排列："),
        f"date: {today}\n",
        _comment(ARTICLE["summary"].doc + "；不需要就删掉这一行："),
        f"summary: {TODO}一两句话的摘要\n",
        _comment(f"分类（可选）：{categories}"),
        "# category: science\n",
        _comment("标签（可选），每个最长 40 字："),
        "# tags: [睡眠, 科普]\n",
        _comment(f"面向人群（可选）：{audiences}"),
        "# audiences: [everyone]\n",
        _comment("活动预告写 event（时间加引号），并把 category 写成 event："),
        "# event:\n",
        '#   start: "2026-12-05 14:00"\n',
        '#   end: "2026-12-05 16:00"\n',
        "#   place: 活动地点\n",
        "#   service: 举办的服务点 id（services/ 里的文件名，不含 .yaml）\n",
        "\n",
        _comment("草稿：true 表示不发布（仍然会检查）。写好后删掉这一行，或改成 draft: false："),
        "draft: true\n",
        "---\n",
        f"{TODO}正文。用 Markdown 写：空一行是分段，小标题用 ## 开头。\n",
        "\n",
        "## 小标题\n",
        "\n",
        "站内链接以 / 开头，写成 `[服务点名称](/services/<id>/)` 这样（不带反引号）；"
        "site-builder check 会检查每个链接指向的页面是否存在。\n",
    ])


# ----------------------------------------------------------------- actions


def new_service(content: Path, sid: str, kind: str, region: str, today: date | None = None) -> Path:
    """Write services/<sid>.yaml; Abort on a bad argument, AlreadyExists if it is there."""
    check_id(sid, M("noun.service_id", "service id"))
    kind = check_kind(kind)
    path = _target(content, "services", f"{sid}.yaml")
    area = check_region(region, load_areas(content))
    text = service_text(sid, kind, area, today or site_today(content))
    return _write(path, text)


def new_article(content: Path, slug: str, today: date | None = None) -> Path:
    check_id(slug, M("noun.article_slug", "article slug"))
    path = _target(content, "articles", f"{slug}.md")
    return _write(path, article_text(slug, today or site_today(content)))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
            f.write(text)
    except FileExistsError:
        raise AlreadyExists(M("new.exists_now", "{path} already exists and was not changed",
                              path=path)) from None
    return path


# ------------------------------------------------------------ a new site

STARTER = Path(__file__).resolve().parent / "starter"
"""The files of `site-builder init` (shipped in the package): `content/` as it is written,
and the CI files of a content-only repository, with `@VERSION@` for the pinned version."""
STARTER_SERVICE = ("district-a-street-a-station", "service_station", "district-a-street-a")
"""The one service of a new site: its id, kind and region."""
REPOSITORY_FILES = {"github-site.yml": ".github/workflows/site.yml",
                    "gitlab-ci.yml": ".gitlab-ci.yml", "gitignore": ".gitignore"}


def new_site(target: Path, version: str, today: date | None = None) -> list[Path]:
    """Write a content-only repository into `target` (new or empty): `content/` with
    site.yaml, regions.yaml, holidays.yaml, one service, one article, one page, and CI
    files that install site-builder==`version`. Never writes into a non-empty folder."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AlreadyExists(M("init.not_empty", "{target} is not an empty folder and was not "
                              "changed (init writes a new site only into a new or empty folder)",
                              target=target))
    written: list[Path] = []
    source = STARTER / "content"
    for path in sorted(source.rglob("*")):
        if path.is_file():
            written.append(_write(target / "content" / path.relative_to(source),
                                  path.read_text(encoding="utf-8")))
    content = target / "content"
    sid, kind, region = STARTER_SERVICE
    area = check_region(region, load_areas(content))
    written.append(_write(content / "services" / f"{sid}.yaml",
                          service_text(sid, kind, area, today or site_today(content))))
    for name, rel in REPOSITORY_FILES.items():
        text = (STARTER / name).read_text(encoding="utf-8").replace("@VERSION@", version)
        written.append(_write(target / rel, text))
    return written
