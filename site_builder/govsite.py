"""What a Chinese public website shows besides its content: the government-site footer
(主办单位, ICP 备案号, 公安机关备案号, 政府网站标识码) and the share picture that WeChat and
other apps show for a forwarded link (og:image).

Validation of site.yaml `footer` and `share_image` (called from validate.py), and the
default share picture, a PNG drawn from the site's title at build time (Pillow).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fields import Checker
from .messages import M
from .schema import FOOTER

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼港澳台"
"""Province abbreviations that start a filing number (粤ICP备…, 粤公网安备…)."""
ICP = re.compile(rf"[{PROVINCES}]ICP[备证]\d{{4,12}}号(?:-\d{{1,4}})?")
POLICE = re.compile(rf"[{PROVINCES}]公网安备(\d{{14}})号")
GOV_CODE = re.compile(r"\d{10}|bm\d{8}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")

ICP_URL = "https://beian.miit.gov.cn/"
"""The MIIT filing system: where an ICP number links (it has no per-number page)."""
POLICE_URL = "https://beian.mps.gov.cn/#/query/webSearch?code="
"""The public-security filing platform's record page, followed by the 14 digits."""

SHARE_PATH = "share.png"
"""Site path of the default share picture (made when site.yaml names none)."""
SHARE_SIZE = 600
MIN_SHARE = 300
"""WeChat shows no picture for a link whose og:image is smaller than this (px)."""


@dataclass(frozen=True)
class Footer:
    host: str | None = None
    icp: str | None = None
    police_filing: str | None = None
    gov_site_code: str | None = None
    contact: str | None = None

    @property
    def police_url(self) -> str | None:
        m = POLICE.fullmatch(self.police_filing or "")
        return POLICE_URL + m.group(1) if m else None

    @property
    def contact_email(self) -> bool:
        return bool(self.contact and EMAIL.fullmatch(self.contact))


@dataclass(frozen=True)
class ShareImage:
    path: str
    """Site path below the base path: `share.png` or `media/<file>`."""
    width: int
    height: int
    mime: str


def read_footer(c: Checker, value: Any) -> Footer | None:
    """site.yaml `footer`: each number checked against its official shape, at its line."""
    if value is None:
        return None
    data = c.mapping(value, ("footer",), FOOTER.keys(), "footer")
    if data is None:
        return None

    def text(key: str) -> str | None:
        return c.text(data.get(key), ("footer", key), FOOTER[key].max_len or 2000)

    def code(key: str, pattern: re.Pattern, expected: str) -> str | None:
        found = text(key)
        if found is None:
            return None
        compact = re.sub(r"\s+", "", found)
        if not pattern.fullmatch(compact):
            c.error(("footer", key), M("footer.bad_code", "{found!r} is not {expected}",
                                       found=found, expected=expected))
            return None
        return compact

    return Footer(
        host=text("host"),
        icp=code("icp", ICP, M("footer.icp_expected", "an ICP filing number (a province "
                             "abbreviation, ICP备, the digits, 号 and an optional -n: 粤ICP备12345678号-1)")),
        police_filing=code("police_filing", POLICE, M("footer.police_expected", "a public-security filing "
                           "number (a province abbreviation, 公网安备, 14 digits, 号: 粤公网安备44030402000001号)")),
        gov_site_code=code("gov_site_code", GOV_CODE, M("footer.gov_code_expected", "a government website "
                           "identifier code (10 digits, e.g. 4403000001, or bm and 8 digits for a department's site)")),
        contact=text("contact"))


def read_share_image(c: Checker, value: Any, media_root: Path, media: set[str]) -> ShareImage | None:
    """site.yaml `share_image`: a PNG or JPEG of media/ at least 300×300 px."""
    name = c.text(value, ("share_image",), 300)
    if name is None:
        return None
    rel = name.removeprefix("/").removeprefix("media/")
    if rel not in media:
        c.error(("share_image",), M("share.missing", "media/{rel} does not exist (a PNG or JPEG "
                "file in media/, e.g. share_image: share.png for media/share.png)", rel=rel))
        return None
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(media_root / rel) as img:
            fmt, (width, height) = img.format, img.size
    except (OSError, UnidentifiedImageError):
        fmt, width, height = None, 0, 0
    if fmt not in ("PNG", "JPEG"):
        c.error(("share_image",), M("share.not_image", "media/{rel} is not a PNG or JPEG image "
                "(WeChat shows those)", rel=rel))
        return None
    if min(width, height) < MIN_SHARE:
        c.error(("share_image",), M("share.too_small", "media/{rel} is {width}×{height} px (at "
                "least {min}×{min}: WeChat shows no picture for a smaller one)", rel=rel,
                width=width, height=height, min=MIN_SHARE))
        return None
    return ShareImage(f"media/{rel}", width, height, "image/png" if fmt == "PNG" else "image/jpeg")


DEFAULT_SHARE = ShareImage(SHARE_PATH, SHARE_SIZE, SHARE_SIZE, "image/png")

FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
         "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
         "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
         "/System/Library/Fonts/PingFang.ttc",
         "C:/Windows/Fonts/msyh.ttc")
"""Fonts with Chinese glyphs, where systems keep them; without one the picture has no text."""


def share_png(title: str) -> bytes:
    """The default share picture: the site's title in white on the theme colour, 600×600
    (square: WeChat crops link pictures to a square), with the crisis-bar red as a band."""
    from PIL import Image, ImageDraw, ImageFont
    size = SHARE_SIZE
    img = Image.new("RGB", (size, size), (11, 95, 115))  # --brand of static/style.css
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, size - 72, size, size), fill=(138, 28, 28))  # --crisis-bg
    font_path = next((f for f in FONTS if Path(f).is_file()), None)
    if font_path is not None:
        font = ImageFont.truetype(font_path, 56)
        lines, line = [], ""
        for ch in title:
            if draw.textlength(line + ch, font=font) > size - 96:
                lines.append(line)
                line = ""
            line += ch
        lines = (lines + [line])[:5]
        top = (size - 72 - 76 * len(lines)) // 2
        for i, text in enumerate(lines):
            draw.text((48, top + 76 * i), text, font=font, fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def write_share_image(site, root: Path) -> None:
    """Write the default share picture into the output folder when site.yaml names none."""
    if getattr(site, "share_image", None) is None:
        (root / SHARE_PATH).write_bytes(share_png(site.title))
