"""Languages (issue 12, items 1–5), in the built files of the sample site, which has
`languages: [zh-Hant, en]`: every page in every language, the switcher and hreflang,
`<html lang>`, the sitemap's alternates, Traditional Chinese converted by OpenCC with
human translations winning and numbers and URLs left alone, English from `translations`
with the Chinese fallback marked, and search indexes per language."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitecheck import SAMPLE, TODAY, build_site, copy_content, html_pages
from site_builder.i18n import translate
from site_builder.i18n.convert import to_hant

EDITIONS = {"": "zh-Hans", "zh-hant/": "zh-Hant", "en/": "en"}
HUALIN = "futian-hualin-room"          # a human zh-Hant hours_note, no English name
GUIDANCE = "futian-guidance-center"    # translations.en: name, operator, description


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    content = copy_content(SAMPLE, tmp_path_factory.mktemp("languages") / "content")
    return build_site(content, content.parent / "build")


@pytest.fixture(scope="module")
def pages(site):
    return {name: tree for name, tree in html_pages(site).items() if not name.startswith("elder/")}


def split(name: str) -> tuple[str, str]:
    for prefix in ("zh-hant/", "en/"):
        if name.startswith(prefix):
            return prefix, name[len(prefix):]
    return "", name


def test_every_page_exists_in_every_language(pages):
    by_edition: dict[str, set[str]] = {p: set() for p in EDITIONS}
    for name in pages:
        prefix, bare = split(name)
        by_edition[prefix].add(bare)
    assert len(by_edition[""]) > 150
    assert by_edition["zh-hant/"] == by_edition[""]
    assert by_edition["en/"] == by_edition[""]


def test_html_lang_og_locale_and_switcher_on_every_page(site, pages):
    for name, tree in pages.items():
        prefix, bare = split(name)
        assert tree.css_first("html").attributes["lang"] == EDITIONS[prefix], name
        switch = tree.css_first("nav.lang-switch")
        assert switch is not None, name
        links = {a.attributes["hreflang"]: a.attributes["href"] for a in switch.css("a")}
        current = switch.css_first("[aria-current]")
        assert current.attributes["lang"] == EDITIONS[prefix], name
        assert set(links) == set(EDITIONS.values()) - {EDITIONS[prefix]}, name
        here = bare.removesuffix("index.html") if bare != "404.html" else ""
        target_of = (lambda p: p + "index.html") if bare == "404.html" else (lambda p: p + bare)
        for p, lang in EDITIONS.items():
            if lang in links:
                assert links[lang] == f"/xinli/{p}{here}", name
                target = site / target_of(p)
                assert target.is_file(), (name, links[lang])
        alternates = {link.attributes["hreflang"]: link.attributes["href"]
                      for link in tree.css('link[rel="alternate"][hreflang]')}
        if bare == "404.html":  # the switcher leads to the other languages' home pages
            assert alternates == {}, name
            continue
        assert alternates == {lang: f"https://example.org/xinli/{p}{here}"
                              for p, lang in EDITIONS.items()}, name


def test_sitemap_lists_each_page_in_each_language_with_its_alternates(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site / "sitemap.xml").getroot()
    urls = {u.find("s:loc", ns).text: {a.get("hreflang"): a.get("href") for a in u.findall("x:link", ns)}
            for u in root.findall("s:url", ns)}
    service = "https://example.org/xinli/{}services/" + HUALIN + "/"
    for prefix in EDITIONS:
        assert urls[service.format(prefix)] == {lang: service.format(p) for p, lang in EDITIONS.items()}
    assert not any("/elder/" in u for u in urls)


def test_traditional_chinese_is_converted_and_numbers_and_links_are_left_alone(pages):
    simple = pages[f"services/{HUALIN}/index.html"]
    hant = pages[f"zh-hant/services/{HUALIN}/index.html"]
    assert hant.css_first("h1").text() == "華林社區心理諮詢室"
    assert "服務時間" in hant.css_first("main").text()
    # Phone numbers, tel: and web links are the same bytes; only page links gain the prefix.
    hrefs = [a.attributes.get("href", "") for a in simple.css("main a")]
    hant_hrefs = [a.attributes.get("href", "") for a in hant.css("main a")]
    assert [h for h in hrefs if not h.startswith("/xinli/")] == \
        [h for h in hant_hrefs if not h.startswith("/xinli/")]
    assert [h.replace("/xinli/", "/xinli/zh-hant/", 1) for h in hrefs if h.startswith("/xinli/")] == \
        [h for h in hant_hrefs if h.startswith("/xinli/")]
    assert "0755-55500121" in hant.css_first("main").text()
    assert to_hant("12356 0755-5550 0121 https://example.org/xinli/ futian-hualin-room") == \
        "12356 0755-5550 0121 https://example.org/xinli/ futian-hualin-room"


def test_a_human_traditional_translation_wins_over_the_conversion(pages):
    hant = pages[f"zh-hant/services/{HUALIN}/index.html"]
    note = hant.css_first(".hours-note").text()
    assert note == "其他時間可到社區黨群服務中心前台登記，社工會回電預約"
    assert note != to_hant("其他时间可到社区党群服务中心前台登记，社工回电预约", "s2hk")


def test_english_uses_the_records_translations(pages):
    en = pages[f"en/services/{GUIDANCE}/index.html"]
    assert en.css_first("h1").text() == "Futian District Psychosocial Service Guidance Centre"
    assert "Bring an ID card on your first visit." in en.css_first("main").text()
    assert en.css_first("h1").attributes.get("lang") is None


def test_english_pages_link_within_the_english_edition(pages):
    en = pages["en/articles/sleep-and-insomnia/index.html"]
    assert en.css_first("h1").text().startswith("Can't fall asleep")
    links = [a.attributes["href"] for a in en.css("main a") if a.attributes.get("href", "").startswith("/xinli/")]
    assert "/xinli/en/services/luohu-dongmen-tcm-clinic/" in links
    assert not any(h.startswith("/xinli/services/") for h in links)


def test_ui_strings_are_translated_in_each_language():
    assert translate("服务时间", "en") != "服务时间"
    assert translate("服务时间", "zh-Hant") == "服務時間"
    assert translate("服务时间", "zh-Hans") == "服务时间"


def test_search_keeps_one_index_per_language_in_every_bundle(site):
    manifest = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    for shard in manifest["shards"]:
        entry = json.loads((site / shard["bundle"] / "pagefind-entry.json").read_text(encoding="utf-8"))
        counts = {lang: v["page_count"] for lang, v in entry["languages"].items()}
        assert set(counts) == {"zh-hans", "zh-hant", "en"}, shard["id"]
        assert counts["zh-hans"] == counts["zh-hant"] == counts["en"], shard["id"]


def test_traditional_search_words_and_need_pages(pages):
    hant = pages["zh-hant/search/index.html"]
    vocab = json.loads(hant.css_first("#search-config").attributes["data-vocab"])
    words = {w for need in vocab["needs"] for w in need["words"]}
    assert {"热线", "熱線"} <= words
    assert all(need["url"].startswith("/xinli/zh-hant/needs/") for need in vocab["needs"])
    assert re.search("[熱諮]", pages["zh-hant/needs/index.html"].css_first("main").text())


def test_english_shows_untranslated_fields_in_chinese_marked_as_such(pages):
    en = pages[f"en/services/{HUALIN}/index.html"]
    h1 = en.css_first("h1")
    assert h1.text() == "华林社区心理咨询室" and h1.attributes["lang"] == "zh-Hans"
    assert en.css_first(".address").attributes["lang"] == "zh-Hans"
    assert "no English translation yet" in en.css_first(".untranslated-note").text()
    assert "服务时间" not in en.css_first("main").text()  # the interface is English
    card = next(c for c in pages["en/regions/futian-yuanling-hualin/index.html"].css(".card-title a")
                if c.attributes["href"].endswith(f"/{HUALIN}/"))
    assert card.attributes["lang"] == "zh-Hans"


def test_untranslated_articles_are_listed_in_english_with_a_note(pages):
    listing = pages["en/articles/index.html"]
    items = {a.attributes["href"]: a for a in listing.css(".article-item > a")}
    translated = items["/xinli/en/articles/sleep-and-insomnia/"]
    assert translated.attributes.get("lang") is None
    untranslated = items["/xinli/en/articles/understanding-anxiety/"]
    assert untranslated.attributes["lang"] == "zh-Hans"
    assert "not yet in English" in untranslated.parent.text()
    article = pages["en/articles/understanding-anxiety/index.html"]
    assert article.css_first(".prose").attributes["lang"] == "zh-Hans"
    assert "Chinese original" in article.css_first(".untranslated-note").text()


def test_english_home_lists_the_services_that_serve_in_english(pages):
    home = pages["en/index.html"]
    section = home.css_first('section[aria-labelledby="english-h"]')
    links = {a.attributes["href"] for a in section.css(".card-title a")}
    assert "/xinli/en/services/nanshan-kejiyuan-room/" in links
    assert "/xinli/en/services/futian-hualin-room/" not in links  # serves in Chinese only
    assert pages["index.html"].css_first('section[aria-labelledby="english-h"]') is None


def test_other_editions_say_how_to_call_a_full_number_from_abroad(pages):
    en = pages["en/services/shenzhen-psych-aid-line/index.html"]
    assert "From a phone outside mainland China: +86 755 5550 0001" in en.css_first(".phones").text()
    hant = pages["zh-hant/services/shenzhen-psych-aid-line/index.html"]
    assert "+86 755 5550 0001" in hant.css_first(".phones").text()
    assert "+86" not in pages["services/shenzhen-psych-aid-line/index.html"].css_first(".phones").text()
    # A short number (12356) is not offered from abroad: no mainland network, no call.
    assert "+86" not in pages["en/services/national-12356/index.html"].css_first(".phones").text()
