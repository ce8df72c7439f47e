"""Publishing and the file system: a dying or runaway Pagefind, signals, leftovers of
crashes, symbolic links and mount points as --out, modes, the output never inside an
input, a full disk. Pagefind is killed for real, mounts are real tmpfs (as root)."""
from __future__ import annotations

import asyncio
import errno
import fcntl
import hashlib
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import write_content
from sitecheck import ROOT, SAMPLE, TODAY, copy_content
from site_builder import publish
from site_builder.build import build
from site_builder.errors import Abort
from site_builder.index import IndexError_, build_index
from site_builder.publish import MARKER, PublishError, remove_tree
from site_builder.supervise import Budget, child_pids

ENV = {**os.environ, "SITE_BUILDER_TODAY": TODAY.isoformat(), "PYTHONUNBUFFERED": "1"}
ENV.pop("CI", None)


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Our staging or old folders in `folder` (beside an output, or inside a mounted one)."""
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def pagefind_children(pid: int | None = None) -> list[int]:
    found = []
    for child in child_pids(pid):
        try:
            if "pagefind" in os.readlink(f"/proc/{child}/exe"):
                found.append(child)
        except OSError:
            pass
    return found


def wait_for(condition, timeout: float = 60, step: float = 0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "site_builder", "build", *args], env=ENV,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kwargs)


def _cannot(message: str) -> None:
    """CI runs as root, where mounting works: there a refusal is a failure, elsewhere a skip."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def small(tmp_path) -> Path:
    return write_content(tmp_path)


@pytest.fixture
def published(tmp_path, small) -> tuple[Path, dict[str, str]]:
    """A previous output `out` (indexed) and its snapshot."""
    out = tmp_path / "out"
    build(small, out, today=TODAY)
    return out, snapshot(out)


# ------------------------------------------------------------------ Pagefind dies or runs away

def test_a_killed_pagefind_stops_the_build_within_seconds(tmp_path, small, published):
    out, before = published
    killed: list[float] = []

    def kill_pagefind() -> None:  # as the out-of-memory killer does
        pid = wait_for(pagefind_children)[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(time.monotonic())

    threading.Thread(target=kill_pagefind, daemon=True).start()
    with pytest.raises(IndexError_) as caught:
        build(small, out, today=TODAY)
    seconds = time.monotonic() - killed[0]
    message = str(caught.value)
    # One line that names the shard whose Pagefind died (any of the build's shards).
    assert re.match(r"Pagefind \(search shard (site|[a-z0-9-]+)\) was killed by SIGKILL while ", message), message
    assert "out-of-memory" in message and "\n" not in message
    assert seconds < 5, f"the build noticed the dead Pagefind after {seconds:.1f} s"
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []
    assert pagefind_children() == []


def test_a_killed_pagefind_inside_an_event_loop(tmp_path, published):
    # A server or a browser test calls the build from inside an event loop: the index
    # then runs on a thread of its own, supervised the same way.
    out, before = published
    site = tmp_path / "site"
    shutil.copytree(out, site, ignore=shutil.ignore_patterns("pagefind"))
    threading.Thread(target=lambda: os.kill(wait_for(pagefind_children)[0], signal.SIGKILL),
                     daemon=True).start()

    async def in_a_loop() -> None:
        build_index(site)

    start = time.monotonic()
    with pytest.raises(IndexError_, match=r"Pagefind \(search shard site\) was killed by SIGKILL"):
        asyncio.run(in_a_loop())
    assert time.monotonic() - start < 5
    assert pagefind_children() == []


def test_cli_reports_a_killed_pagefind_in_one_line(tmp_path, small, published):
    out, before = published
    proc = cli("--content", str(small), "--out", str(out))
    pid = wait_for(lambda: pagefind_children(proc.pid))[0]
    os.kill(pid, signal.SIGKILL)
    start = time.monotonic()
    stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - start < 5
    assert proc.returncode == 3
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Pagefind (search shard " in errors[0] and ") was killed by SIGKILL" in errors[0], stderr
    assert "Traceback" not in stderr
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def fake_pagefind(tmp_path: Path, monkeypatch, script: str) -> None:
    """A real process in Pagefind's place (the wrapper honours PAGEFIND_BINARY_PATH)."""
    binary = tmp_path / "fake-pagefind"
    binary.write_text(f"#!{sys.executable}\n{script}\n")
    binary.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))


