"""Elder mode (关怀版), as Chinese public websites provide it under the MIIT age-friendly
rules and GB/T 37668-2019: larger text, one column, large targets, no decoration.

Every HTML page has a mirror under `elder/` (`/xinli/elder/services/x/`), made from the
rendered page: the same HTML with `class="elder"` on <html> (static/style.css does the
rest) and its links to pages pointing into the mirror, so the mode works without
JavaScript and survives every click. With JavaScript, static/elder.js remembers the
choice (localStorage, only once the visitor turns it on) and shows the standard pages
that scripts link to (search results, "near me") in elder mode as well.

The mirror is not indexed (search lists the standard pages), not in the sitemap, and
its canonical link names the standard page. It costs one string rewrite per page
(no second render) and doubles the HTML written; README "Elder mode" has the figures.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

PREFIX = "elder/"


def is_mirror(path: str) -> bool:
    return path.startswith(PREFIX)


def mirror_path(path: str) -> str:
    return PREFIX + path


def wants_mirror(path: str) -> bool:
    """Pages (HTML) get a mirror; feeds, data and headers files do not."""
    return path.endswith(".html")


def mirror(output, base_path: str):
    """The elder-mode copy of a rendered page."""
    text = output.text
    parts, last = [], 0
    for m in _links(base_path).finditer(text):  # a link to a page of the site…
        if text.endswith("data-keep ", 0, m.start()):
            continue  # …that is meant to leave elder mode
        parts += (text[last:m.end()], PREFIX)
        last = m.end()
    parts.append(text[last:])
    text = "".join(parts)
    text = text.replace("<html ", '<html class="elder" data-elder-page ', 1)
    text = text.replace(" data-pagefind-body", "")  # search finds the standard page
    return replace(output, path=mirror_path(output.path), text=text)


@lru_cache(maxsize=8)
def _links(base_path: str) -> re.Pattern:
    """`href="<base><page>"` and `action=…`, up to the page path (a folder, with a query or
    fragment or without): where the mirror's links get PREFIX. A plain scan, with the
    `data-keep` check done on the match (a look-behind at every position was half the cost)."""
    return re.compile(rf'(?:href|action)="{re.escape(base_path)}(?=(?:[^"?#<>]*/)?(?:[?#][^"]*)?")')
