"""Make Pagefind's output a pure function of the site: `normalise(bundle)`.

Pagefind 1.5.2 writes each `filter/<lang>_<hash>.pf_filter` with its values in
HashMap order, which changes from run to run (upstream Pagefind/pagefind#638).
The file's hash-derived name changes with it, then the `pagefind.<lang>_<hash>.pf_meta`
that lists the filter files, then `pagefind-entry.json` that names the meta file.

Every such file is gzip(b"pagefind_dcd" + CBOR). Only three CBOR types occur in
the filter and meta files: unsigned integers, text strings and definite-length
arrays, each with the shortest head (minicbor's encoding). The strict codec
below handles exactly those; each file must survive decode → encode byte for
byte before anything is rewritten, and every file is checked before the first
one is touched, so an unexpected format (a Pagefind upgrade) fails loudly and
leaves the bundle as Pagefind wrote it.

Shapes (pagefind/src/index/index_metadata.rs, pagefind_web/src/metadata.rs):
    filter: [filter_name, [[value, [page_number, ...]], ...]]
    meta:   [version, pages, index_chunks, [[filter_name, filter_hash], ...], sorts, ...]
Pagefind reads filter values into a map and page numbers into a bit set, so
sorting both changes nothing for search. The rewritten files are named in
Pagefind's style from their own bytes: `<lang>_` + the first hex digits of the
SHA-1 of the CBOR payload (Pagefind's hash; 7 digits for a filter, len(lang) + 8
for the meta file, as Pagefind cuts them), one digit more on a clash. (Pagefind
1.5.2's own names do not always match the SHA-1 of the bytes it writes, so its
names are never reused.)
"""
from __future__ import annotations

import gzip
import hashlib
import json
import struct
import zlib
from pathlib import Path

MAGIC = b"pagefind_dcd"
_FILTERS = 3  # index of the filter list in the meta array
_FILTER_DIGITS = 7


class PagefindFormatError(Exception):
    """A Pagefind file is not in the form this module knows how to rewrite exactly."""


# --- CBOR: unsigned int (major 0), text string (3), definite array (4) ---------------

def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise PagefindFormatError(f"integer too large for CBOR: {n}")


def encode(obj: object) -> bytes:
    out = bytearray()

    def put(x: object) -> None:
        if isinstance(x, bool) or not isinstance(x, (int, str, list)):
            raise PagefindFormatError(f"cannot encode {type(x).__name__}")
        if isinstance(x, int):
            if x < 0:
                raise PagefindFormatError(f"negative integer {x}")
            out.extend(_head(0, x))
        elif isinstance(x, str):
            raw = x.encode("utf-8")
            out.extend(_head(3, len(raw)) + raw)
        else:
            out.extend(_head(4, len(x)))
            for item in x:
                put(item)

    put(obj)
    return bytes(out)


def decode(data: bytes) -> object:
    """Decode one CBOR item that must fill `data`; anything outside the three
    types above (maps, byte strings, negatives, tags, floats, indefinite
    lengths) is refused."""
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(data):
            raise PagefindFormatError("CBOR ends early")
        chunk = data[pos:pos + n]
        pos += n
        return chunk

    def item(depth: int) -> object:
        if depth > 16:
            raise PagefindFormatError("CBOR nested too deeply")
        first = take(1)[0]
        major, info = first >> 5, first & 31
        if info < 24:
            n = info
        elif info <= 27:
            n = int.from_bytes(take(1 << (info - 24)), "big")
        else:
            raise PagefindFormatError(f"unsupported CBOR head 0x{first:02x} at {pos - 1}")
        if major == 0:
            return n
        if major == 3:
            try:
                return take(n).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise PagefindFormatError(f"invalid UTF-8 in CBOR text: {exc}") from None
        if major == 4:
            return [item(depth + 1) for _ in range(n)]
        raise PagefindFormatError(f"unsupported CBOR major type {major} at {pos - 1}")

    value = item(0)
    if pos != len(data):
        raise PagefindFormatError(f"{len(data) - pos} bytes after the CBOR item")
    return value


# --- files ---------------------------------------------------------------------------

