"""URLs read the way a browser reads them, so that none can leave the site unnoticed.

A browser does not take a URL as written: it drops spaces and control characters around
it, deletes tabs and line breaks inside it, reads `\\` as `/` in web addresses, takes
`//host/x` (and so `\\\\host\\x` or `/\\host/x`) as another site, and `http:host/x` as
`http://host/x`. A sanitiser that looks at the text as written lets such links and
images through to other sites. `parse()` classifies a URL after the same normalisation;
markdown links and images, raw HTML `href`/`src` and the URL fields of records all go
through it.

`uri()` goes the other way for machines: IRIs as editors write them
(`https://例子.cn/心理服务/`) as the ASCII URIs that sitemap.xml, robots.txt, canonical
links, HTTP headers and requests expect. HTML attributes may hold IRIs (browsers encode
them), but a sitemap must not, a `Location` header cannot (HTTP headers are Latin-1), and a
request line is ASCII.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from urllib.parse import urlsplit

from .messages import M

WEB = ("http", "https")
CONTACT = ("tel", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_C0_OR_SPACE = "".join(chr(i) for i in range(0x21))
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[^\s/\\?#@:%<>\"'`^{}|\[\]]+)$")


@dataclass(frozen=True)
class Url:
    kind: str
    """`web` (http/https with a host), `contact` (tel, mailto), `internal` (`/path` on this
    site), `anchor` (`#x`), `relative` (`x/y`, same site), `offsite` (`//host`, `\\\\host`,
    `/\\host`: another site without a scheme), `malformed` (`http:host`, `https:\\\\host`,
    a user name before the host, spaces…), `scheme` (a scheme that is not allowed)."""
    url: str
    """The URL as a browser would use it (backslashes as slashes, tabs removed)."""
    scheme: str = ""
    why: str = ""
    """For `malformed`: what is wrong, for the message."""

    @property
    def leaves_site(self) -> bool:
        """A browser would load it from (or go to) another host."""
        return self.kind in ("web", "offsite") or (self.kind == "malformed" and self.scheme in WEB)


def normalise(url: str) -> str:
    """What a browser parses: without surrounding spaces/controls, tabs and line breaks."""
    return re.sub(r"[\t\n\r]", "", url.strip(_C0_OR_SPACE))


def parse(url: str) -> Url:
    s = normalise(url)
    match = _SCHEME.match(s)
    if match:
        scheme = match.group(1).lower()
        rest = s[match.end():]
        if scheme in CONTACT:
            return Url("contact", s, scheme)
        if scheme not in WEB:
            return Url("scheme", s, scheme)
        fixed = rest.replace("\\", "/")
        if not fixed.startswith("//"):
            return Url("malformed", s, scheme, f"write {scheme}:// in full before the host")
        if "\\" in rest or s != url.strip(" "):
            return Url("malformed", s, scheme, "write the address with / and without spaces, "
                                               "tabs or line breaks")
        why = web_problem(s)
        return Url("malformed", s, scheme, why) if why else Url("web", s, scheme)
    fixed = s.replace("\\", "/")
    if fixed.startswith("//"):
        return Url("offsite", fixed)
    if fixed.startswith("/"):
        return Url("internal", fixed)
    if fixed.startswith("#"):
        return Url("anchor", fixed)
    return Url("relative", fixed)


def web_problem(url: str) -> str | None:
    """Why `url` (which starts with http:// or https://) is not one well-formed web
    address; None when it is."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return M("url.why_spaces", "one address, without spaces or line breaks")
    if "\\" in url:
        return M("url.why_backslash", "write the address with / instead of \\")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return M("url.why_invalid", "not a valid address")
    if parts.scheme.lower() not in WEB or not url[len(parts.scheme) + 1:].startswith("//"):
        return M("url.why_scheme", "a full address starting with https://")
    if "@" in parts.netloc:
        return M("url.why_userinfo", "no user name before the host: the part before @ hides the real site")
    host = parts.hostname or ""
    if not host or not _HOST.match(host if ":" not in host else f"[{host}]") \
            or host.startswith(".") or ".." in host or port == 0:
        return M("url.why_host", "a host name such as example.org after //")
    return None


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