@pytest.mark.parametrize("script, budget, expected", [
    ("import sys; sys.exit(3)", None, "Pagefind (search shard site) exited with status 3 while starting: build again"),
    ("import time; time.sleep(60)", Budget(seconds=1),
     "Pagefind (search shard site) did not finish within its time budget of 1 s while starting: raise --index-timeout"),
    ("import time; x = bytearray(300 << 20); time.sleep(60)", Budget(memory_mib=100),
     "Pagefind (search shard site) used more than its memory budget of 100 MiB while starting: raise --index-memory"),
    ("import sys; sys.stdout.write('panicked at oops,'); sys.stdout.flush(); input()", None,
     "Pagefind (search shard site) stopped answering (unreadable reply: Error) while starting"),
])
def test_a_failing_or_runaway_pagefind_stops_within_seconds(tmp_path, monkeypatch, script,
                                                            budget, expected):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>x</body></html>")
    fake_pagefind(tmp_path, monkeypatch, script)
    start = time.monotonic()
    with pytest.raises(IndexError_) as caught:
        build_index(site, budget)
    assert time.monotonic() - start < 5
    assert str(caught.value).startswith(expected)
    assert pagefind_children() == []  # killed and reaped


def test_a_missing_pagefind_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere"))
    with pytest.raises(IndexError_, match=r"Pagefind \(search shard site\) could not be started: .*scripts/setup.sh"):
        build_index(tmp_path)


# ------------------------------------------------------------------ signals and leftovers

@pytest.mark.parametrize("when, how", [("render", "SIGTERM"), ("index", "SIGTERM"),
                                       ("index", "Ctrl-C")])
def test_a_signal_removes_the_staging_folder(tmp_path, when, how):
    content = copy_content(SAMPLE, tmp_path / "content")
    out = tmp_path / "out"
    build(content, out, today=TODAY, index=False)
    before = snapshot(out)
    proc = cli("--content", str(content), "--out", str(out), start_new_session=True)
    if when == "render":
        wait_for(lambda: leftovers(tmp_path))
    else:
        pagefind = wait_for(lambda: pagefind_children(proc.pid))[0]
    if how == "SIGTERM":  # docker stop, a cancelled CI job: to the build only
        proc.send_signal(signal.SIGTERM)
    else:  # Ctrl-C in a terminal: to the whole process group, Pagefind included
        os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    signum = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
    assert proc.returncode == 128 + signum, stderr
    assert stderr.strip().endswith(f"interrupted: the site was not built; {out} is unchanged")
    assert "Traceback" not in stderr
    assert leftovers(tmp_path) == []
    assert snapshot(out) == before
    if when == "index":
        assert not alive(pagefind)


def test_a_crashed_builds_leftovers_are_removed_by_the_next_build(tmp_path, small, published):
    out, _ = published
    proc = cli("--content", str(small), "--out", str(out))
    wait_for(lambda: pagefind_children(proc.pid))
    proc.kill()  # the build itself is killed: nothing can clean up
    proc.communicate(timeout=30)
    crashed = leftovers(tmp_path)
    assert len(crashed) == 1 and crashed[0].startswith(".out.tmp-")
    # An old output left by a crash during the swap, and folders that are not ours.
    old = tmp_path / ".out.old-abcd1234"
    shutil.copytree(out, old / "out")
    foreign = tmp_path / ".out.tmp-notours1"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    other = tmp_path / ".other.tmp-abcd1234"  # beside another output
    other.mkdir()
    (other / MARKER).write_text("")
    busy = tmp_path / ".out.tmp-running1"  # a build that is running now holds its folder
    busy.mkdir()
    (busy / MARKER).write_text("")
    fd = os.open(busy, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        build(small, out, today=TODAY)
    finally:
        os.close(fd)
    assert leftovers(tmp_path) == [".other.tmp-abcd1234", ".out.tmp-notours1",
                                   ".out.tmp-running1"]
    assert (foreign / "notes.txt").read_text() == "keep"


def test_an_interrupt_after_the_swap_keeps_the_new_site_and_removes_the_old(tmp_path, small,
                                                                          published):
    out, before = published
    (small / "services" / "station.yaml").write_text(
        (small / "services" / "station.yaml").read_text(encoding="utf-8").replace(
            "测试街道心理服务站", "改名后的服务站"), encoding="utf-8")

    def ctrl_c_then_discard(old):
        signal.raise_signal(signal.SIGINT)  # Ctrl-C while the old copy is being removed
        remove_tree(old)

    report = build(small, out, today=TODAY, discard=ctrl_c_then_discard)
    assert report.interrupted and report.leftover is None
    assert "改名后的服务站" in (out / "services" / "station" / "index.html").read_text("utf-8")
    assert leftovers(tmp_path) == []

    def ctrl_c_twice(old):
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)  # the second one abandons the removal
        remove_tree(old)

    report = build(small, out, today=TODAY, discard=ctrl_c_twice)
    assert report.interrupted and report.leftover is not None and report.leftover.exists()
    assert (out / "services" / "station" / "index.html").exists()
    publish._unlock(report.leftover)  # as when this process ends
    build(small, out, today=TODAY)
    assert leftovers(tmp_path) == []


