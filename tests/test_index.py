"""The Pagefind index is a pure function of the site, and filtered search still works.

Pagefind 1.5.2 writes filter values in HashMap order (Pagefind/pagefind#638), so
site_builder.pagefind_stable rewrites the filter files, the meta file and the entry.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import threading
from pathlib import Path

import pytest

import site_builder.index as index_module
import site_builder.search.bundle as bundle_module
from browser import chromium, serve
from site_builder import pagefind_stable as ps
from site_builder.index import IndexError_, build_index

BASE = "/xinli/"

# name -> (kind, district, audiences): several values per filter, some of them
# Chinese, one page with two audiences and one with no district.
PAGES = {
    "a": ("clinic", "福田区", ["成人"]),
    "b": ("clinic", "南山区", ["青少年", "成人"]),
    "c": ("hotline", None, ["老年人"]),
    "d": ("service_station", "福田区", ["成人"]),
    "e": ("counseling_room", "罗湖区", ["青少年"]),
    "f": ("clinic", "宝安区", ["老年人"]),
    "g": ("school", "龙岗区", ["青少年"]),
    "h": ("online", "盐田区", ["成人"]),
}


def write_site(root: Path) -> Path:
    for name, (kind, district, audiences) in PAGES.items():
        tags = [f"kind:{kind}"] + ([f"district:{district}"] if district else [])
        tags += [f"audience:{a}" for a in audiences]
        spans = "".join(f'<span hidden data-pagefind-filter="{t}"></span>' for t in tags)
        page = root / "services" / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>服务 {name}</title></head><body><main data-pagefind-body>"
            f'<h1 data-pagefind-meta="title">心理服务 {name}</h1><p>{kind} 心理咨询</p>{spans}'
            f'<span hidden data-pagefind-sort="name:{name}"></span></main></body></html>',
            encoding="utf-8")
    (root / "index.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title>'
        "</head><body><p>首页</p></body></html>", encoding="utf-8")
    return root


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def expected_counts() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {"kind": {}, "district": {}, "audience": {}}
    for kind, district, audiences in PAGES.values():
        for name, values in (("kind", [kind]), ("district", [district] if district else []),
                             ("audience", audiences)):
            for v in values:
                counts[name][v] = counts[name].get(v, 0) + 1
    return counts


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """The small site indexed by Pagefind alone, not normalised."""
    site = write_site(tmp_path_factory.mktemp("raw"))
    patch = pytest.MonkeyPatch()
    patch.setattr(bundle_module, "normalise", lambda bundle: None)
    try:
        assert build_index(site) == len(PAGES)
    finally:
        patch.undo()
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list[Path]:
    """The same small site built twice, the way a build does it."""
    sites = []
    for n in range(2):
        site = write_site(tmp_path_factory.mktemp(f"site{n}"))
        assert build_index(site) == len(PAGES)
        sites.append(site)
    return sites


def test_two_indexes_of_the_same_site_are_byte_identical(built):
    first, second = (snapshot(s) for s in built)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_pagefinds_own_files_round_trip_exactly(raw):
    # The codec reproduces every filter and meta file that Pagefind wrote, byte for
    # byte: normalise rewrites only what it has understood completely.
    bundle = raw / "pagefind" / "site"
    files = sorted(bundle.glob("filter/*.pf_filter")) + sorted(bundle.glob("*.pf_meta"))
    assert len(files) == 4  # kind, district, audience, meta
    for path in files:
        payload = ps.read_payload(path)
        assert ps.encode(ps.decode(payload)) == payload, path.name
        assert ps.load(path) is not None


def test_normalised_index_is_canonical(built):
    bundle = built[0] / "pagefind" / "site"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    [(lang, info)] = entry["languages"].items()
    assert lang == "zh-cn" and info["page_count"] == len(PAGES)
    meta = ps.load(bundle / f"pagefind.{info['hash']}.pf_meta")
    names = [f[0] for f in meta[3]]
    assert names == sorted(names) == ["audience", "district", "kind"]
    on_disk = sorted(p.name for p in bundle.glob("filter/*"))
    assert on_disk == sorted(f"{f[1]}.pf_filter" for f in meta[3])  # no stale files
    assert len(list(bundle.glob("*.pf_meta"))) == 1
    meta_payload = ps.read_payload(bundle / f"pagefind.{info['hash']}.pf_meta")
    assert info["hash"] == "zh-cn_" + hashlib.sha1(meta_payload).hexdigest()[:len("zh-cn") + 8]
    for name, fhash in meta[3]:
        path = bundle / "filter" / f"{fhash}.pf_filter"
        assert fhash == "zh-cn_" + hashlib.sha1(ps.read_payload(path)).hexdigest()[:7]
        assert path.read_bytes()[4:8] == b"\0\0\0\0"  # gzip without a time stamp
        filter_name, values = ps.load(path)
        assert filter_name == name
        assert [v[0] for v in values] == sorted(v[0] for v in values)
        assert all(v[1] == sorted(v[1]) for v in values)
        assert {v[0]: len(v[1]) for v in values} == expected_counts()[name]
    before = snapshot(bundle)
    ps.normalise(bundle)  # idempotent
    assert snapshot(bundle) == before


def shuffle(bundle: Path) -> None:
    """Rewrite the bundle as another Pagefind run might have: filter values, page
    lists and the meta's filter list in reverse, files renamed by their new hashes."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    info = entry["languages"]["zh-cn"]
    meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
    meta = ps.load(meta_path)
    filters = []
    for name, fhash in meta[3]:
        path = bundle / "filter" / f"{fhash}.pf_filter"
        filter_name, values = ps.load(path)
        payload = ps.encode([filter_name, [[v, pages[::-1]] for v, pages in values[::-1]]])
        new = "zh-cn_" + hashlib.sha1(payload).hexdigest()[:7]
        path.unlink()
        (bundle / "filter" / f"{new}.pf_filter").write_bytes(ps.pack(payload))
        filters.append([name, new])
    meta[3] = filters[::-1]
    payload = ps.encode(meta)
    info["hash"] = "zh-cn_" + hashlib.sha1(payload).hexdigest()[:13]
    meta_path.unlink()
    (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(ps.pack(payload))
    entry_path.write_text(ps.dump_entry(entry), encoding="utf-8")


def test_any_order_pagefind_writes_gives_the_same_index(raw, built, tmp_path):
    # Two Pagefind runs may or may not happen to differ; this pins the order
    # down: Pagefind's output and a reordered copy normalise to the same bytes,
    # the bytes a build writes.
    plain, shuffled = tmp_path / "plain", tmp_path / "shuffled"
    shutil.copytree(raw / "pagefind" / "site", plain)
    shutil.copytree(raw / "pagefind" / "site", shuffled)
    shuffle(shuffled)
    assert snapshot(shuffled) != snapshot(plain)
    ps.normalise(plain)
    ps.normalise(shuffled)
    assert snapshot(shuffled) == snapshot(plain) == snapshot(built[0] / "pagefind" / "site")


@pytest.mark.parametrize("value", [
    0, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**64 - 1,
    "", "kind", "福田区", "x" * 23, "x" * 24, "y" * 300,
    [], [["clinic", [0, 1, 30]]], ["1.5.2", [["a", 1]], [], [["kind", "zh-cn_abc1234"]]],
])
def test_codec_round_trips(value):
    assert ps.decode(ps.encode(value)) == value


@pytest.mark.parametrize("data", [
    b"\xa1\x61a\x01",          # map
    b"\x41a",                  # byte string
    b"\x20",                   # negative integer
    b"\x9f\x01\xff",           # indefinite-length array
    b"\xf9\x00\x00",           # float
    b"\xc0\x01",               # tag
    b"\x01\x02",               # bytes after the item
    b"\x82\x01",               # ends early
    b"\x62\xff\xfe",           # bad UTF-8
])
def test_decoder_refuses_what_pagefind_never_writes(data):
    with pytest.raises(ps.PagefindFormatError):
        ps.decode(data)


def test_non_minimal_encoding_is_refused_not_rewritten(raw, tmp_path):
    # A file that decodes but would not re-encode to the same bytes (here the
    # filter name's length in a 1-byte head, not in the initial byte) is refused
    # before any file changes.
    bundle = tmp_path / "pagefind"
    shutil.copytree(raw / "pagefind" / "site", bundle)
    path = sorted(bundle.glob("filter/*.pf_filter"))[0]
    payload = ps.read_payload(path)
    assert payload[0] == 0x82 and 0x60 <= payload[1] < 0x78  # [name, values], short name
    longer = payload[:1] + bytes([0x78, payload[1] - 0x60]) + payload[2:]
    assert ps.decode(longer) == ps.decode(payload)
    path.write_bytes(ps.pack(longer))
    before = snapshot(bundle)
    with pytest.raises(ps.PagefindFormatError, match="round-trip"):
        ps.normalise(bundle)
    assert snapshot(bundle) == before


def test_a_name_clash_lengthens_the_name():
    payload = b"\x80"
    short = ps._name("zh-cn", payload, 7, set())
    assert len(short) == len("zh-cn_") + 7
    assert ps._name("zh-cn", payload, 7, {short}) == short + hashlib.sha1(payload).hexdigest()[7]


@pytest.mark.parametrize("entry", ['', '{"languages": 1}', '{"languages": {"zh-cn": {}}}',
                                   '{"languages": {"zh-cn": {"hash": "en_1234567"}}}',
                                   '{"languages": {}, "x": 1.50}'])
def test_an_unexpected_entry_is_refused(tmp_path, entry):
    (tmp_path / "pagefind-entry.json").write_text(entry, encoding="utf-8")
    with pytest.raises(ps.PagefindFormatError):
        ps.normalise(tmp_path)
    assert (tmp_path / "pagefind-entry.json").read_text(encoding="utf-8") == entry


def test_a_format_error_fails_the_build(raw, tmp_path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(raw, site, ignore=shutil.ignore_patterns("pagefind"))

    def refuse(bundle):
        raise ps.PagefindFormatError("meta: not a Pagefind meta index")

    monkeypatch.setattr(bundle_module, "normalise", refuse)
    with pytest.raises(IndexError_, match="not a Pagefind meta index"):
        build_index(site)


SEARCH_JS = """async (base) => {
  const pf = await import(base + "pagefind/site/pagefind.js");
  await pf.init();
  const found = await pf.search(null, {filters: {kind: "clinic"}});
  const urls = (await Promise.all(found.results.map(r => r.data()))).map(d => d.url).sort();
  const both = await pf.search(null, {filters: {kind: "clinic", district: "福田区"}});
  const bothUrls = (await Promise.all(both.results.map(r => r.data()))).map(d => d.url);
  const anyOf = await pf.search(null, {filters: {audience: {any: ["老年人", "青少年"]}}});
  return {urls, bothUrls, anyOf: anyOf.results.length, filters: await pf.filters()};
}"""


def test_filtered_search_works_on_the_normalised_index_in_a_browser(built):
    with serve(built[0], BASE) as origin, chromium() as browser:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{origin}{BASE}")
        result = page.evaluate(SEARCH_JS, BASE)
    assert errors == []
    clinics = sorted(f"{BASE}services/{n}/" for n, p in PAGES.items() if p[0] == "clinic")
    assert result["urls"] == clinics
    assert result["bothUrls"] == [f"{BASE}services/a/"]
    assert result["anyOf"] == sum(1 for p in PAGES.values() if {"老年人", "青少年"} & set(p[2]))
    assert result["filters"] == expected_counts()


def test_settle_waits_for_pagefinds_late_writes(tmp_path):
    # Pagefind's service answers before its writes land; build_index waits for
    # them (with the service alive) rather than leave empty files behind.
    bundle = tmp_path / "pagefind"
    bundle.mkdir()
    late = bundle / "pagefind-entry.json"
    late.write_bytes(b"")
    threading.Timer(0.1, late.write_text, args=("{}",)).start()
    asyncio.run(index_module._settle(bundle, timeout=5))
    assert late.read_text() == "{}"
    (bundle / "never.js").write_bytes(b"")
    with pytest.raises(IndexError_, match="empty: never.js"):
        asyncio.run(index_module._settle(bundle, timeout=0.2))
