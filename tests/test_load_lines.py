"""Line numbers as editors count them, whatever invisible characters a file holds.

PyYAML names only the first control character, and at line 1; it also breaks lines at
U+0085, U+2028 and U+2029, which an editor shows inside a line, so that one of them in a
quoted value shifted every later message by a line. Lines of `station.yaml` (conftest):
1 name, 2 kind, 3 region, 4 address, 5 location, 6 phones, 7 hours … 10 verified."""
from __future__ import annotations

import pytest

from conftest import article, as_tuples, only_error, service

PATH = "content/services/station.yaml"
SAID = "is not allowed (delete it; it often comes with text copied from a PDF or a word processor)"


def test_each_control_character_is_reported_at_its_own_line_and_column(run_check):
    report = run_check({"services/station.yaml": service(
        address='"测试市\x0c测试路 1 号"', phones='["0755-55500101\x1b"]', verified="2026-11-01\x7f")})
    assert as_tuples(report.problems.errors) == [
        (PATH, 4, "-", f"invisible character U+000C (form feed) in column 14 {SAID}"),
        (PATH, 6, "-", f"invisible character U+001B (escape) in column 24 {SAID}"),
        (PATH, 10, "-", f"invisible character U+007F (delete) in column 21 {SAID}"),
    ]


def test_a_file_full_of_control_characters_is_reported_briefly(run_check):
    lines = "".join(f"k{i}: \x01\n" for i in range(30))
    report = run_check({"services/station.yaml": service() + lines})
    errors = report.problems.errors
    assert [p.line for p in errors] == list(range(11, 21)) + [40]
    assert errors[-1].message == "20 more lines with invisible control characters (delete them)"


def test_control_characters_in_front_matter_are_at_their_file_line(run_check):
    report = run_check({"articles/a.md": article(front="title: 睡眠\x0b与失眠\ndate: 2026-11-01\n")})
    error = only_error(report)
    assert (error.path, error.line) == ("content/articles/a.md", 2)
    assert "U+000B (vertical tab) in column 10" in error.message


@pytest.mark.parametrize("char", ["\u2028", "\u2029"])
def test_a_line_separator_in_a_quoted_value_does_not_shift_later_lines(run_check, char):
    report = run_check({"services/station.yaml": service(
        name=f'"测试街道{char}心理服务站"', kind="clinc", verified="2026-13-01")})
    assert [(p.line, p.field) for p in report.problems.errors] == [(2, "kind"), (10, "verified")]


def test_a_line_separator_before_a_yaml_syntax_error(run_check):
    """The same line as without the separator (libyaml notices the unclosed list of
    line 7 at the next key)."""
    plain = only_error(run_check({"services/station.yaml": service(hours="[unclosed")}))
    report = run_check({"services/station.yaml": service(name='"甲\u2028乙"', hours="[unclosed")})
    error = only_error(report)
    assert (error.line, error.message) == (plain.line, plain.message) == (8, plain.message)
    assert error.message.startswith("YAML syntax error")


def test_a_line_separator_in_front_matter_does_not_shift_body_lines(run_check):
    report = run_check({"articles/a.md": article(
        front='title: "睡眠\u2028与失眠"\ndate: 2026-11-01\nsummary: [1\n')})
    error = only_error(report)
    assert (error.path, error.line) == ("content/articles/a.md", 5)


def test_next_line_u0085_is_named_not_misread_as_a_line_break(run_check):
    report = run_check({"services/station.yaml": service(address="测试市\x85测试路")})
    assert as_tuples(report.problems.errors) == [
        (PATH, 4, "-", f"invisible character U+0085 (next line) in column 13 {SAID}")]


def test_control_characters_in_a_markdown_body_are_reported_not_published(run_check):
    """They went into the HTML as they were (the Nu checker calls them errors)."""
    report = run_check({"articles/a.md": article(body="第一行\n\n第二\x0c行 \x1b[31m红\n")})
    assert as_tuples(report.problems.errors) == [
        ("content/articles/a.md", 7, "-", f"invisible character U+000C (form feed) in column 3 {SAID}")]  # 1-4 front matter
