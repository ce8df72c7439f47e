"""Messages for editors, in their language: English in the code, Chinese in a catalogue.

Every message the tools print is made in one of two ways:

* `M(code, template, **params)` for a message that is kept and printed later (a content
  problem, an `Abort`): a `Msg`, which *is* the English text (a `str`, so code and tests
  that compare or search messages keep working) and also carries its stable `code`, its
  English `template` and its `params`;
* `say(code, template, **params)` for a line printed at once (a summary, a progress line):
  the text in the current language.

`text(msg)` renders a `Msg` in the current language: the catalogue
`site_builder/data/messages.zh-Hans.yaml` maps each code to a Chinese template with the
same `{placeholders}` as the English one; a code missing from it falls back to English
(and `tests/test_messages.py` fails). Params that are themselves `Msg`s (a did-you-mean
hint, a noun such as "a service record") are rendered in the same language.

The language is chosen once per command (`set_language`, see `choose`): `--messages
en|zh-Hans`, else the environment variable `SITE_BUILDER_MESSAGES`, else the content's
`site.yaml` `language` (Chinese for any `zh…`, English otherwise; Chinese when there is
no readable site.yaml, the default UI language). Codes are dotted lowercase words
(`phone.not_a_number`) and never change once published: `check --format json|github`
shows them beside the text for tools.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("en", "zh-Hans")
ENV = "SITE_BUILDER_MESSAGES"
CATALOGUE_DIR = Path(__file__).parent / "data"
_ALIASES = {"zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-hans": "zh-Hans", "cn": "zh-Hans",
            "chinese": "zh-Hans", "en": "en", "english": "en", "en-us": "en", "en-gb": "en"}
_current = {"language": None}


class Msg(str):
    """One message: the English text, plus its `code`, English `template` and `params`."""

    code: str
    template: str
    params: dict

    def __new__(cls, code: str, template: str, /, **params):
        english = template.format(**{k: (str.__str__(v) if isinstance(v, Msg) else v)
                                     for k, v in params.items()})
        self = super().__new__(cls, english)
        self.code, self.template, self.params = code, template, params
        return self

    def __reduce__(self):  # pickles (worker processes, caches) as its parts
        return (_rebuild, (self.code, self.template, self.params))

    def render(self, language: str | None = None) -> str:
        language = language or current()
        if language == "en":
            return str.__str__(self)
        template = catalogue(language).get(self.code, self.template)
        params = {k: (v.render(language) if isinstance(v, Msg) else v)
                  for k, v in self.params.items()}
        return template.format(**params)


def _rebuild(code: str, template: str, params: dict) -> Msg:
    return Msg(code, template, **params)


class Joined(Msg):
    """A message followed by a remark (`check --fix` can correct this): the first one's code,
    both rendered in the run's language."""

    def __new__(cls, first: Msg | str, then: Msg):
        self = str.__new__(cls, str.__str__(first) + str.__str__(then))
        self.code = code_of(first) or then.code
        self.template = getattr(first, "template", str(first)) + then.template
        self.params = {}
        self.first, self.then = first, then
        return self

    def __reduce__(self):
        return (Joined, (self.first, self.then))

    def render(self, language: str | None = None) -> str:
        return text(self.first, language) + self.then.render(language)


class Listed(Msg):
    """Several messages in one ("a; b"), each rendered in the run's language; the first
    one's code."""

    def __new__(cls, items: list):
        items = list(items)
        self = str.__new__(cls, "; ".join(str.__str__(i) for i in items))
        self.code = next((code_of(i) for i in items if code_of(i)), None) or "list"
        self.template, self.params, self.items = "; ".join("{}" for _ in items), {}, items
        return self

    def __reduce__(self):
        return (Listed, (self.items,))

    def render(self, language: str | None = None) -> str:
        language = language or current()
        if language == "en":
            return str.__str__(self)
        rendered = [text(i, language) for i in self.items]
        return "".join(M("list.item", "{item}; ", item=r).render(language)
                       for r in rendered[:-1]) + (rendered[-1] if rendered else "")


def M(code: str, template: str, /, **params) -> Msg:
    """A message kept for later: `problems.error(path, line, field, M("code", "…{x}…", x=x))`."""
    return Msg(code, template, **params)


def say(code: str, template: str, /, **params) -> str:
    """A message printed now, in the current language: `print(say("code", "…{x}…", x=x))`."""
    return Msg(code, template, **params).render()