def read_payload(path: Path) -> bytes:
    """The CBOR payload of one gzip member holding MAGIC + CBOR."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(path.read_bytes()) + inflater.flush()
    except zlib.error as exc:
        raise PagefindFormatError(f"{path}: not gzip: {exc}") from None
    if not inflater.eof or inflater.unused_data:
        raise PagefindFormatError(f"{path}: not exactly one gzip member")
    if not data.startswith(MAGIC):
        raise PagefindFormatError(f"{path}: no {MAGIC!r} prefix")
    return data[len(MAGIC):]


def load(path: Path) -> object:
    """Decode a Pagefind file, refusing one that does not re-encode byte for byte."""
    payload = read_payload(path)
    try:
        value = decode(payload)
        same = encode(value) == payload
    except PagefindFormatError as exc:
        raise PagefindFormatError(f"{path}: {exc}") from None
    if not same:
        raise PagefindFormatError(f"{path}: CBOR does not round-trip exactly")
    return value


def pack(payload: bytes) -> bytes:
    """gzip as Pagefind does (best compression), with no time stamp or file name."""
    return gzip.compress(MAGIC + payload, compresslevel=9, mtime=0)


def dump_entry(value: object) -> str:
    # serde_json's compact form, as Pagefind writes pagefind-entry.json
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _name(lang: str, payload: bytes, digits: int, taken: set[str]) -> str:
    full = hashlib.sha1(payload).hexdigest()
    while f"{lang}_{full[:digits]}" in taken and digits < len(full):
        digits += 1
    return f"{lang}_{full[:digits]}"


def _check_filter(value: object, name: str, path: Path) -> list:
    ok = (isinstance(value, list) and len(value) == 2 and value[0] == name
          and isinstance(value[1], list)
          and all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], str)
                  and isinstance(v[1], list) and all(isinstance(p, int) for p in v[1])
                  for v in value[1]))
    if not ok:
        raise PagefindFormatError(f"{path}: not a filter index for {name!r}")
    return value


def _check_meta(value: object, path: Path) -> list:
    ok = (isinstance(value, list) and len(value) >= 5 and isinstance(value[_FILTERS], list)
          and all(isinstance(f, list) and len(f) == 2 and all(isinstance(s, str) for s in f)
                  for f in value[_FILTERS]))
    if not ok:
        raise PagefindFormatError(f"{path}: not a Pagefind meta index")
    return value


def normalise(bundle: Path) -> None:
    """Rewrite the filter files, meta files and entry of the Pagefind bundle
    folder `bundle` (`site/pagefind`) into a canonical form. Raises
    PagefindFormatError, having changed nothing, when a file is not as expected."""
    entry_path = bundle / "pagefind-entry.json"
    entry_text = entry_path.read_text(encoding="utf-8")
    try:
        entry = json.loads(entry_text)
        languages = entry["languages"]
        metas = {lang: info["hash"] for lang, info in languages.items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PagefindFormatError(f"{entry_path}: not a Pagefind entry ({exc!r})") from None
    if dump_entry(entry) != entry_text:
        raise PagefindFormatError(f"{entry_path}: JSON does not round-trip exactly")

    writes: dict[Path, bytes] = {}
    removes: set[Path] = set()
    for lang, meta_name in metas.items():
        prefix = f"{lang}_"
        if not isinstance(meta_name, str) or not meta_name.startswith(prefix):
            raise PagefindFormatError(f"{entry_path}: meta name {meta_name!r} lacks {prefix!r}")
        meta_path = bundle / f"pagefind.{meta_name}.pf_meta"
        meta = _check_meta(load(meta_path), meta_path)

        filters, taken = [], set()
        # Content first, then names: a clash lengthens names in an order set by content.
        staged = []
        for filter_name, filter_hash in meta[_FILTERS]:
            path = bundle / "filter" / f"{filter_hash}.pf_filter"
            index = _check_filter(load(path), filter_name, path)
            values = sorted(([value, sorted(pages)] for value, pages in index[1]),
                            key=lambda v: v[0])
            staged.append((encode([filter_name, values]), filter_name, path))
        for payload, filter_name, path in sorted(staged):
            new = _name(lang, payload, _FILTER_DIGITS, taken)
            taken.add(new)
            filters.append([filter_name, new])
            removes.add(path)
            writes[bundle / "filter" / f"{new}.pf_filter"] = pack(payload)
        meta[_FILTERS] = sorted(filters)

        payload = encode(meta)
        new_meta = _name(lang, payload, len(lang) + 8, set())
        removes.add(meta_path)
        writes[bundle / f"pagefind.{new_meta}.pf_meta"] = pack(payload)
        languages[lang]["hash"] = new_meta

    for path in removes - writes.keys():
        path.unlink()
    for path, data in writes.items():
        path.write_bytes(data)
    # One index per language: Pagefind lists them in HashMap order too (the browser reads
    # them by key, so their order means nothing).
    entry["languages"] = {lang: languages[lang] for lang in sorted(languages)}
    entry_path.write_text(dump_entry(entry), encoding="utf-8")
