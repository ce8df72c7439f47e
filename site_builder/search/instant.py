"""First results before Pagefind: a small table of result cards for the words the site
already knows.

On a slow link (400 kbit/s, 400 ms a request) Pagefind needs seconds before its first
result: its engine, each bundle's page list, one index chunk per word, the result
records. But many queries are words the site knows when it is built: the name of a
service, of an area (华林社区, its short form 华林), a need word (失眠, 抑郁) or the name
of a kind of service (心理咨询室). For those, the render stage writes the first result
cards beside the search page, split into small files by a hash of the query:

    <base>search/top/<n>.json     {"华林社区": [card, …], "@/sleep": [card, …], …}

search.js reads the file of the query as typed (normalised as search_vocab.normalise;
the whole query must be a key) and shows its cards at once, before Pagefind has loaded;
Pagefind's answer follows below them and leaves the first card where it is.

Which cards a key gets (the first source to claim a key keeps it):
  1. a service's name: the services of that name;
  2. an area's name or its short form: the services of the area, those of the area
     itself first (a street's station before its communities' rooms), by kind, by name;
  3. a need (`need_key`: search.js turns any of the need's words into it, before the
     other keys): the services that match the need (search_vocab.strict_match), those
     of the need's kinds first, then the surest to reach (search_vocab.rank); search.js
     orders them by who can be reached now; and for a search filtered by one district,
     the same within the district. A `rank` need (热线) has none, and its words are
     never keys: its lines come with the page (search_vocab.client_json);
  4. the name of a kind or one of its synonyms (search_terms.SYNONYMS): services of
     that kind, in the same order.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from .. import vocab
from ..model import Directory, Service
from .. import search_vocab
from ..search_terms import SYNONYMS, short_name

FOLDER = "search/top"
BUCKET_BYTES = 16384
"""JSON bytes per file at most, about (~3.5 KB gzipped). The number of files is a power of
two: an edit rarely changes it, so the files keep their names from build to build."""
NAME_TOP = 3
"""Cards for a name: a service's name rarely has more than one or two namesakes; an
area shows its own services first."""
WORD_TOP = 8
"""Cards for a need word or a kind: enough that one of them can be reached now."""
_KIND_ORDER = {k: i for i, k in enumerate(vocab.KINDS)}


def need_key(slug: str, district: str = "") -> str:
    """The key of a need's cards, for any of its words (search.js knows the words, from
    the page's vocabulary), over the whole site or within one district (a search filtered
    by district alone); search.js makes the same."""
    return f"@{district}/{slug}"


def bucket(key: str, buckets: int) -> int:
    """The file a key is in; search.js computes the same (code points, 32-bit)."""
    h = 0
    for ch in key:
        h = (h * 65599 + ord(ch)) % 4294967296
    return h % buckets


@dataclass(frozen=True)
class Instant:
    buckets: int
    """Number of files (0: none)."""
    files: dict[str, str]
    """Site path → JSON text."""


def answers(directory: Directory, vocabulary: search_vocab.Vocabulary,
            crisis_tels: set[str]) -> dict[str, list[Service]]:
    """Normalised key → the services shown first for it (see the module docstring)."""
    table: dict[str, list[Service]] = {}
    ranked = {search_vocab.normalise(w) for n in vocabulary.needs
              if n.sort == search_vocab.RANK_SORT for w in n.words}

    def claim(key: str, services: list[Service], top: int) -> None:
        key = search_vocab.normalise(key)
        if key and services and key not in table and key not in ranked:
            table[key] = services[:top]

    services = sorted(directory.services.values(), key=lambda s: (s.sort_key, s.id))
    by_name: dict[str, list[Service]] = {}
    for s in services:
        by_name.setdefault(search_vocab.normalise(s.name), []).append(s)
    for name, same in by_name.items():
        claim(name, same, NAME_TOP)

    regions: dict[str, list] = {}
    for region in directory.regions.values():
        if directory.by_region.get(region.id):
            for name in dict.fromkeys((region.name, short_name(region.name))):
                regions.setdefault(search_vocab.normalise(name), []).append(region)
    for name, same in regions.items():
        found = [(len(s.region.trail) - len(r.trail), _KIND_ORDER.get(s.kind, 99), s.sort_key, s.id, s)
                 for r in same for s in directory.by_region[r.id]]
        claim(name, [f[-1] for f in sorted(found, key=lambda f: f[:4])], NAME_TOP)

    def surest(chosen: list[Service], kinds: tuple[str, ...] = ()) -> list[Service]:
        return sorted(chosen, key=lambda s: (s.kind not in kinds, -search_vocab.rank(s, crisis_tels),
                                             s.sort_key, s.id))

    district_of = {s.id: next((r.id for r in s.region.trail if r.level == "district"), None)
                   for s in services}
    for need in vocabulary.needs:
        if need.sort == search_vocab.RANK_SORT:
            continue
        matched = surest([s for s in services if search_vocab.strict_match(need, s)], need.kinds)
        claim(need_key(need.slug), matched, WORD_TOP)
        in_district: dict[str, list[Service]] = {}
        for s in matched:
            if district_of[s.id]:
                in_district.setdefault(district_of[s.id], []).append(s)
        for district, found in in_district.items():
            claim(need_key(need.slug, district), found, WORD_TOP)

    for kind, label in vocab.KINDS.items():
        of_kind = surest(directory.by_kind.get(kind, []))
        for word in (label, *SYNONYMS.get(kind, "").split()):
            claim(word, of_kind, WORD_TOP)
    return table


def instant(directory: Directory, vocabulary: search_vocab.Vocabulary, crisis_tels: set[str],
            card: Callable[[Service], dict]) -> Instant:
    """The files of the table, each service's card made once by `card`."""
    table = answers(directory, vocabulary, crisis_tels)
    if not table:
        return Instant(0, {})
    cards: dict[str, str] = {}

    def text(s: Service) -> str:
        if s.id not in cards:
            cards[s.id] = json.dumps(card(s), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return cards[s.id]

    entries = {key: "[" + ",".join(text(s) for s in found) + "]" for key, found in table.items()}
    size = sum(len(k.encode()) + len(v.encode()) + 4 for k, v in entries.items())
    buckets = 1
    while buckets * BUCKET_BYTES < size:
        buckets *= 2
    split: list[list[str]] = [[] for _ in range(buckets)]
    for key in sorted(entries):
        split[bucket(key, buckets)].append(json.dumps(key, ensure_ascii=False) + ":" + entries[key])
    return Instant(buckets, {f"{FOLDER}/{i}.json": "{" + ",".join(part) + "}"
                             for i, part in enumerate(split)})
