"""UI strings in each language; msgids are the Simplified Chinese text.

`_("营业中（至 {time}）")` returns the string in the language being rendered (`use`);
callers fill `{placeholders}` with `str.format` (templates use `%(name)s`, Jinja's
newstyle gettext). A msgid missing from a catalogue falls back to the Chinese text
(tests/test_languages.py fails when an English string is missing).
"""
from __future__ import annotations

import contextlib
from functools import lru_cache
from pathlib import Path

import yaml

from .convert import DEFAULT_CONFIG, to_hant

DATA = Path(__file__).resolve().parent.parent / "data"
_state = {"lang": "zh-Hans", "opencc": DEFAULT_CONFIG}


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """`site_builder/data/ui.<lang>.yaml`: {msgid: text} (empty when there is none)."""
    path = DATA / f"ui.{lang}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


def translate(msgid: str, lang: str, config: str = DEFAULT_CONFIG) -> str:
    if lang == "en":
        return catalogue("en").get(msgid, msgid)
    if lang == "zh-Hant":
        return catalogue("zh-Hant").get(msgid) or to_hant(msgid, config)
    return msgid


def _(msgid: str) -> str:
    return translate(msgid, _state["lang"], _state["opencc"])


def current() -> str:
    return _state["lang"]


def hant_config() -> str:
    return _state["opencc"]


@contextlib.contextmanager
def use(lang: str, config: str | None = None):
    """Render in `lang` (and convert to Traditional Chinese with `config`) inside the block."""
    old = dict(_state)
    _state["lang"] = lang
    if config:
        _state["opencc"] = config
    try:
        yield
    finally:
        _state.update(old)
