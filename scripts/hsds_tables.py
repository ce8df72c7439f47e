"""Write site_builder/exports/hsds-3.0-tables.json: the table schemas of the HSDS 3.0
tables that the export fills, taken from HSDS's own JSON schemas (shared/data/hsds-3.0/
schema/*.json, CC BY-SA 4.0, © Open Referral) in Frictionless Table Schema form.

The builder ships this small file instead of reading the shared folder; the export's
datapackage.json is made from it. tests/test_hsds_export.py checks that it is what this
script makes from the shared schemas, so a change there cannot go unnoticed.

    .venv/bin/python scripts/hsds_tables.py [--schemas ../shared/data/hsds-3.0/schema]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from site_builder.exports.catalogue import HSDS_TABLES  # noqa: E402

OUT = ROOT / "site_builder" / "exports" / "hsds-3.0-tables.json"
DEFAULT_SCHEMAS = ROOT.parent / "shared" / "data" / "hsds-3.0" / "schema"
STRING_FORMATS = {"uuid", "email", "uri"}
"""Table Schema string formats; HSDS's others (`date-time`) become a field type."""


def table(schema: dict, tables: set[str]) -> dict:
    required = set(schema.get("required", [])) | set(schema.get("tabular_required", []))
    fields, foreign = [], []
    for name, prop in schema["properties"].items():
        if prop.get("type") in ("array", "object") or "$ref" in prop:
            continue  # nested objects: other tables in the tabular form
        field = {"name": name, "type": prop.get("datapackage_type") or prop["type"]}
        if prop.get("format") in STRING_FORMATS and "datapackage_type" not in prop:
            field["format"] = prop["format"]
        if prop.get("description"):
            field["description"] = prop["description"]
        constraints = {"required": name in required,
                       "unique": bool(prop.get("constraints", {}).get("unique"))}
        if prop.get("enum"):
            constraints["enum"] = prop["enum"]
        field["constraints"] = constraints
        fields.append(field)
        target = {"parent_organization_id": "organization",
                  "parent_id": "taxonomy_term"}.get(name, name[:-3] if name.endswith("_id") else "")
        if target in tables:
            foreign.append({"fields": name, "reference": {"resource": target, "fields": "id"}})
    out = {"name": schema["name"], "path": schema["path"], "profile": "tabular-data-resource",
           "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
           "schema": {"fields": fields, "primaryKey": "id"}}
    if foreign:
        out["schema"]["foreignKeys"] = foreign
    return out


def make(schemas: Path) -> list[dict]:
    return [table(json.loads((schemas / f"{name}.json").read_text(encoding="utf-8")),
                  set(HSDS_TABLES)) for name in HSDS_TABLES]


def text(schemas: Path) -> str:
    return json.dumps(make(schemas), ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--schemas", type=Path, default=DEFAULT_SCHEMAS)
    args = p.parse_args()
    OUT.write_text(text(args.schemas), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
