"""The services as a spreadsheet, both ways: columns and cell forms (columns.py, cells.py),
workbook files (workbook.py), export (export.py), import into records in place (apply.py),
bulk verification (verify.py, stale.py)."""