def text(message: object, language: str | None = None) -> str:
    """`message` in the current language (a plain string, not yet converted, as it is)."""
    return message.render(language) if isinstance(message, Msg) else str(message)


def code_of(message: object) -> str | None:
    return message.code if isinstance(message, Msg) else None


@lru_cache(maxsize=None)
def catalogue(language: str) -> dict[str, str]:
    """code -> template for `language` (empty for English, the source)."""
    if language == "en":
        return {}
    path = CATALOGUE_DIR / f"messages.{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def normalise(value: str | None) -> str | None:
    """`zh`, `zh-CN`, `Chinese` … -> `zh-Hans`; `en…` -> `en`; None when not known."""
    if not value:
        return None
    key = value.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    if key.startswith("zh"):
        return "zh-Hans"
    if key.startswith("en"):
        return "en"
    return None


def site_language(content: Path | str | None) -> str:
    """The messages' language for a content folder: its site.yaml `language` (zh… -> zh-Hans,
    anything else -> en); zh-Hans when site.yaml is missing, unreadable or silent."""
    if content is None:
        return "zh-Hans"
    try:
        head = (Path(content) / "site.yaml").read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return "zh-Hans"
    match = re.search(r"^language:[ \t]*['\"]?([A-Za-z-]+)", head, re.M)
    if match is None:
        return "zh-Hans"
    return "zh-Hans" if match.group(1).lower().startswith("zh") else "en"


def choose(flag: str | None, content: Path | str | None) -> str:
    """The language of this run: the `--messages` flag, SITE_BUILDER_MESSAGES, site.yaml."""
    return (normalise(flag) or normalise(os.environ.get(ENV)) or site_language(content))


def set_language(language: str | None) -> None:
    _current["language"] = language


def current() -> str:
    """The language set for this run; without one (library use), SITE_BUILDER_MESSAGES or
    English."""
    return _current["language"] or normalise(os.environ.get(ENV)) or "en"


def source_messages(package: Path | None = None) -> dict[str, list[tuple[str, str, int]]]:
    """code -> [(English template, file, line)] of every `M(…)` and `say(…)` call in the
    package's source (for the catalogue's tests and the docs' table)."""
    import ast

    package = package or Path(__file__).parent
    found: dict[str, list[tuple[str, str, int]]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) \
                    in ("M", "say") and len(node.args) >= 2 \
                    and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                            for a in node.args[:2]):
                code, template = node.args[0].value, node.args[1].value
                found.setdefault(code, []).append(
                    (template, path.relative_to(package.parent).as_posix(), node.lineno))
    return found


DOCS_HEAD = """\
# 消息一览

*Every message of site-builder: its code, the Simplified Chinese text and the English text.
Generated from site_builder/data/messages.zh-Hans.yaml and the code by
`python -m site_builder.messages docs/messages.md`; tests/test_messages.py checks that it is
up to date.*

`site-builder check`、`build`、`serve`、`new`、`import` 打印的每一条消息都在下表里。网站的
`language` 是中文（`zh-Hans`，默认）时显示中文，否则显示英文；也可以用 `--messages zh-Hans` 或
`--messages en` 指定，或设置环境变量 `SITE_BUILDER_MESSAGES=zh-Hans`（或 `en`）。

每条内容问题的开头 `文件:行号: 字段:` 不翻译，字段名就是 YAML 里的键。`{…}` 是运行时填入的值
（文件里写的内容、行号、可选值等）。`check --format json` 的 `code` 和 `--format github` 标题里
`[…]` 中的就是“代码”一列，它不随语言和措辞改变，可以用来筛选或统计。

| 代码 | 中文 | English |
|---|---|---|
"""


def _cell(text: str) -> str:
    return "`` " + text.replace("|", "\\|") + " ``" if text.strip() else ""


def docs_table(package: Path | None = None) -> str:
    """docs/messages.md: every code with its Chinese and English text, sorted by code."""
    zh = catalogue("zh-Hans")
    rows = [f"| `{code}` | {_cell(zh.get(code, ''))} | {_cell(places[0][0])} |\n"
            for code, places in sorted(source_messages(package).items())]
    return DOCS_HEAD + "".join(rows)


if __name__ == "__main__":  # python -m site_builder.messages docs/messages.md
    import sys

    Path(sys.argv[1]).write_text(docs_table(), encoding="utf-8")
