"""Every generated page is valid HTML: the Nu HTML Checker (npm `vnu-jar`, on Java) finds
no error in the sample site, in the real-world data of shared/data/real-cn, in a site of
hostile content, nor in the DOM of pages after their scripts ran (search results, "near
me" results, list tools), which is what the visitor's browser reads."""
from __future__ import annotations

import subprocess

from browser import chromium, serve
from pagetypes import BASE, QUICK_EXIT, near_context, open_page, page_types
from sitecheck import REAL, SAMPLE, TODAY, build_site, copy_content
from site_builder.build import check
from tools import VNU_JAR, require

SCRIPTED = ("search-results", "search-filters", "near-me", "area")


def test_every_page_is_valid_html(tmp_path):
    java = require(VNU_JAR, "java")
    sites = tmp_path / "sites"
    content = copy_content(SAMPLE, tmp_path / "content")
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"quick_exit: {QUICK_EXIT}\n",
                         encoding="utf-8")
    sample = build_site(content, sites / "sample")
    if REAL.is_dir():
        build_site(REAL, sites / "real-cn", index=False)
    # The DOM after the scripts ran, serialised.
    types = [t for t in page_types(check(SAMPLE, TODAY).directory) if t.name in SCRIPTED]
    scripted = sites / "scripted"
    scripted.mkdir()
    with serve(sample, BASE) as origin, chromium() as browser:
        context = near_context(browser)
        page = context.new_page()
        for t in types:
            open_page(page, origin, t)
            (scripted / f"{t.name}.html").write_text(page.content(), encoding="utf-8")
        context.close()
    pages = sorted(sites.rglob("*.html"))
    assert len(pages) > 250
    done = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html",
                           str(sites)], capture_output=True, text=True, timeout=300)
    errors = (done.stdout + done.stderr).replace(str(sites) + "/", "")
    assert done.returncode == 0 and not errors.strip(), errors[:5000]
