"""Stage 1, load: read the content folder into documents that remember lines.

Each YAML document is composed into PyYAML nodes (which carry their line) and
converted by hand into plain Python values, so that we can

* keep the line of every key and value for error messages,
* refuse the YAML traps that the standard constructor accepts silently:
  unquoted times (`13:30` is the base-60 integer 810), `yes`/`no`/`on`/`off`
  read as booleans, duplicate keys, anchors/aliases ("billion laughs"),
* leave dates as text, so that the validator parses every date the same way.

Nothing here knows the meaning of a field: that is `validate`'s job.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems
from .messages import M

try:  # libyaml's C parser is ~10x faster; fall back when it is not compiled in.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 1_000_000
"""A content file larger than this is refused (documented in docs/content.md)."""
MAX_DEPTH = 20
"""Deepest nesting of mappings/lists accepted in one YAML document."""
MAX_NODES = 100_000
"""Most YAML values accepted in one document."""
NESTING_GUARD = 1_000
"""libyaml composes nested collections by recursion in C: some 25,000 levels overflow the
stack and kill the process, and its time grows with the square of the depth before that.
A document with this many `[`/`{`, or a line with this many compact `- `/`? ` entries, is
first read as events (no recursion), and refused as soon as it nests past MAX_DEPTH."""
REGIONS_MAX_BYTES = 20_000_000
REGIONS_MAX_NODES = 2_000_000
"""regions.yaml of a province lists tens of thousands of communities (~90 bytes and
4 values each), so it gets limits of its own."""

_T = "tag:yaml.org,2002:"
_SUFFIXES_IGNORED = ("~", ".swp", ".swo", ".bak", ".tmp")
OS_DEBRIS = {"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", "__macosx"}
"""Files and folders that Windows and macOS leave behind (`._x` files are hidden files):
never published, never reported."""
MEDIA_TYPES = {
    "images": ("png", "jpg", "jpeg", "gif", "webp", "avif"),
    "documents": ("pdf", "txt", "csv", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
                  "odt", "ods", "odp"),
    "audio and video": ("mp3", "m4a", "wav", "ogg", "mp4", "webm"),
}
"""What media/ may hold: files a browser shows or downloads but never runs. HTML, SVG,
XML, JavaScript and the like are refused: served from the site itself, a script in them
would run with the site's address (its CSP is a meta element of generated pages only)."""
MEDIA_EXTENSIONS = frozenset(ext for group in MEDIA_TYPES.values() for ext in group)
_ACTIVE_HINTS = {
    "svg": M("media.hint_svg", "an SVG image can hold scripts: export it as PNG"),
    "svgz": M("media.hint_svg", "an SVG image can hold scripts: export it as PNG"),
    "html": M("media.hint_html", "put the text in an article or page (articles/*.md, pages/*.md)"),
    "htm": M("media.hint_html", "put the text in an article or page (articles/*.md, pages/*.md)"),
    "xhtml": M("media.hint_html", "put the text in an article or page (articles/*.md, pages/*.md)"),
}


class _Invalid:
    """Marks a value whose problem was already reported while loading."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()

Path_ = tuple  # a path into a document: ("hours", "mon-fri") or ("phones", 1)


@dataclass
class Doc:
    """One YAML document: its data, and the line of every key and value."""

    path: str
    """Path shown to the editor."""
    rel: str
    """Path relative to the content folder, with `/` separators."""
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)
    """The source text of scalars that YAML did not read as strings (for `phone: 12356`)."""

    def line(self, *path: Any) -> int:
        """Line of the value at `path`, or of its nearest enclosing value."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def key_line(self, *path: Any) -> int:
        """Line of the key at `path` (falls back to the value's line)."""
        return self.key_lines.get(tuple(path)) or self.line(*path)

    @property
    def stem(self) -> str:
        return Path(self.rel).name.split(".", 1)[0]


@dataclass
class MarkdownDoc:
    """A markdown file: front matter (a Doc) and the body below it."""

    front: Doc
    body: str
    body_line: int
    """File line of the body's first line (to turn body lines into file lines)."""

    @property
    def path(self) -> str:
        return self.front.path

    @property
    def rel(self) -> str:
        return self.front.rel

    @property
    def slug(self) -> str:
        return Path(self.rel).name.split(".", 1)[0]

    @property
    def lang(self) -> str | None:
        """`en` for `sleep.en.md`; None for the default language."""
        parts = Path(self.rel).name.split(".")
        return parts[1] if len(parts) == 3 else None


