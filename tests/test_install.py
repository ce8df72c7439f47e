"""Installable like every other site generator: a wheel carries the templates and static
files, `site-builder init DIR` starts a content-only repository, and that builds.

Before, a regular install (`pip install .`, a wheel) shipped neither `templates/` nor
`static/`, and `site-builder build` stopped with "'home.html' not found"."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import yaml

from sitecheck import ROOT
from site_builder import __version__, cli, render
from site_builder.build import check

STARTED = [
    "content/articles/welcome.md", "content/holidays.yaml", "content/pages/about.md",
    "content/regions.yaml", "content/site.yaml", "content/services/district-a-street-a-station.yaml",
    ".github/workflows/site.yml", ".gitlab-ci.yml", ".gitignore",
]


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_init_writes_a_content_repository_that_checks_and_builds(tmp_path, monkeypatch, capsys):
    site = tmp_path / "xinli-content"
    assert cli.main(["init", str(site)]) == 0
    assert files(site) == sorted(STARTED)
    text = (site / "content/site.yaml").read_text(encoding="utf-8")
    assert "# 网站名称" in text and "base_url:" in text  # commented in Chinese
    for ci in (".github/workflows/site.yml", ".gitlab-ci.yml"):
        workflow = (site / ci).read_text(encoding="utf-8")
        assert f'SITE_BUILDER: "site-builder=={__version__}"' in workflow
        assert "site-builder build --content content --out build" in workflow
        yaml.safe_load(workflow)  # valid YAML
    capsys.readouterr()

    monkeypatch.chdir(site)  # the defaults (content, build) fit the new repository
    assert cli.main(["check"]) == 0
    report = check(site / "content")
    assert report.problems.errors == []
    # Only the placeholders the editor must fill in are warned about (and no coordinates).
    assert {w.field for w in report.problems.warnings} == {"name", "address", "location", "wechat", "operator"}
    assert cli.main(["build"]) == 0
    assert (site / "build/index.html").is_file() and (site / "build/articles/welcome/index.html").is_file()
    assert (site / "build/about/index.html").is_file()
    assert (site / "build/services/district-a-street-a-station/index.html").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert cli.main(["init", str(tmp_path)]) == 1
    assert "is not an empty folder and was not changed" in capsys.readouterr().err
    assert files(tmp_path) == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["init", str(empty)]) == 0  # an empty folder (a fresh clone) is fine
    assert files(empty) == sorted(STARTED)


def test_a_checkout_uses_its_top_level_folders_live():
    """`pip install -e .` (scripts/setup.sh): edits to templates/ and static/ show at once."""
    assert render.TEMPLATES == ROOT / "templates" and render.STATIC == ROOT / "static"


_NOT_SOURCES = {".git", ".venv", "node_modules", "build", ".cache", ".hypothesis", ".pytest_cache",
                "tests", "bench", "__pycache__", "site_builder.egg-info"}


def test_the_wheel_installed_outside_the_checkout_inits_and_builds(tmp_path):
    # Built from a copy: setuptools writes build/ beside pyproject.toml, the site's folder.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=lambda folder, names: [
        n for n in names if n in _NOT_SOURCES or n.endswith((".png", ".pyc"))])
    quiet = {"capture_output": True, "text": True, "timeout": 120}
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                           "--no-build-isolation", "--no-index", "-w", str(tmp_path / "dist")],
                          **quiet)
    assert done.returncode == 0, done.stdout + done.stderr
    wheel, = (tmp_path / "dist").glob("site_builder-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("site_builder/templates/home.html", "site_builder/templates/base.html",
                 "site_builder/static/style.css", "site_builder/static/open.js",
                 "site_builder/starter/content/site.yaml", "site_builder/starter/github-site.yml",
                 "site_builder/sheets/columns.py"):
        assert name in names, name

    # A fresh environment without the checkout: the wheel itself, and the pinned
    # dependencies of this one (already installed: no network) on its path after it.
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, **quiet)
    python = env_dir / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-index", str(wheel)], **quiet)
    assert done.returncode == 0, done.stdout + done.stderr
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, **quiet).stdout.strip())
    (purelib / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = subprocess.run([str(python), "-c", "import site_builder.render as r; print(r.TEMPLATES)"],
                           cwd=work, env=env, check=True, **quiet).stdout.strip()
    assert Path(where) == purelib / "site_builder" / "templates"  # not the checkout's
    tool = str(env_dir / "bin" / "site-builder")
    done = subprocess.run([tool, "init", "xinli"], cwd=work, env=env, **quiet)
    assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run([tool, "build"], cwd=work / "xinli", env=env, **quiet)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("built build: ") or "built build: " in done.stdout, done.stdout
    home = (work / "xinli/build/index.html").read_text(encoding="utf-8")
    assert "某某市社会心理服务地图" in home
    assert (work / "xinli/build/static/style.css").read_bytes() == (ROOT / "static/style.css").read_bytes()
