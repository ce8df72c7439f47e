"""Edit one YAML record in place: load it keeping comments, key order and layout, set or
remove fields, and write it back only when its text changed.

ruamel.yaml's round trip keeps comments, quotes and flow/block styles; the indentation of
block sequences (`- ` at the key's column or two spaces in) is one setting for the whole
file, so the setting that reproduces the file unchanged is chosen when it is loaded. New
values are written the way `imports/yamlout.py` writes new records: strings that YAML 1.1
(the loader's) would read as something else are double-quoted, lists of words in flow
style, `hours` as a block of quoted ranges. Used by `import xlsx`, `import stale` and
`verify`.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
try:  # only the editing commands need it: `check` and `build` run without it
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
except ModuleNotFoundError:  # an environment set up before this dependency: _need() says so
    YAML = None  # type: ignore[assignment,misc]

from .imports.yamlout import ORDER
from .messages import M

_LAYOUTS = ((2, 4, 2), (2, 2, 0))
"""(mapping, sequence, offset) indents tried in turn: `- ` two spaces in (the house style,
also for new lists in a file that has none), or under the key."""
ALWAYS_QUOTED = {"hours", "phones"}
"""Fields whose strings are always quoted (times and numbers that YAML would read as numbers)."""


class EditError(Exception):
    """The file cannot be edited (not YAML, not a mapping)."""


def _need() -> None:
    if YAML is None:
        raise EditError(M("edit.no_ruamel", "ruamel.yaml is not installed, which editing records "
                          "in place needs (run bash scripts/setup.sh, or pip install -e .)"))


def _yaml(layout: tuple[int, int, int]) -> YAML:
    _need()
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    return y


def _dump(y: YAML, data: Any) -> str:
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


_BLOCK_ITEM = re.compile(r"^( *)- ", re.M)


def layout_of(text: str) -> tuple[int, int, int]:
    """The indentation of the file's block sequences: `- ` two spaces in from its key
    (the house style, also when the file has no block sequence) or under it."""
    for m in _BLOCK_ITEM.finditer(text):
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        key_indent = len(before) - len(before.lstrip(" "))
        if before.rstrip().endswith(":") and len(m[1]) == key_indent:
            return _LAYOUTS[1]
        return _LAYOUTS[0]
    return _LAYOUTS[0]


def _plain_safe(text: str) -> bool:
    """True when YAML 1.1 (PyYAML, the loader) reads `text` unquoted as the same string."""
    if not text or text != text.strip() or "\n" in text or text[0] in "\"'&*!|>%@`{[-?:#,":
        return False
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        return False


def styled(value: Any, key: str | None = None, top: bool = True) -> Any:
    """A plain Python value as ruamel nodes in the content files' house style."""
    if isinstance(value, str):
        if "\n" in value and key not in ALWAYS_QUOTED and top and value == value.strip() \
                and not any(line != line.rstrip() for line in value.split("\n")):
            return LiteralScalarString(value + "\n")  # `description: |` and its lines
        if key in ALWAYS_QUOTED or not _plain_safe(value):
            return DoubleQuotedScalarString(value)
        return value
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            m[k] = styled(v, key, top=False)
        if not (top and key == "hours"):
            m.fa.set_flow_style()
        return m
    if isinstance(value, (list, tuple)):
        s = CommentedSeq(styled(v, key, top=False) for v in value)
        if not any(isinstance(v, dict) for v in value):
            s.fa.set_flow_style()
        return s
    return value


def plain(value: Any) -> Any:
    """ruamel nodes as plain Python values (for comparing)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


class Record:
    """One YAML mapping file, edited in place."""

    def __init__(self, path: Path, text: str, data: CommentedMap, layout: tuple[int, int, int]):
        self.path, self.original, self.data, self._layout = path, text, data, layout
        self._dirty = False

    @classmethod
    def load(cls, path: Path) -> "Record":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise EditError(M("edit.unreadable", "{path}: cannot be read ({what})", path=path,
                              what=exc)) from None
        return cls.parse(path, text)

    @classmethod
    def parse(cls, path: Path, text: str) -> "Record":
        layout = layout_of(text)
        try:
            data = _yaml(layout).load(text)
        except YAMLError as exc:
            raise EditError(M("edit.bad_yaml", "{path}: not valid YAML ({what}); fix it first "
                              "(`site-builder check`)", path=path,
                              what=str(exc).splitlines()[0])) from None
        if not isinstance(data, CommentedMap):
            raise EditError(M("edit.not_mapping", "{path}: is not a mapping of `key: value` lines",
                              path=path))
        return cls(path, text, data, layout)

    def get(self, key: str, default: Any = None) -> Any:
        return plain(self.data.get(key, default))

    def set(self, key: str, value: Any) -> bool:
        """Set `key` (kept in place, or inserted where the content format orders it);
        nothing is touched when the value is already equal. True when changed."""
        if key in self.data and plain(self.data[key]) == plain(value):
            return False
        node = styled(value, key)
        self._dirty = True
        if key in self.data:
            self.data[key] = node
            return True
        rank = {k: i for i, k in enumerate(ORDER)}
        mine = rank.get(key, len(ORDER))
        keys = list(self.data.keys())
        position = len(keys)
        for i, k in enumerate(keys):
            if rank.get(k, len(ORDER)) > mine:
                position = i
                break
        self.data.insert(position, key, node)
        return True

    def delete(self, key: str) -> bool:
        if key not in self.data:
            return False
        del self.data[key]
        self._dirty = True
        return True

    @property
    def text(self) -> str:
        return _dump(_yaml(self._layout), self.data) if self._dirty else self.original

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def save(self) -> bool:
        """Write the file when its text changed (atomically); True when written."""
        text = self.text
        if text == self.original:
            return False
        write_atomic(self.path, text)
        self.original = text
        return True


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file beside it (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_text(fields: dict, header: str | None = None) -> str:
    """A new record's text in the house style: keys in the content format's order, a
    comment line on top."""
    _need()
    data = CommentedMap()
    keys = [k for k in ORDER if k in fields] + [k for k in fields if k not in ORDER]
    for key in keys:
        data[key] = styled(fields[key], key)
    if header:
        data.yaml_set_start_comment(header)
    return _dump(_yaml(_LAYOUTS[0]), data)