@dataclass
class MediaFile:
    rel: str
    """Path below `media/`, with `/` separators."""
    source: Path
    size: int


@dataclass
class RawContent:
    """Everything read from one content folder, not yet validated."""

    root: Path
    site: Doc | None = None
    regions: Doc | None = None
    holidays: Doc | None = None
    services: list[Doc] = field(default_factory=list)
    articles: list[MarkdownDoc] = field(default_factory=list)
    pages: list[MarkdownDoc] = field(default_factory=list)
    media: list[MediaFile] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)
    """Files of services/, articles/ and pages/ that could not be read (their problems are
    reported): links to them are not reported as pointing at nothing."""


def display_path(path: Path, root: Path) -> str:
    """The path an editor should see: relative to the working directory when
    the file is below it, otherwise relative to the content folder's parent."""
    path = path.absolute()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.relative_to(root.absolute().parent).as_posix()


class _Converter:
    """Turns a composed YAML node tree into Python values with line marks."""

    def __init__(self, doc: Doc, problems: Problems, line_offset: int, text: str,
                 max_nodes: int = MAX_NODES):
        self.doc = doc
        self.max_nodes = max_nodes
        self.problems = problems
        self.offset = line_offset
        self.text = text
        self.file_line = yaml_line_map(text)
        self.alias_lines: dict[tuple, int] | None = None
        self.seen: set[int] = set()
        self.count = 0
        self._constructor = yaml.constructor.SafeConstructor()

    def _err(self, node: yaml.Node, where: tuple, message: str) -> None:
        self.problems.error(self.doc.path, self.line(node), _field_name(where), message)

    def line(self, node: yaml.Node) -> int:
        return self.file_line(node.start_mark.line) + self.offset

    def convert(self, node: yaml.Node, where: tuple, depth: int) -> Any:
        self.count += 1
        self.doc.lines[where] = self.line(node)
        if self.count > self.max_nodes:
            if self.count == self.max_nodes + 1:
                self._err(node, where, M("yaml.too_many_values", "the file has too many values "
                                         "(at most {max:,})", max=self.max_nodes))
            return INVALID
        if id(node) in self.seen:
            # An alias shares the anchored node, whose marks are those of the anchor.
            if self.alias_lines is None:
                self.alias_lines = _alias_lines(self.text, self.offset, self.file_line)
            line = self.alias_lines.get(where, self.doc.lines[where])
            self.doc.lines[where] = line
            self.problems.error(self.doc.path, line, _field_name(where),
                                M("yaml.alias", "YAML aliases (*name) are not supported "
                                  "(write the value out in full)"))
            return INVALID
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self._err(node, where, M("yaml.too_deep", "nested too deeply (at most {max} levels)",
                                     max=MAX_DEPTH))
            return INVALID
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, where, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, where + (i,), depth + 1)
                    for i, item in enumerate(node.value)]
        return self._scalar(node, where)

    def _mapping(self, node: yaml.MappingNode, where: tuple, depth: int) -> Any:
        if node.tag not in (_T + "map",):
            self._err(node, where, M("yaml.tag", "YAML tag {tag!r} is not supported (remove it)",
                                     tag=node.tag))
            return INVALID
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._err(key_node, where, M("yaml.complex_key", "a key must be plain text (not a "
                                             "list or mapping)"))
                continue
            key = key_node.value
            if key == "<<" and key_node.tag == _T + "merge":
                self._err(key_node, where, M("yaml.merge_key", "YAML merge keys (<<) are not "
                                             "supported (write the keys out in full)"))
                continue
            if key in result:
                first = self.doc.key_lines.get(where + (key,), 0)
                self._err(key_node, where + (key,),
                          M("yaml.duplicate_key", "duplicate key {key!r} (already set on line "
                            "{line}; each key may appear once)", key=key, line=first))
                continue
            self.doc.key_lines[where + (key,)] = self.line(key_node)
            result[key] = self.convert(value_node, where + (key,), depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, where: tuple) -> Any:
        tag, text = node.tag, node.value
        if node.style in ("|", ">"):
            # A block scalar's text starts on the line after the indicator.
            self.doc.lines[where] += 1
        if tag == _T + "str":
            return text
        if tag == _T + "null":
            return None
        self.doc.raw[where] = text
        if tag in (_T + "int", _T + "float"):
            if ":" in text:
                minutes = self._constructor.construct_object(node)
                self._err(node, where, M("yaml.unquoted_time", "unquoted time {text} is read by "
                          "YAML as the number {minutes} (put times in quotes: \"{text}\")",
                          text=text, minutes=minutes))
                return INVALID
            try:
                return self._constructor.construct_object(node)
            except (ValueError, yaml.YAMLError):
                return text
        if tag == _T + "bool":
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            self._err(node, where, M("yaml.implicit_bool", "{text!r} is read by YAML as {value} "
                      "(write true or false for a yes/no setting, or quote text: \"{text}\")",
                      text=text, value="true" if text.lower() in ("yes", "on", "y") else "false"))
            return INVALID
        if tag == _T + "timestamp":
            return text  # dates and times are parsed by the validator
        self._err(node, where, M("yaml.tag", "YAML tag {tag!r} is not supported (remove it)",
                                 tag=tag))
        return INVALID


