"""The Node and Java tools of the quality gates, installed by `scripts/setup.sh test`
into node_modules/ from package.json and package-lock.json (`npm ci`)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"


def require(path: Path, program: str) -> str:
    """The program to run `path` with; skips where a tool is missing, except in CI,
    where that is a failure (`.ci/run` installs them through scripts/setup.sh test)."""
    runner = shutil.which(program)
    missing = [str(p) for p, ok in ((path, path.exists()), (Path(program), runner)) if not ok]
    if missing:
        message = f"{', '.join(missing)} missing (bash scripts/setup.sh test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return runner
