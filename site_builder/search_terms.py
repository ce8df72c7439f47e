"""Extra words that help Pagefind find a service by the names people type.

The index is segmented by Pagefind (jieba-style dictionary) and the query by
the browser (ICU's Intl.Segmenter): the two disagree on names they do not
know. 华林社区 may be indexed as one word 华林 while the browser splits the
query 华林 into 华 and 林, and then the page is not found. So each page carries,
in an element that is indexed but not shown, its names whole, shortened
(园岭街道 → 园岭) and as single characters, which matches either segmentation.
"""
from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

from . import vocab
from .search_vocab import Vocabulary, builtin, strict_match

_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "新区", "街道", "社区", "苏木", "嘎查",
             "省", "市", "区", "县", "旗", "盟", "镇", "乡", "村")
SYNONYMS = {
    "guidance_center": "心理服务中心 指导中心 心理中心",
    "service_station": "心理服务站 服务站 心理站",
    "counseling_room": "心理咨询室 咨询室 社工室 社会工作室 心理辅导室",
    "clinic": "心理门诊 精神科 心理科 心身科 医院 看病 挂号",
    "hotline": "热线 心理热线 援助热线 电话 求助电话",
    "school": "学校 心理辅导 心理老师",
    "online": "线上 网上 在线 咨询",
    "organization": "机构 社会组织 社工",
    "rehabilitation": "康复 康复站 精神康复",
}


def short_name(name: str) -> str:
    """区域名去掉行政后缀: 园岭街道 → 园岭, 深圳市 → 深圳 (keeps two characters at least)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def need_words(service, vocabulary: Vocabulary | None = None) -> str:
    """The need words (抑郁, 睡不着, hotline …) of every need the service matches: residents
    find it by what they need, not only by its name."""
    needs = (vocabulary or builtin()).needs
    return _expand([w for n in needs if strict_match(n, service) for w in n.words])


def search_terms(service) -> str:
    """Space-separated terms for one service (names, places, kinds, offers); its need
    words are indexed apart, with more weight (`need_words`)."""
    terms: list[str] = [service.name]
    for region in service.region.trail:
        terms += [region.name, short_name(region.name)]
    # The name without the area names in front of it ("福田区园岭街道心理服务站" → "心理服务站").
    rest = service.name
    for region in service.region.trail:
        for form in (region.name, short_name(region.name)):
            rest = rest.replace(form, " ")
    terms += [w for w in re.split(r"[\s（）()·,，、]+", rest) if len(w) >= 2]
    terms.append(vocab.KINDS[service.kind])
    terms.append(SYNONYMS.get(service.kind, ""))
    terms += [vocab.SERVICES[s] for s in service.services]
    terms += [vocab.AUDIENCES[a] for a in service.audiences if a != "everyone"]
    if service.operator:
        terms.append(service.operator)
    for lang in service.translations.values():
        if lang.get("name"):
            terms.append(lang["name"])
    return _expand(terms)


_CJK = re.compile(r"^[\u3400-\u9fff]+$")


def _expand(terms: list[str]) -> str:
    """Deduplicated terms, each Chinese term also spelled out character by character."""
    seen: dict[str, None] = {}
    for term in " ".join(terms).split():
        seen[term] = None
        for part in re.split(r"[^\u3400-\u9fff]+", term):
            if len(part) >= 2 and _CJK.match(part):
                for char in part:
                    seen.setdefault(char, None)
    return " ".join(seen)


def region_terms(region) -> str:
    """Names of an area and the areas above it, for the area's own page."""
    terms = []
    for r in region.trail:
        terms += [r.name, short_name(r.name)]
    return _expand(terms)


def pinyin_key(name: str) -> str:
    """Sort key for a Chinese name: its pinyin with tone numbers, lower-case."""
    return " ".join(lazy_pinyin(name, style=Style.TONE3, errors="default")).lower()