def _alias_lines(text: str, line_offset: int, file_line) -> dict[tuple, int]:
    """Line of every alias (`*name`), by its place in the document (as `Doc.lines`)."""
    found: dict[tuple, int] = {}
    stack: list[list] = []  # per open collection: [place, is mapping, key or index, expecting a key]

    def place() -> tuple | None:
        if not stack:
            return ()
        where, is_map, slot, expecting_key = stack[-1]
        return None if where is None or (is_map and expecting_key) else where + (slot,)

    def done(key: str | None = None) -> None:
        if stack:
            frame = stack[-1]
            if not frame[1]:
                frame[2] += 1
            elif frame[3]:
                frame[2], frame[3] = key, False
            else:
                frame[3] = True

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([place(), isinstance(event, yaml.MappingStartEvent), 0, True])
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            done()
        elif isinstance(event, yaml.AliasEvent):
            where = place()
            if where is not None:
                found.setdefault(where, file_line(event.start_mark.line) + line_offset)
            done()
        elif isinstance(event, yaml.ScalarEvent):
            done(event.value)
    return found


def _field_name(where: tuple) -> str:
    out = ""
    for part in where:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "-"


def read_text(path: Path, shown: str, problems: Problems,
              max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Read a UTF-8 text file, reporting size and encoding problems."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problems.error(shown, 0, "-", M("file.too_big", "file is {size:,} bytes (at most "
                           "{max:,} bytes for this file)", size=size, max=max_bytes))
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.error(shown, 0, "-", M("file.unreadable", "cannot be read: {why} (a readable "
                                        "file)", why=exc.strerror))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(shown, line, "-", M("file.not_utf8", "is not UTF-8 text (save the file "
                                           "as UTF-8)"))
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.error(shown, line, "-", M("file.nul", "contains a NUL character (plain UTF-8 "
                                           "text)"))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_YAML_ONLY_BREAKS = "\x85\u2028\u2029"
_YAML_BREAK = re.compile("[\n\x85\u2028\u2029]")


def yaml_line_map(text: str):
    """A function from PyYAML's 0-based line of a mark in `text` to the file line (1-based).

    PyYAML (and libyaml) also break lines at U+0085, U+2028 and U+2029, which editors show
    inside a line: one of them in a quoted value would shift every later line by one. Here
    lines are counted as editors count them, at `\n` only (`read_text` has turned `\r\n`
    and `\r` into `\n`)."""
    if not any(c in text for c in _YAML_ONLY_BREAKS):
        return lambda line: line + 1
    real = [1]  # the file line of each of PyYAML's lines
    for match in _YAML_BREAK.finditer(text):
        real.append(real[-1] + (match.group() == "\n"))
    return lambda line: real[min(max(line, 0), len(real) - 1)]


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_NAMES = {"\x08": M("noun.backspace", "backspace"),
                  "\x0b": M("noun.vertical_tab", "vertical tab"),
                  "\x0c": M("noun.form_feed", "form feed"), "\x1b": M("noun.escape", "escape"),
                  "\x7f": M("noun.delete", "delete"), "\x85": M("noun.next_line", "next line")}
MAX_CONTROL_REPORTS = 10
"""Lines with control characters reported per file (the rest are counted)."""


