"""File lines of the links in a markdown text, in linear time.

markdown-it gives a line range per block (`token.map`) but none per link, so the line of
a link has to be found in the source. Scanning the block's lines for each link costs
links × lines: an article of 30,000 links in one paragraph took 23 s. `Lines` instead

* computes the start of every line once, and turns a position into a line by bisection;
* estimates each child's line from the line breaks (soft and hard breaks, raw HTML)
  before it in its block, which are tokens of their own;
* looks for the link's URL only in a bounded window from the end of the previous one
  (links come in document order), and settles for the estimate when it is not found
  there (a reference link, an escaped or re-encoded URL).

Each lookup costs at most SCAN_CHARS characters plus a bisection.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Iterator

from markdown_it.token import Token

SCAN_CHARS = 4096
"""Most characters searched for one URL past the previous link (its text, usually)."""


def line_starts(text: str) -> list[int]:
    """Offsets at which the lines of `text` start (only `\\n` breaks a line, as in editors
    once `\\r\\n` and `\\r` are normalised)."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


class Lines:
    """Lines of a markdown `text` whose first line is file line `first_line`."""

    def __init__(self, text: str, first_line: int, normalize_text=None):
        self.text = text
        self.first_line = first_line
        self.starts = line_starts(text)
        self.normalize_text = normalize_text
        """markdown-it's `normalizeLinkText`: a URL as editors wrote it, from the one the
        parser percent-encoded (`https://例子.cn/服务`)."""
        self.cursor = 0
        """Offset just past the last URL found: later ones are searched from there."""
        self.scanned = 0
        """Characters searched so far (str.find stops at a match): tests check that the
        work stays proportional to the text."""

    def _index(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def _offset(self, index: int) -> int:
        return self.starts[index] if index < len(self.starts) else len(self.text)

    def _find(self, needle: str, index: int, end_index: int) -> int | None:
        """Line index of `needle` from line `index` (or the cursor, if later) on, in a
        bounded window; None when it is not there."""
        lo = max(self.cursor, self._offset(index))
        hi = min(self._offset(end_index), lo + SCAN_CHARS + len(needle))
        if hi <= lo:
            return None
        for candidate in self._spellings(needle):
            at = self.text.find(candidate, lo, hi)
            self.scanned += hi - lo if at < 0 else at + len(candidate) - lo
            if at >= 0:
                self.cursor = at + len(candidate)
                return self._index(at)
        return None

    def _spellings(self, needle: str):
        """`needle` as given, then as editors may have written it (decoded)."""
        yield needle
        # markdown-it percent-encodes non-ASCII paths and punycodes hosts in link targets.
        if self.normalize_text is not None and ("%" in needle or "xn--" in needle):
            try:
                written = self.normalize_text(needle)
            except Exception:  # a URL markdown-it cannot decode: searched as it is only
                return
            if written and written != needle:
                yield written

    def block(self, block_map, needle: str = "") -> int:
        """File line of `needle` in a block (its first line when not found)."""
        if not block_map:
            return self.first_line
        start, end = block_map
        found = self._find(needle, start, end) if needle else None
        return self.first_line + (start if found is None else found)

    def children(self, token: Token) -> Iterator[tuple[Token, int]]:
        """The links, images and raw HTML among the children of an inline `token`, each
        with its file line (that of its URL for links and images, of its start for raw
        HTML). The estimate counts only line breaks, never a found URL's line: a link's
        URL follows its text, which may span lines."""
        start, end = token.map or (0, 1)
        index = start  # the estimate: line breaks seen so far in this block
        self.cursor = max(self.cursor, self._offset(start))
        for child in token.children or ():
            kind = child.type
            if kind == "softbreak" or kind == "hardbreak":
                index += 1
                continue
            if kind == "text":
                index += child.content.count("\n")
                continue
            if kind == "link_open":
                needle = child.attrs.get("href")
            elif kind == "image":
                needle = child.attrs.get("src")
            elif kind == "html_inline":
                needle = child.content
            else:
                continue
            found = self._find(str(needle), index, end) if needle else None
            if found is None:  # not after the previous URL's line either
                found = max(index, self._index(self.cursor)) if needle else index
            yield child, self.first_line + found
            if kind == "html_inline":
                index += child.content.count("\n")
            elif kind == "image":
                index += sum(1 for c in child.children or () if c.type in ("softbreak", "hardbreak"))
