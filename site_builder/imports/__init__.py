"""Importers: other formats in, service records of the content format out (hsds)."""