def _report_control_characters(text: str, shown: str, line_offset: int,
                               problems: Problems) -> bool:
    """Report each line that holds a character YAML refuses (or, U+0085, reads as a line
    break) at its own line and column; True when there was one. PyYAML would only name
    the first one, and at line 1."""
    reported: dict[int, int] = {}
    for match in _CONTROL.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        line = text.count("\n", 0, start) + 1 + line_offset
        if line in reported:
            continue
        reported[line] = 1
        if len(reported) > MAX_CONTROL_REPORTS:
            continue
        char = match.group()
        name = _CONTROL_NAMES.get(char) or M("noun.control_char", "a control character")
        problems.error(shown, line, "-", M("file.control_char", "invisible character "
                       "U+{code:04X} ({name}) in column {column} is not allowed (delete it; it "
                       "often comes with text copied from a PDF or a word processor)",
                       code=ord(char), name=name, column=match.start() - start + 1))
    if len(reported) > MAX_CONTROL_REPORTS:
        problems.error(shown, max(reported), "-", M("file.more_control_chars", "{count} more "
                       "lines with invisible control characters (delete them)",
                       count=len(reported) - MAX_CONTROL_REPORTS))
    return bool(reported)


_COMPACT = re.compile(r"^[ \t]*(?:(?:[-?:]|---)[ \t]+(?:[&!][^ \t\n]*[ \t]+)*){%d}"
                      % NESTING_GUARD, re.M)


def _too_deep(text: str) -> int | None:
    """Line of the first collection nested past MAX_DEPTH, found without composing
    (see NESTING_GUARD); None when the text cannot nest that deep or is not YAML."""
    if text.count("[") + text.count("{") < NESTING_GUARD and not _COMPACT.search(text):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH + 1:  # the root collection is level 0
                    return yaml_line_map(text)(event.start_mark.line)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # composing reports the syntax error with its context
    return None


BREAKER_NAMES = {"\t": M("noun.tab", "a Tab"),
                 "\u00a0": M("noun.nbsp", "a no-break space (U+00A0)"),
                 "\u3000": M("noun.ideographic_space", "a full-width space (U+3000)"),
                 "：": M("noun.fullwidth_colon", "a full-width colon (：)")}


def _name_breakers(text: str, shown: str, line_offset: int, problems: Problems) -> bool:
    """When YAML cannot read `text`: name each Tab, U+00A0, U+3000 in an indentation and
    each full-width colon after a key, at its line, instead of the scanner's message."""
    from .fixes.rewrite import breakers

    found = breakers(text)
    for line, key, char in found:
        name = BREAKER_NAMES[char]
        if key is None:
            message = M("yaml.breaker_indent", "{name} in the indentation breaks YAML (indent "
                        "with ordinary spaces; copied text often brings them)", name=name)
        else:
            message = M("yaml.breaker_after_key", "{name} after `{key}` breaks YAML (write "
                        "`{key}: ` with an ordinary colon and a space)", name=name, key=key)
        problems.error(shown, line + line_offset, "-", message)
    return bool(found)


_YAML_PHRASES = {
    # PyYAML's (libyaml's) words for what went wrong, as messages with a code (messages.py).
    "while scanning for the next token": M("yaml.while_token", "while scanning for the next token"),
    "while parsing a block mapping": M("yaml.while_block_mapping", "while parsing a block mapping"),
    "while parsing a block collection": M("yaml.while_block_collection",
                                          "while parsing a block collection"),
    "while scanning a simple key": M("yaml.while_simple_key", "while scanning a simple key"),
    "while scanning a quoted scalar": M("yaml.while_quoted", "while scanning a quoted scalar"),
    "while parsing a flow mapping": M("yaml.while_flow_mapping", "while parsing a flow mapping"),
    "while parsing a flow sequence": M("yaml.while_flow_sequence", "while parsing a flow sequence"),
    "while parsing a block node": M("yaml.while_block_node", "while parsing a block node"),
    "while parsing a flow node": M("yaml.while_flow_node", "while parsing a flow node"),
    "found character that cannot start any token": M("yaml.bad_character", "found character "
                                                     "that cannot start any token"),
    "did not find expected key": M("yaml.no_key", "did not find expected key"),
    "could not find expected ':'": M("yaml.no_colon", "could not find expected ':'"),
    "mapping values are not allowed in this context": M("yaml.colon_in_value", "mapping values "
                                                        "are not allowed in this context"),
    "mapping values are not allowed here": M("yaml.colon_in_value_here", "mapping values are "
                                             "not allowed here"),
    "found unexpected end of stream": M("yaml.end_of_stream", "found unexpected end of stream"),
    "did not find expected ',' or ']'": M("yaml.no_bracket", "did not find expected ',' or ']'"),
    "did not find expected ',' or '}'": M("yaml.no_brace", "did not find expected ',' or '}}'"),
    "did not find expected '-' indicator": M("yaml.no_dash", "did not find expected '-' indicator"),
    "did not find expected node content": M("yaml.no_content", "did not find expected node content"),
    "found unknown escape character": M("yaml.bad_escape", "found unknown escape character"),
}


