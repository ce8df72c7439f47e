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
    links = re.compile(rf'(?<!data-keep )(href|action)="{re.escape(base_path)}((?:[^"?#<>]*/)?(?:[?#][^"]*)?)"')
    text = links.sub(lambda m: f'{m.group(1)}="{base_path}{PREFIX}{m.group(2)}"', output.text)
    text = text.replace("<html ", '<html class="elder" data-elder-page ', 1)
    text = text.replace(" data-pagefind-body", "")  # search finds the standard page
    return replace(output, path=mirror_path(output.path), text=text)
