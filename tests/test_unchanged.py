"""A build with a cache that finds nothing changed (content, code, date, and the output as
the last build left it) has nothing to do: it returns the last build's report at once.
Any change to the content or the output makes it a real (incremental) build again."""
from __future__ import annotations

import os
from pathlib import Path

from sitecheck import SAMPLE, TODAY, copy_content
from site_builder.build import build


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_nothing_changed_means_nothing_done(tmp_path):
    content = copy_content(SAMPLE, tmp_path / "content")
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = build(content, out, TODAY, index=False, cache=cache)
    before = tree(out)
    again = build(content, out, TODAY, index=False, cache=cache)
    assert list(again.seconds) == ["unchanged"] and again.incremental.rendered == 0
    assert again.pages == first.pages and again.problems.warnings == first.problems.warnings
    assert tree(out) == before

    # A content file saved again (same bytes, new time) is a real build, which renders nothing.
    record = next((content / "services").glob("*.yaml"))
    os.utime(record, ns=(record.stat().st_atime_ns, record.stat().st_mtime_ns + 1_000_000_000))
    touched = build(content, out, TODAY, index=False, cache=cache)
    assert "unchanged" not in touched.seconds and touched.incremental.rendered == 0

    # Another date is a real build too (opening states, stale flags depend on it).
    from datetime import timedelta
    later = build(content, out, TODAY + timedelta(days=1), index=False, cache=cache)
    assert "unchanged" not in later.seconds
    build(content, out, TODAY, index=False, cache=cache)

    # A page deleted or edited in the output is put back by the next build.
    (out / "index.html").unlink()
    (out / "hotlines/index.html").write_text("changed by hand", encoding="utf-8")
    repaired = build(content, out, TODAY, index=False, cache=cache)
    assert "unchanged" not in repaired.seconds
    assert tree(out) == before
