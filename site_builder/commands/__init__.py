"""One module per command-line verb (`build`, `check`, `serve`…), mkdocs-style.

Each module has `register(subparsers)`, which adds its parser and sets `func`.
Shared helpers for printing problems live in `common`.
"""
