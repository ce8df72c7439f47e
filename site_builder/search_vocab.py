"""The search vocabulary: risk words and need words (what residents type when they look
for help), built in (`data/search_vocab.yaml`, documented there) and extended by
site.yaml `search:`.

Used by render (the need pages /needs/<slug>/, the words a service is found by, the
small JSON that static/search.js reads before Pagefind has loaded) and by validate
(the site's own entries). Matching is by substring of the normalised query for Chinese
(no segmentation) and by whole word for Latin letters, the same here and in search.js.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

DATA = Path(__file__).resolve().parent / "data" / "search_vocab.yaml"
RANK_SORT = "rank"


@dataclass(frozen=True)
class Need:
    slug: str
    title: str
    intro: str
    words: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sort: str = ""

    @property
    def word(self) -> str:
        return self.words[0]


@dataclass(frozen=True)
class Vocabulary:
    risk_words: tuple[str, ...]
    needs: tuple[Need, ...]
    extra_risk: tuple[str, ...] = field(default=())
    """The site's own risk words (for the record; they are in `risk_words` too)."""
    fillers: tuple[str, ...] = ()
    """Words around a name or need that say nothing of what is sought (怎么办, 电话):
    search.js reads a query without them for its first cards (`strip_fillers`)."""


def normalise(text: str) -> str:
    """What both sides compare: NFKC (full-width → half-width), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


_LATIN = re.compile(r"[a-z0-9]")


def contains(query: str, word: str) -> bool:
    """Does the normalised `query` contain `word`? Chinese: as a substring; a word with
    Latin letters: as whole words (`work` is not in `network`)."""
    word = normalise(word)
    if not word:
        return False
    if _LATIN.search(word):
        return re.search(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", query) is not None
    return word in query


@lru_cache(maxsize=1)
def builtin() -> Vocabulary:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    needs = tuple(Need(slug=n["slug"], title=n["title"], intro=n["intro"],
                       words=tuple(dict.fromkeys(str(w) for w in n["words"])),
                       kinds=tuple(n.get("kinds", ())), services=tuple(n.get("services", ())),
                       audiences=tuple(n.get("audiences", ())),
                       languages=tuple(n.get("languages", ())), sort=n.get("sort", ""))
                  for n in data["needs"])
    return Vocabulary(tuple(dict.fromkeys(str(w) for w in data["risk_words"])), needs,
                      fillers=tuple(dict.fromkeys(normalise(str(w)) for w in data["fillers"])))


def _slug_for(word: str, taken: set[str]) -> str:
    base = "-".join(lazy_pinyin(normalise(word))).lower()
    base = re.sub(r"[^a-z0-9]+", "-", base).strip("-")[:60] or "need"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def extended(risk_words: tuple[str, ...], needs: dict[str, dict],
             fillers: tuple[str, ...] = ()) -> Vocabulary:
    """The built-in vocabulary with a site's entries added (never removed): a need word
    that a built-in need already has adds its kinds, services and audiences to it (and its
    title replaces the built-in one); another word makes a need of its own."""
    base = builtin()
    merged = list(base.needs)
    for word, spec in needs.items():
        key = normalise(word)
        at = next((i for i, n in enumerate(merged)
                   if key in (normalise(w) for w in n.words)), None)
        add = {k: tuple(spec.get(k, ())) for k in ("kinds", "services", "audiences")}
        if at is None:
            title = spec.get("title") or f"{word}"
            merged.append(Need(slug=_slug_for(word, {n.slug for n in merged}), title=title,
                               intro="", words=(word,), **add))
            continue
        need = merged[at]
        merged[at] = replace(
            need, title=spec.get("title") or need.title,
            **{k: tuple(dict.fromkeys(getattr(need, k) + v)) for k, v in add.items()})
    risk = tuple(dict.fromkeys(base.risk_words + tuple(risk_words)))
    return Vocabulary(risk, tuple(merged), tuple(risk_words),
                      tuple(dict.fromkeys(base.fillers + tuple(normalise(w) for w in fillers))))


def _any(wanted: tuple[str, ...], have) -> bool:
    return any(w in have for w in wanted)


def strict_match(need: Need, service) -> bool:
    """One of the need's kinds or services (if it names any) and one of its audiences and
    languages (if it names any)."""
    if (need.kinds or need.services) and not (
            service.kind in need.kinds or _any(need.services, service.services)):
        return False
    if need.audiences and not _any(need.audiences, service.audiences):
        return False
    if need.languages and not _any(need.languages, service.languages):
        return False
    return True


def loose_match(need: Need, service) -> bool:
    """Any one of the need's conditions."""
    return (service.kind in need.kinds or _any(need.services, service.services)
            or _any(need.audiences, service.audiences) or _any(need.languages, service.languages))