def test_the_cli_says_the_new_site_is_live_after_a_late_interrupt(tmp_path, small):
    out = tmp_path / "out"
    code = ("import signal, sys; import site_builder.build as b; from site_builder.publish "
            "import remove_tree\n"
            "def late(old):\n    signal.raise_signal(signal.SIGTERM); remove_tree(old)\n"
            "real = b.build\nb.build = lambda *a, **k: real(*a, **{**k, 'discard': late})\n"
            "import site_builder.commands.build as c; c.build = b.build\n"
            "from site_builder.cli import main; sys.exit(main(sys.argv[1:]))")
    for _ in range(2):  # the second build replaces an output: there is an old copy
        result = subprocess.run([sys.executable, "-c", code, "build", "--content", str(small),
                                 "--out", str(out)], env=ENV, cwd=ROOT, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"built {out}: ")
        assert f"interrupted after the new site was published: {out} is the new site" \
            in result.stderr
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ symlinks, mounts, modes

@pytest.mark.parametrize("relative", [False, True])
def test_a_symlinked_output_updates_its_target(tmp_path, small, relative):
    web_root = tmp_path / "srv" / "www" / "xinli"
    web_root.mkdir(parents=True)
    link = tmp_path / "site"
    link.symlink_to(os.path.relpath(web_root, tmp_path) if relative else web_root)
    for name in ("第一版", "第二版"):
        station = small / "services" / "station.yaml"
        station.write_text(station.read_text(encoding="utf-8").replace(
            "测试街道心理服务站", name).replace("第一版", name), encoding="utf-8")
        build(small, link, today=TODAY)
        assert link.is_symlink() and link.resolve() == web_root.resolve()
        assert name in (web_root / "services" / "station" / "index.html").read_text("utf-8")
    assert (web_root / "pagefind" / "site" / "pagefind-entry.json").exists()
    assert leftovers(tmp_path) == [] and leftovers(web_root.parent) == []


@pytest.fixture
def tmpfs(tmp_path):
    """`tmpfs(path, size)` mounts a tmpfs there (skips when this user cannot mount)."""
    mounted: list[Path] = []

    def mount(path: Path, size: str = "20m") -> Path:
        path.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            _cannot(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_mount_point_output_gets_its_contents_swapped(tmp_path, small, tmpfs):
    volume = tmpfs(tmp_path / "volume")
    (volume / "lost+found").mkdir()  # what a fresh ext4 volume holds: not ours, kept
    for name in ("第一版", "第二版"):
        station = small / "services" / "station.yaml"
        station.write_text(station.read_text(encoding="utf-8").replace(
            "测试街道心理服务站", name).replace("第一版", name), encoding="utf-8")
        build(small, volume, today=TODAY, cache=tmp_path / "cache")  # incremental too
        assert os.path.ismount(volume)
        assert name in (volume / "services" / "station" / "index.html").read_text("utf-8")
        assert (volume / MARKER).exists() and (volume / "lost+found").is_dir()
        assert leftovers(volume) == [] and leftovers(tmp_path) == []
    assert stat.S_IMODE(volume.stat().st_mode) == 0o1777  # the mount's own mode is kept


def test_a_bind_mount_is_recognised(tmp_path, tmpfs):
    disk = tmpfs(tmp_path / "disk")
    (disk / "a").mkdir()
    (disk / "b").mkdir()
    if subprocess.run(["mount", "--bind", str(disk / "a"), str(disk / "b")]).returncode != 0:
        _cannot("cannot bind-mount here")
    try:
        assert not os.path.ismount(disk / "b")  # same file system: ismount cannot tell
        assert publish.is_mount(disk / "b")
    finally:
        subprocess.run(["umount", str(disk / "b")])


def test_contents_swap_without_a_mount(tmp_path, small, published, monkeypatch):
    # Where mounting is not allowed: a folder taken for a mount point runs the same path.
    out, before = published
    monkeypatch.setattr(publish, "is_mount", lambda path: Path(path) == out)
    (small / "articles").mkdir()
    (small / "articles" / "new.md").write_text("---\ntitle: 新文章\ndate: 2026-11-02\n---\n正文。\n",
                                              encoding="utf-8")
    build(small, out, today=TODAY)
    assert (out / "articles" / "new" / "index.html").exists()
    assert leftovers(out) == [] and leftovers(tmp_path) == []


def test_a_failed_contents_swap_puts_the_old_site_back(tmp_path, small, published, monkeypatch):
    out, before = published
    monkeypatch.setattr(publish, "is_mount", lambda path: Path(path) == out)
    real_rename, calls = Path.rename, []

    def busy_after_some(self, target):
        calls.append(self)
        if len(calls) == 6:  # the old site is half moved aside
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(self))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", busy_after_some)
    with pytest.raises(PublishError, match=f"could not replace {out}: Device or resource busy"):
        build(small, out, today=TODAY, index=False)
    monkeypatch.setattr(Path, "rename", real_rename)
    assert snapshot(out) == before
    assert leftovers(out) == [] and leftovers(tmp_path) == []


