"""Hostile input, generated: random YAML and markdown (deep nesting, huge strings, odd
Unicode, control characters, NULs, aliases and "billion laughs", tags, bytes that are not
UTF-8, BOMs, CRLF) written into content folders. The builder only ever reports content
errors: it never raises anything but ContentError, never hangs (each example is
time-bound), and never writes outside its output folder. Then the limits, one by one:
file size, nesting (also the pathological kind that would crash libyaml), aliases, and
ids that try to leave their folder.
"""
from __future__ import annotations

import json
import os
import resource
import re
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REGIONS, SERVICE, SITE, TODAY, write_content
from site_builder.build import build, check
from site_builder.errors import ContentError
from site_builder.load import MAX_DEPTH, MAX_FILE_BYTES

SECONDS_PER_EXAMPLE = 20
"""A build of a small folder takes well under a second: more is a hang."""

FUZZ = settings(max_examples=150, deadline=None, database=None,
                derandomize=bool(os.environ.get("CI")),  # CI: the same examples every run
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# ---------------------------------------------------------------------------- strategies

KEYS = ["name", "kind", "region", "address", "location", "lat", "lon", "crs", "phones",
        "phone", "label", "ext", "hours", "mon-fri", "sat", "sun", "holidays", "verified",
        "audiences", "services", "cost", "booking", "languages", "accessibility", "website",
        "email", "wechat", "other_contacts", "value", "closed", "from", "until", "reason",
        "description", "operator", "hours_note", "stats", "year", "visits", "translations",
        "en", "id", "level", "children", "title", "base_url", "crisis", "note", "date",
        "event", "start", "end", "place", "service", "summary", "tags", "category", "draft",
        "nav", "quick_exit", "timezone", "language", "edit_url", "<<", "", " ", "名称"]
TRICKY = ["yes", "no", "on", "off", "13:30", "08:30-12:00", "24/7", "1e3", "0x1F", "0o17",
          "~", "null", ".inf", "2026-02-30", "2026-11-01", "9999-99-99", "../x", "../../etc",
          "/etc/passwd", "C:\\x", "a\\b", "．．", "．．/x", "ｆｕｌｌ", "Ｆｕｌｌ", "x/../y",
          "%2e%2e", "<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "javascript:x",
          "\u202e\u200bx", "\ufeff", "\x00", "\x07\x1b[31m", "\r\n", "", " ", "*a", "&a",
          "!!python/object:os.system", "---", "...", "- ", "? ", "[", "{", "|", ">", "'", '"',
          "#", "@", "`", "12356", "0755-55500101", "+86 755 5550 0101", "tel:110",
          "https://example.org/", "futian", "clinic", "weekly", "city", "district", "street",
          "community", "gcj02", "bd09", "wgs84", "\U0001F600", "é", "e\u0301", "\u0000\u0001"]
CHARS = st.characters(codec="utf-8")  # every code point UTF-8 can carry: controls, NUL…


def huge(piece: str) -> st.SearchStrategy[str]:
    """A long string made cheaply: a piece repeated up to 30,000 times (far past every
    field's length limit; the file size limit is tested on its own)."""
    return st.integers(1, 30_000).map(lambda n: piece * n)


TEXT = st.one_of(st.text(CHARS, max_size=40), st.sampled_from(TRICKY),
                 st.sampled_from(["x", "名", "\x00", "[", "- ", "\u0300", "a: b\n"]).flatmap(huge))
SCALARS = st.one_of(TEXT, st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), TEXT), inner, max_size=6)), max_leaves=40)
DOCS = st.one_of(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=12), VALUES)

RAW = st.sampled_from([
    "a: &a [1, 2]\nb: *a\n",
    "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
    "x: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
    "x: !!binary aGVsbG8=\n", "x: !custom 1\n", "<<: {name: x}\n", "%YAML 1.1\n---\nx: 1\n",
    "--- a\n--- b\n", "x: 13:30\ny: yes\n", "\tname: tab\n", "name: 'unclosed\n",
    "name: \"\\xZZ\"\n", "? [a, b]\n: c\n", "name: |\n  block\n   more\n", "name: >-\n  folded\n",
    "a:\n  - b\n - c\n", "{", "]", ": :", "name: x\nname: y\n", "- - - - - - x\n",
])
DEEP = st.tuples(st.sampled_from(["[", "{a: ", "- ", "? ", "  " * 0 + "-\n"]),
                 st.sampled_from([10, MAX_DEPTH + 2, 200, 5_000, 60_000])).map(lambda t: t[0] * t[1])