def _yaml_phrase(text: str):
    """PyYAML's phrase as a message in the run's language (as it is when not known)."""
    return _YAML_PHRASES.get(text.strip(), text)


def parse_yaml(text: str, shown: str, rel: str, problems: Problems, line_offset: int = 0,
               max_nodes: int = MAX_NODES) -> Doc | None:
    """Compose one YAML document and convert it; None when it cannot be parsed."""
    doc = Doc(shown, rel, None)
    if _report_control_characters(text, shown, line_offset, problems):
        return None
    deep = _too_deep(text)
    if deep is not None:
        problems.error(shown, deep + line_offset, "-", M("yaml.too_deep", "nested too deeply (at "
                                                         "most {max} levels)", max=MAX_DEPTH))
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        if _name_breakers(text, shown, line_offset, problems):
            return None
        mark = exc.problem_mark or exc.context_mark
        line = (yaml_line_map(text)(mark.line) if mark else 1) + line_offset
        what = _yaml_phrase(exc.problem) if exc.problem else M("yaml.invalid", "invalid YAML")
        if exc.context:
            what = M("yaml.context_problem", "{context}, {problem}",
                     context=_yaml_phrase(exc.context), problem=what)
        problems.error(shown, line, "-", M("yaml.syntax", "YAML syntax error: {what} (check "
                       "indentation, colons and quotes on this line and the one above)", what=what))
        return None
    except (yaml.YAMLError, RecursionError) as exc:
        problems.error(shown, 1 + line_offset, "-", M("yaml.syntax_other", "YAML syntax error: "
                                                      "{what} (valid YAML)", what=str(exc)))
        return None
    if node is None:
        doc.data = None
        doc.lines[()] = 1 + line_offset
        return doc
    doc.data = _Converter(doc, problems, line_offset, text, max_nodes).convert(node, (), 0)
    return doc


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def parse_markdown(text: str, shown: str, rel: str, problems: Problems) -> MarkdownDoc | None:
    """Split `---` front matter from the body and parse the front matter."""
    match = _FRONT.match(text)
    if not match:
        problems.error(shown, 1, "-", M("markdown.no_front_matter", "missing front matter (the "
                       "file must start with a line `---`, then keys such as `title: …`, then a "
                       "line `---`)"))
        return None
    front = parse_yaml(match.group(1) or "", shown, rel, problems, line_offset=1)
    if front is None:
        return None
    if front.data is None:
        front.data = {}
    body_line = text[: match.end()].count("\n") + 1
    body = text[match.end():]
    _report_control_characters(body, shown, body_line - 1, problems)  # they would reach the HTML
    return MarkdownDoc(front, body, body_line)


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith(_SUFFIXES_IGNORED) or name.startswith("#") \
        or name.lower() in OS_DEBRIS


def refuse_link(path: Path, root: Path, problems: Problems) -> bool:
    """True, and an error at `path`, when `path` is a symbolic link. Links are never
    followed anywhere in the content folder: one would publish or read a file from
    outside it (a link to /etc, to a private folder, to another site's content)."""
    if not os.path.islink(path):
        return False
    problems.error(display_path(path, root), 0, "-", M("file.symlink", "is a symbolic link, "
                   "which is not followed (site-builder reads only files inside the content "
                   "folder: copy the file or folder itself here)"))
    return True


def _list_folder(root: Path, folder: str, ext: str, problems: Problems) -> list[Path]:
    base = root / folder
    if refuse_link(base, root, problems) or not base.is_dir():
        return []
    found = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        if _ignored(entry.name):
            continue
        path = Path(entry.path)
        shown = display_path(path, root)
        if refuse_link(path, root, problems):
            continue
        if entry.is_dir():
            problems.error(shown, 0, "-", M("file.folder_inside", "folders are not read inside "
                           "{folder}/ (put {ext} files directly in {folder}/)", folder=folder, ext=ext))
            continue
        if not entry.name.endswith(ext):
            stem, _, suffix = entry.name.rpartition(".")
            hint = M("file.hint_rename", "did you mean `{name}`?", name=f"{stem}{ext}") if stem \
                else M("file.hint_name_it", "name it `{name}`", name=f"{entry.name}{ext}")
            problems.error(shown, 0, "-", M("file.wrong_extension", "not a {ext} file ({hint})",
                                            ext=ext, hint=hint))
            continue
        found.append(path)
    return found


