"""Write one service record as YAML that the loader reads back exactly: every string
double-quoted (so times, `yes`, `no` and numbers-looking text stay text), dates bare,
keys in the content format's order, a comment line on top."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

ORDER = ("name", "kind", "region", "address", "location", "phones", "website", "email",
         "wechat", "other_contacts", "hours", "hours_note", "audiences", "services", "cost",
         "booking", "languages", "accessibility", "operator", "description", "verified",
         "closed", "stats", "translations")


def phone_entry(number: str, ext: str | None = None, label: str | None = None) -> str | dict:
    """A `phones` list item: the plain number, or `{number, ext?, label?}` when it has more."""
    if not ext and not label:
        return number
    entry: dict = {"number": number}
    if ext:
        entry["ext"] = ext
    if label:
        entry["label"] = label
    return entry


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "null"
    return json.dumps(str(value), ensure_ascii=False)


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def record_yaml(record: dict, header: str) -> str:
    lines = [f"# {header}"]
    keys = [k for k in ORDER if k in record] + [k for k in record if k not in ORDER]
    for key in keys:
        value = record[key]
        if key == "hours" and isinstance(value, dict) or key == "translations":
            lines.append(f"{key}:")
            lines += [f"  {k}: {flow(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and any(isinstance(v, dict) for v in value):
            lines.append(f"{key}:")
            lines += [f"  - {flow(v)}" for v in value]
        else:
            lines.append(f"{key}: {flow(value)}")
    return "\n".join(lines) + "\n"
