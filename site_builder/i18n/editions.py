"""The editions of a site: the default language at the root, the others under a prefix."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "zh-Hans"
PREFIXES = {"zh-Hans": "", "zh-Hant": "zh-hant/", "en": "en/"}
LABELS = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}
"""What the language switcher shows: each language's name in that language."""
OG_LOCALES = {"zh-Hans": "zh_CN", "zh-Hant": "zh_HK", "en": "en_US"}


@dataclass(frozen=True)
class Edition:
    lang: str
    """BCP 47 tag, also `<html lang>` (Pagefind keeps one index per value)."""
    prefix: str
    """Site-path prefix of its pages: "" for the default language, else `en/`, `zh-hant/`."""

    @property
    def label(self) -> str:
        return LABELS[self.lang]

    @property
    def og_locale(self) -> str:
        return OG_LOCALES[self.lang]

    @property
    def is_default(self) -> bool:
        return self.prefix == ""


def editions(site) -> tuple[Edition, ...]:
    """The default edition first, then site.yaml `languages` in their order."""
    default = site.language if site.language in PREFIXES else DEFAULT
    langs = [default] + [lang for lang in site.languages if lang != default]
    return tuple(Edition(lang, "" if i == 0 else PREFIXES[lang]) for i, lang in enumerate(langs))


def split(path: str, prefixes=tuple(p for p in PREFIXES.values() if p)) -> tuple[str, str]:
    """`en/services/x/index.html` -> (`en/`, `services/x/index.html`)."""
    for prefix in prefixes:
        if path.startswith(prefix):
            return prefix, path[len(prefix):]
    return "", path