def services_for(need: Need, services) -> list:
    """The services of a need page: the strict matches, or, when there are none, the loose
    ones (a small site may have no service for elderly people that offers counseling)."""
    services = list(services)
    found = [s for s in services if strict_match(need, s)]
    return found or [s for s in services if loose_match(need, s)]


def articles_for(need: Need, articles) -> list:
    """The articles of a need page: those whose title, summary or tags hold a need word."""
    return [a for a in articles if any(
        contains(normalise(" ".join((a.title, a.summary or "", *a.tags))), w) for w in need.words)]


def rank(service, crisis_tels: set[str]) -> int:
    """How surely a phone line helps now: one of the site's crisis lines, 24 hours, hours
    published (`unknown` last), serving the whole site. Higher first."""
    hours = service.hours
    mode = getattr(hours, "mode", None)
    score = 0
    if any(p.tel in crisis_tels for p in service.phones):
        score += 8
    if mode == "24/7":
        score += 4
    if mode != "unknown":
        score += 2
    if service.region.parent is None:
        score += 1
    return score


TOP = 5
"""Lines of a `rank` need shown by search.js at once, before Pagefind answers."""


def client_json(vocabulary: Vocabulary, base_path: str, top: dict[str, list[dict]] | None = None) -> str:
    """What search.js needs before Pagefind answers (a few KB): the risk words, the need
    words, and for a `rank` need (热线) its first lines as result cards (`top`: slug ->
    cards, made by render)."""
    top = top or {}
    return json.dumps({
        "risk": [normalise(w) for w in vocabulary.risk_words],
        "fillers": sorted({normalise(w) for w in vocabulary.fillers}, key=lambda w: (-len(w), w)),
        "needs": [{"url": f"{base_path}needs/{n.slug}/", "title": n.title,
                   "words": [normalise(w) for w in n.words], "top": top.get(n.slug, [])}
                  for n in vocabulary.needs],
    }, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def strip_fillers(query: str, vocabulary: Vocabulary) -> str:
    """`query` (normalised) without its filler words, longest first: Chinese ones wherever
    they stand, Latin ones as whole words (search.js `strip` does the same)."""
    text = normalise(query)
    for word in sorted({normalise(w) for w in vocabulary.fillers}, key=lambda w: (-len(w), w)):
        if _LATIN.search(word):
            text = re.sub(r"(?<![a-z0-9'])" + re.escape(word) + r"(?![a-z0-9'])", " ", text)
        else:
            text = text.replace(word, "")
    return normalise(text)


def asks(query: str, need: Need, vocabulary: Vocabulary) -> int:
    """Does the query ask for `need` alone, being its words and filler words only
    (睡不好怎么办, "i can't sleep", 打电话)? The length of its longest word found, else 0."""
    rest, size = normalise(query), 0
    for word in sorted((normalise(w) for w in need.words), key=len, reverse=True):
        if word and contains(rest, word):
            size = max(size, len(word))
            rest = (re.sub(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", " ", rest)
                    if _LATIN.search(word) else rest.replace(word, " "))
    return size if size and not strip_fillers(rest, vocabulary) else 0


def sought_need(query: str, vocabulary: Vocabulary) -> Need | None:
    """The need a sentence asks for (see `asks`; the longest word wins), whose first
    cards search.js shows; None for a query that names something else as well (福田区 失眠
    is Pagefind's). `rank` needs are left out: their lines come with the page."""
    best, size = None, 0
    for need in vocabulary.needs:
        found = 0 if need.sort == RANK_SORT else asks(query, need, vocabulary)
        if found > size:
            best, size = need, found
    return best


def needs_in(query: str, vocabulary: Vocabulary) -> list[Need]:
    q = normalise(query)
    return [n for n in vocabulary.needs if any(contains(q, w) for w in n.words)]


def is_risk(query: str, vocabulary: Vocabulary) -> bool:
    q = normalise(query)
    return any(contains(q, w) for w in vocabulary.risk_words)
