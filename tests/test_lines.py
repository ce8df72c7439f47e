"""Lines of links in markdown: right in awkward layouts, and linear in a large article.

Before `site_builder.lines`, each link's line was found by scanning its block's lines,
which cost links × lines: 30,000 links in one article took 23 s in `check --external`
and in every build."""
from __future__ import annotations

import time

from conftest import TODAY, article, write_content
from site_builder import links
from site_builder.build import check
from site_builder.lines import SCAN_CHARS, Lines


def test_links_get_their_own_lines_in_awkward_layouts():
    body = (
        "开头一段，[甲](https://a.example/1) 与 [乙](https://a.example/2)。\n"  # 10
        "\n"
        "一段 `代码` 之后\n"                                                      # 12
        "换行 [跨行的\n"                                                         # 13
        "链接文字](https://a.example/3)\n"                                       # 14
        "\n"
        "- 列表 <https://a.example/4>\n"                                         # 16
        "- 列表 [中文网址](https://例子.cn/服务?q=心理)\n"                        # 17
        "\n"
        "> 引用 [引用链接][ref]\n"                                               # 19
        "\n"
        "[ref]: https://a.example/5\n"                                          # 21
        "\n"
        "图 ![说明](https://a.example/6.png) 和 [甲](https://a.example/1) 再次\n"  # 23
    )
    found = list(links.markdown_links(body, 10))
    assert found == [
        ("https://a.example/1", 10), ("https://a.example/2", 10), ("https://a.example/3", 14),
        ("https://a.example/4", 16),
        ("https://xn--fsqu00a.cn/%E6%9C%8D%E5%8A%A1?q=%E5%BF%83%E7%90%86", 17),
        ("https://a.example/5", 19),  # a reference link: where it is used
        ("https://a.example/6.png", 23), ("https://a.example/1", 23),
    ]


def test_an_article_with_30000_links_is_checked_in_linear_time(tmp_path):
    n = 30_000
    body = "".join(f"[{i}](https://e.cn/{i}) x\n" for i in range(n))  # 0.8 MB (at most 1)
    tokens = links._MD.parse(body)
    lines = Lines(body, 5, links._MD.normalizeLinkText)
    # CPU seconds of this process: a loaded machine stretches wall time (31.6 s seen at a
    # load average of 20) without the check doing more work.
    start = time.process_time()
    found = [line for token in tokens if token.type == "inline"
             for child, line in lines.children(token) if child.type == "link_open"]
    seconds = time.process_time() - start
    assert found == [5 + i for i in range(n)]  # one paragraph of n lines, a link on each
    # The work is proportional to the text: each URL is searched from the previous one.
    assert lines.scanned <= 2 * len(body)
    assert seconds < 5  # about 0.3 s here; scanning each block's lines took 20 s

    # The same article through `check` (render_markdown): a dangling internal link near
    # the end is reported on its own line, and the whole check stays well within bounds.
    bad = body + "最后 [不存在](/services/nothing/)\n"
    content = write_content(tmp_path, {"articles/many.md": article(body=bad)})
    start = time.process_time()
    report = check(content, today=TODAY)
    seconds = time.process_time() - start
    errors = [p for p in report.problems.errors]
    assert [(p.path.rsplit("/", 1)[-1], p.line, p.field) for p in errors] == [
        ("many.md", 5 + n, "body")]
    assert seconds < 30  # markdown-it's own parse is most of it (~5 s here)


def test_a_url_that_is_not_in_the_window_falls_back_to_the_estimate():
    """A link text longer than the search window: the URL is not searched for past it,
    and the link gets the line counted from the line breaks before it."""
    long_text = "字" * (SCAN_CHARS + 10)
    body = f"一\n二 [{long_text}](https://a.example/far)\n三 [x](https://a.example/near)\n"
    assert list(links.markdown_links(body, 1)) == [
        ("https://a.example/far", 2), ("https://a.example/near", 3)]