def load(root: Path, problems: Problems) -> RawContent:
    """Read every content file below `root` once. Problems go to `problems`."""
    raw = RawContent(root)

    def yaml_file(name: str) -> Doc | None:
        path = root / name
        if refuse_link(path, root, problems) or not path.exists():
            return None
        shown = display_path(path, root)
        big = name == "regions.yaml"
        text = read_text(path, shown, problems, REGIONS_MAX_BYTES if big else MAX_FILE_BYTES)
        return None if text is None else parse_yaml(
            text, shown, name, problems, max_nodes=REGIONS_MAX_NODES if big else MAX_NODES)

    for name, attr in (("site.yaml", "site"), ("regions.yaml", "regions"),
                       ("holidays.yaml", "holidays")):
        setattr(raw, attr, yaml_file(name))
        alt = root / name.replace(".yaml", ".yml")
        if alt.exists() and not (root / name).exists():
            problems.error(display_path(alt, root), 0, "-",
                           M("file.yml_extension", "not read (did you mean `{name}`?)", name=name))

    for path in _list_folder(root, "services", ".yaml", problems):
        shown = display_path(path, root)
        text = read_text(path, shown, problems)
        doc = parse_yaml(text, shown, f"services/{path.name}", problems) if text is not None else None
        if doc is not None:
            raw.services.append(doc)
        else:
            raw.unreadable.add(f"services/{path.name}")

    for folder, target in (("articles", raw.articles), ("pages", raw.pages)):
        for path in _list_folder(root, folder, ".md", problems):
            shown = display_path(path, root)
            text = read_text(path, shown, problems)
            md = parse_markdown(text, shown, f"{folder}/{path.name}", problems) if text is not None else None
            if md is not None:
                target.append(md)
            else:
                raw.unreadable.add(f"{folder}/{path.name}")

    raw.media = _media(root, problems)
    return raw


def _media(root: Path, problems: Problems) -> list[MediaFile]:
    """The files below media/ that may be published (MEDIA_TYPES); everything else is an
    error at its path, OS debris and hidden files are skipped."""
    media = root / "media"
    if refuse_link(media, root, problems) or not media.is_dir():
        return []
    allowed = "; ".join(f"{what}: {', '.join(exts)}" for what, exts in MEDIA_TYPES.items())
    found = []
    for dirpath, dirnames, filenames in os.walk(media):  # never follows links
        dirnames[:] = sorted(d for d in dirnames if not _ignored(d)
                             and not refuse_link(Path(dirpath) / d, root, problems))
        for name in sorted(filenames):
            if _ignored(name):
                continue
            path = Path(dirpath) / name
            if refuse_link(path, root, problems):
                continue
            shown = display_path(path, root)
            # Published and linked in NFC: macOS may store `é` as `e` + U+0301 (NFD), which
            # an editor's link, typed in NFC, would not find.
            rel = unicodedata.normalize("NFC", path.relative_to(media).as_posix())
            if "\\" in rel:  # a path separator on Windows
                problems.error(shown, 0, "-", M("media.backslash", "a backslash (\\) in a file "
                               "or folder name cannot be published (rename it)"))
                continue
            ext = name.rpartition(".")[2].lower() if "." in name else ""
            if ext not in MEDIA_EXTENSIONS:
                hint = _ACTIVE_HINTS.get(ext)
                hint = M("media.hint_sep", "{hint}; ", hint=hint) if hint else ""
                problems.error(shown, 0, "-", M("media.not_published", "`.{ext}` files are not "
                               "published from media/ ({hint}allowed: {allowed})", ext=ext,
                               hint=hint, allowed=allowed) if ext else
                               M("media.no_extension", "a file without an extension is not "
                                 "published from media/ ({hint}allowed: {allowed})", hint=hint,
                                 allowed=allowed))
                continue
            found.append(MediaFile(rel, path, path.stat().st_size))
    return found