YAML_TEXT = st.one_of(
    st.builds(lambda data, flow, uni, width: yaml.safe_dump(
        data, allow_unicode=uni, default_flow_style=flow, sort_keys=False, width=width),
        DOCS, st.sampled_from([None, True, False]), st.booleans(), st.sampled_from([20, 80, 10**6])),
    RAW, DEEP, st.text(CHARS, max_size=300),
    st.lists(st.one_of(RAW, DEEP, st.sampled_from(TRICKY)), max_size=6).map("\n".join),
)
MARKDOWN_BODY = st.lists(st.one_of(
    st.text(CHARS, max_size=80), st.sampled_from([
        "# 标题", "## ", "[x](/services/../../etc/passwd)", "[x](../../x)", "[x](/media/../../x)",
        "![](/media/x.png)", "[x](javascript:alert(1))", "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>", '<p style="color:red">x</p>', "<!--", "```", "~~~",
        "| a | b |\n|---|---|\n| 1 | 2 |", "[^1]", "<div>" * 50, "</div>" * 10, "&#0;", "&#x110000;",
    ]),
    st.tuples(st.sampled_from(["> ", "- ", "* ", "[", "<div>", "<span>", "*", "_", "`", "<"]),
              st.sampled_from([5, 100, 3_000, 40_000])).map(lambda t: t[0] * t[1]),
), max_size=8).map("\n\n".join)
MARKDOWN = st.builds(lambda front, body, fence: f"{fence}\n{front}{fence}\n{body}",
                     YAML_TEXT, MARKDOWN_BODY, st.sampled_from(["---", "---", "...", "--- ", ""]))

NAMES = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=30)
    .filter(lambda n: n not in (".", "..") and len(n.encode()) < 200),
    st.sampled_from(["..\\evil", "．．", "Ｆｕｌｌ", "a b", "-x", "x.y.z", "CON", "nul", "\u202eevil",
                     "%2e%2e", "..", "...", "x..y", "~backup", "#tmp", ".hidden"]).filter(lambda n: n != ".."),
)


def encode(text: str, how: str) -> bytes:
    if how == "utf-8":
        return text.encode("utf-8", "surrogatepass")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    if how == "cr":
        return text.replace("\n", "\r").encode("utf-8", "surrogatepass")
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if how == "gbk":
        return text.encode("gbk", "replace")
    if how == "bad-byte":
        data = text.encode("utf-8", "surrogatepass")
        return data[: len(data) // 2] + b"\xff\xfe\xc0" + data[len(data) // 2:]
    if how == "truncated":
        return (text + "名").encode("utf-8")[:-1]
    if how == "nul":
        return text.encode("utf-8", "surrogatepass").replace(b"\n", b"\n\x00", 1) + b"\x00"
    raise AssertionError(how)


ENCODINGS = st.sampled_from(["utf-8"] * 6 + ["bom", "crlf", "cr", "utf-16", "gbk", "bad-byte",
                                              "truncated", "nul"])


@st.composite
def overlays(draw) -> dict[str, bytes]:
    """1-3 files put over the minimal valid content folder (tests/conftest.py)."""
    files: dict[str, bytes] = {}
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["site.yaml", "regions.yaml", "holidays.yaml",
                                      "services/station.yaml", "services/*.yaml", "articles/*.md",
                                      "pages/*.md", "media/*", "services/*", "regions.yml"]))
        if "*" in where:
            where = where.replace("*", draw(NAMES))
        text = draw(MARKDOWN if where.endswith(".md") else YAML_TEXT)
        files[where] = encode(text, draw(ENCODINGS))
    return files


# -------------------------------------------------------------------------------- harness

