"""Simplified → Traditional Chinese with OpenCC (site.yaml `opencc`, default `s2hk`).

OpenCC changes Han characters and phrases only: digits, Latin letters, URLs, phone
numbers, ids and codes pass through as they are.
"""
from __future__ import annotations

from functools import lru_cache

import opencc

CONFIGS = ("s2hk", "s2t", "s2tw", "s2twp")
DEFAULT_CONFIG = "s2hk"


@lru_cache(maxsize=None)
def _converter(config: str) -> "opencc.OpenCC":
    return opencc.OpenCC(config)


@lru_cache(maxsize=65536)
def to_hant(text: str, config: str = DEFAULT_CONFIG) -> str:
    if not text or text.isascii():
        return text
    return _converter(config).convert(text)
