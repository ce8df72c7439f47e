"""The sharded search index: which pages go into which Pagefind bundle (shards.py), and
running one supervised Pagefind process per bundle (bundle.py). Stage 6 is index.py."""
from .shards import (BUNDLES, DEFAULT_CAP, MANIFEST, SITE, ManifestError, Plan, Shard,
                     browser_shards, manifest, merge_manifests, plan, read_manifest,
                     site_pages, write_manifest)

__all__ = ["BUNDLES", "DEFAULT_CAP", "MANIFEST", "SITE", "ManifestError", "Plan", "Shard",
           "browser_shards", "manifest", "merge_manifests", "plan", "read_manifest",
           "site_pages", "write_manifest"]