@contextmanager
def time_limit(seconds: int):
    def hang(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s: a hang")
    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(root: Path, skip: Path) -> dict[str, bytes | None]:
    """Every file and folder below `root` but `skip`, with the bytes of each file."""
    found: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == skip:
            dirnames[:] = []
            continue
        for name in dirnames:
            if here / name != skip:
                found[(here / name).relative_to(root).as_posix() + "/"] = None
        for name in filenames:
            path = here / name
            found[path.relative_to(root).as_posix()] = path.read_bytes() if not path.is_symlink() else b"->"
    return found


def build_hostile(files: dict[str, bytes]) -> tuple[str, float, list[str]]:
    """Build a minimal content folder with `files` over it, checking that nothing but
    ContentError is raised, in time, and nothing is written outside the output folder.
    Returns "built" or "errors", the seconds taken and the paths written."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        content = write_content(root, files)
        out = root / "out"
        before = snapshot(root, out)
        start = time.perf_counter()
        old = os.getcwd()
        os.chdir(root)
        try:
            with time_limit(SECONDS_PER_EXAMPLE):
                build(content, out, today=TODAY, index=False)
            outcome = "built"
        except ContentError as exc:
            assert exc.problems, "ContentError without a problem"
            for problem in exc.problems:
                assert problem.message and isinstance(problem.line, int) and problem.line >= 0
            outcome = "errors"
        finally:
            os.chdir(old)
        seconds = time.perf_counter() - start
        assert snapshot(root, out) == before, "something was written outside the output folder"
        paths = []
        if out.exists():
            real_out = out.resolve()
            for path in out.rglob("*"):
                assert not path.is_symlink(), path
                assert real_out in path.resolve().parents, path
                if path.is_file():
                    paths.append(path.relative_to(out).as_posix())
        return outcome, seconds, paths


@FUZZ
@given(overlays())
def test_random_content_gives_content_errors_never_a_crash(files):
    build_hostile(files)


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=15), ENCODINGS)
def test_random_service_records(data, how):
    """Records shaped like services (known keys, random values) reach the validator deep."""
    text = SERVICE + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    build_hostile({"services/station.yaml": encode(text, how)})


# ------------------------------------------------------------------------- the limits

def problems_of(files: dict[str, bytes | str], tmp_path: Path) -> list[str]:
    content = write_content(tmp_path, files)
    report = check(content, TODAY)
    return [str(p) for p in report.problems.errors]


def test_a_file_over_the_size_limit_is_an_error(tmp_path):
    big = SERVICE + "description: |\n" + ("  说明文字。\n" * (MAX_FILE_BYTES // 10))
    assert len(big.encode()) > MAX_FILE_BYTES
    errors = problems_of({"services/big.yaml": big}, tmp_path)
    assert any(e.startswith("content/services/big.yaml:0: -: file is") and
               f"at most {MAX_FILE_BYTES:,} bytes" in e for e in errors), errors


PATHOLOGICAL = {
    "flow-100k": "[" * 100_000,
    "flow-closed-30k": "[" * 30_000 + "]" * 30_000,
    "mapping-30k": "{a: " * 30_000 + "}" * 30_000,
    "compact-100k": "- " * 100_000 + "x\n",
    "keys-100k": "? " * 100_000 + "x\n",
    "mixed": "x:\n" + "  - [" * 3_000 + "\n",
    "deep-21": "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_nesting_is_an_error_not_a_crash(tmp_path, name):
    """libyaml's composer recurses in C: ~25 k levels kill the process (a segmentation
    fault), and its time grows with the square of the depth. load.py refuses such files
    before composing. Run in a child process, so that a crash is a failure, not the end
    of the test run."""
    for where in ("services/deep.yaml", "articles/deep.md"):
        text = PATHOLOGICAL[name]
        if where.endswith(".md"):
            text = f"---\n{text}\n---\n正文\n"
        content = write_content(tmp_path / where.split("/")[0], {where: text})
        code = ("import json, sys; from datetime import date; from pathlib import Path;"
                "from site_builder.build import check;"
                "r = check(Path(sys.argv[1]), date(2026, 11, 25));"
                "print(json.dumps([str(p) for p in r.problems.errors]))")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, str(content)], capture_output=True,
                              text=True, timeout=60, cwd=content.parent)
        assert done.returncode == 0, f"crashed ({done.returncode}): {done.stderr[-2000:]}"
        assert time.perf_counter() - start < 10
        errors = [e for e in json.loads(done.stdout) if "deep." in e]
        assert any("nested too deeply" in e or "YAML syntax error" in e for e in errors), errors


BODIES = {
    "div-150k": "<div>" * 150_000,
    "section-100k": "<section>" * 100_000,
    "quote-200k": "> " * 200_000 + "x",
    "brackets-300k": "[" * 300_000,
    "stars-300k": "*" * 300_000 + "x",
    "links-40k": "[a](/hotlines/) " * 40_000,
    "list-3k": "".join(" " * (2 * i) + "- x\n" for i in range(700)),
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


FRESH_CHECK = """
import json, sys
from pathlib import Path
from test_fuzz import problems_of
print(json.dumps(problems_of(json.loads(sys.stdin.read()), Path(sys.argv[1]))))
"""


@pytest.mark.parametrize("name", BODIES)
def test_pathological_markdown_is_quick(tmp_path, name):
    """Markdown bodies near the size limit that make parsers or the sanitiser slow:
    each is rendered, or refused (raw HTML nested past markdown.MAX_HTML_DEPTH), in time."""
    body = BODIES[name]
    assert len(body.encode()) < MAX_FILE_BYTES
    # Timed in a fresh process, as an editor's `check` runs: inside the test session the
    # same parse takes about twice as long (3.8 s alone, 7–8 s in pytest for brackets-300k).
    files = {"articles/slow.md": f"---\ntitle: 标题\ndate: 2026-11-01\n---\n{body}\n"}
    # CPU seconds of the child, not wall time: a loaded CI machine stretches the wall clock
    # (10.8 s seen at a load average of 8) without the parse doing more work.
    before = _children_cpu()
    done = subprocess.run([sys.executable, "-c", FRESH_CHECK, str(tmp_path)],
                          input=json.dumps(files), capture_output=True, text=True,
                          timeout=6 * SECONDS_PER_EXAMPLE, cwd=Path(__file__).parent)
    seconds = _children_cpu() - before
    assert done.returncode == 0, done.stderr
    errors = json.loads(done.stdout)
    assert seconds < 8, (name, seconds)
    if name in ("div-150k", "section-100k"):
        assert errors == ["content/articles/slow.md:5: body: HTML nested too deeply "
                          "(at most 100 levels: close the tags you open)"]
    else:
        assert errors == []


def test_billion_laughs_is_refused_quickly(tmp_path):
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in "bcdefghi":
        prev = chr(ord(level) - 1)
        laughs += f"{level}: &{level} [{', '.join(['*' + prev] * 10)}]\n"
    start = time.perf_counter()
    errors = problems_of({"services/laughs.yaml": SERVICE + laughs}, tmp_path)
    assert time.perf_counter() - start < 5
    assert any("YAML aliases (*name) are not supported" in e for e in errors), errors


ESCAPING_IDS = ["../futian", "/abs", "a\\b", "..\\x", "x/../y", "ｆｕｌｌ", "．．", "．．/x",
                "x\u2215y", "x\uff0fy", "..", ".", "a\x00b", "C:x", "x\u2024\u2024y"]
SAFE_PATH = re.compile(r"[a-z0-9._-]+(/[a-z0-9._-]+)*")


def test_output_paths_are_plain(tmp_path):
    outcome, _, paths = build_hostile({})
    assert outcome == "built" and paths and all(SAFE_PATH.fullmatch(p) for p in paths)


@pytest.mark.parametrize("bad", ESCAPING_IDS)
def test_area_ids_cannot_escape_their_folder(tmp_path, bad):
    regions = REGIONS.replace("id: district\n", f"id: {json.dumps(bad)}\n", 1)
    service = SERVICE.replace("region: street", f"region: {json.dumps(bad)}")
    files = {"regions.yaml": regions, "services/station.yaml": service}
    assert build_hostile({k: v.encode() for k, v in files.items()})[0] == "errors"
    errors = problems_of(files, tmp_path)
    assert any("is not a valid area id" in e for e in errors), errors


@pytest.mark.parametrize("name", ["..\\evil", "．．", "Ｆｕｌｌ", "x..y", "a b", "\u202eevil",
                                  "ｆｕｌｌ．．", "x\u2024\u2024y", "%2e%2e", "x.\u2024"])
@pytest.mark.parametrize("folder, ext", [("services", ".yaml"), ("articles", ".md"),
                                         ("pages", ".md")])
def test_file_names_cannot_make_paths(name, folder, ext):
    """A file name is refused, or becomes a plain slug inside the output folder."""
    text = SERVICE if ext == ".yaml" else "---\ntitle: 标题\ndate: 2026-11-01\n---\n正文\n"
    outcome, _, paths = build_hostile({f"{folder}/{name}{ext}": text.encode()})
    assert outcome == "errors" or all(SAFE_PATH.fullmatch(p) for p in paths), paths


@pytest.mark.parametrize("name", ["\\", "a\\..\\b.png", "x\\..\\..\\y.png"])
def test_media_names_with_backslashes_are_content_errors(tmp_path, name):
    """Found by the fuzz test above: a media file named `\\` once ended the build with a
    BuildError (a bug) instead of a content error."""
    assert build_hostile({f"media/{name}": b"x"})[0] == "errors"
    errors = problems_of({f"media/{name}": b"x"}, tmp_path)
    assert any("backslash" in e for e in errors), errors


def test_site_yaml_with_a_bom_and_crlf_builds(tmp_path):
    """The editor's Notepad: a BOM and CRLF line ends are fine."""
    files = {"site.yaml": b"\xef\xbb\xbf" + SITE.replace("\n", "\r\n").encode()}
    assert build_hostile(files)[0] == "built"
