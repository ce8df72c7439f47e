"""IRIs as editors write them (`https://例子.cn/心理服务/`) as the ASCII URIs that
machines expect: sitemap.xml, robots.txt, canonical links, HTTP headers, requests.

HTML attributes may hold IRIs (browsers encode them), but a sitemap must not, a `Location`
header cannot (HTTP headers are Latin-1), and a request line is ASCII."""
from __future__ import annotations

import urllib.parse

_SAFE = "/%:@!$&'()*+,;=-._~"
"""Characters left as they are: the URI delimiters and existing %-escapes."""


def uri(iri: str, keep_fragment: bool = True) -> str:
    """`iri` with a non-ASCII host in IDNA (punycode) and other non-ASCII characters
    percent-encoded as UTF-8 (spaces too); a valid URI comes back unchanged."""
    parts = urllib.parse.urlsplit(iri)
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, port = parts.hostname or "", parts.port
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = urllib.parse.quote(host, safe="")
        netloc = (urllib.parse.quote(userinfo, safe=_SAFE) + at if at else "") + \
            (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    return urllib.parse.urlunsplit((
        parts.scheme, netloc, urllib.parse.quote(parts.path, safe=_SAFE),
        urllib.parse.quote(parts.query, safe=_SAFE + "?"),
        urllib.parse.quote(parts.fragment, safe=_SAFE + "?#") if keep_fragment else ""))


def path_text(path: str) -> str:
    """A URL path as text: %-escapes decoded as UTF-8 (`/%E5%BF%83/` -> `/心/`)."""
    return urllib.parse.unquote(path, errors="replace")