def test_an_unrecognised_mount_fails_clearly_and_keeps_the_site(tmp_path, small, published,
                                                               monkeypatch):
    out, before = published
    real_rename = Path.rename

    def busy(self, target):
        if Path(self) == out:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(self))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", busy)
    with pytest.raises(PublishError, match="Device or resource busy .*mount point"):
        build(small, out, today=TODAY, index=False)
    assert snapshot(out) == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("mask, folders, files", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_the_output_is_readable_by_the_web_server(tmp_path, mask, folders, files):
    content = write_content(tmp_path, {"media/private.pdf": b"%PDF-1.4\n"})
    (content / "media" / "private.pdf").chmod(0o600)  # an editor's private file
    previous = os.umask(mask)
    try:
        build(content, tmp_path / "out", today=TODAY, index=mask == 0o022)
    finally:
        os.umask(previous)
    out = tmp_path / "out"
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.lstat().st_mode)
             for p in [out, *out.rglob("*")]}
    assert "media/private.pdf" in modes and "static/style.css" in modes
    wrong = {p: oct(m) for p, m in modes.items()
             if m != (folders if (out / p).is_dir() else files)}
    assert wrong == {}


# ------------------------------------------------------------------ the output's place

@pytest.mark.parametrize("where, expected", [
    ("content/media/site", "is inside the content folder"),
    ("link-into-content", "is inside the content folder"),  # a symlink into it
    ("content", "would replace the content folder"),
    (".", "would replace the content folder"),
    ("content/..", "would replace the content folder"),
    ("templates-site", "is inside the templates folder"),
])
def test_the_output_is_never_inside_or_around_an_input(tmp_path, small, where, expected):
    (small / "media").mkdir()
    (tmp_path / "link-into-content").symlink_to(small / "media")
    out = ROOT / "templates" / "site" if where == "templates-site" else tmp_path / where
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--content",
                             str(small), "--out", str(out)], env=ENV, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: the output folder ") and expected in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert list((small / "media").iterdir()) == []
    assert not (ROOT / "templates" / "site").exists()
    assert leftovers(tmp_path) == [] and leftovers(small) == []


def test_an_output_inside_the_content_is_refused_before_any_work(tmp_path, small):
    with pytest.raises(Abort, match="is inside the content folder .*publish the last one "
                                    "inside itself"):
        build(small, small / "media" / "site", today=TODAY)
    assert not (small / "media").exists()


# ------------------------------------------------------------------ a full disk

def test_a_full_disk_while_rendering_names_the_folder(tmp_path, tmpfs):
    disk = tmpfs(tmp_path / "disk", "256k")
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--content",
                             str(SAMPLE), "--out", str(disk / "out")], env=ENV, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 4
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: no space left on device in {disk} while writing the site (free some space "
        f"there, or choose another --out; {disk / 'out'} was not changed)")
    assert list(disk.iterdir()) == []


def test_a_full_disk_while_indexing_is_named_at_once(tmp_path, tmpfs):
    html = tmp_path / "html"
    build(SAMPLE, html, today=TODAY, index=False)
    # What the pages take on a tmpfs (whole 4 KiB pages; this folder's file system may
    # allocate more), plus less than the index needs (~1.8 MB for the sample).
    used = sum(-(-p.lstat().st_size // 4096) * 4 for p in html.rglob("*") if p.is_file())
    disk = tmpfs(tmp_path / "disk", f"{used + 400}k")  # the pages fit; the index does not
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--content",
                             str(SAMPLE), "--out", str(disk / "out")], env=ENV, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 4, result.stderr
    assert f"error: no space left on device in {disk} while indexing the site" in result.stderr
    assert time.monotonic() - start < 30  # was 60 s of waiting, then "Pagefind's files …"
    assert list(disk.iterdir()) == []


def test_a_full_disk_anywhere_is_named_not_an_empty_path(tmp_path, small, monkeypatch):
    # Where mounting is not allowed: the error as the kernel gives it, without a file name.
    real_open = os.open

    def full(path, flags, *args, **kwargs):  # how parallel.py writes every output
        if str(path).endswith("index.html") and flags & os.O_CREAT:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", full)
    with pytest.raises(PublishError) as caught:
        build(small, tmp_path / "out", today=TODAY, index=False)
    assert str(caught.value).startswith(f"no space left on device in {tmp_path} while writing")
    assert leftovers(tmp_path) == []
