"""Languages of the published site: one content tree, one edition per UI language.

The default language (site.yaml `language`, Simplified Chinese) is at the site's root;
each extra language of site.yaml `languages` is an *edition* under its own prefix
(`zh-hant/`, `en/`), rendered from the same model by the same templates:

* `editions.py`: which editions a site has, their prefixes, `<html lang>` and labels;
* `catalog.py`: the UI strings. A string is written in the code and templates in
  Simplified Chinese (`_("服务时间")`, gettext's msgid); English comes from
  `site_builder/data/ui.en.yaml`, Traditional Chinese from OpenCC (`convert.py`), with
  `site_builder/data/ui.zh-Hant.yaml` for the few strings a human words otherwise;
* `localize.py`: the model in one language (a record's `translations`, converted text,
  or the default text marked as such).

`_()` reads the language being rendered (`use(lang)`), set once per render job, so the
helpers that make text in Python (hours, dates, phone names) speak the page's language.
"""
from __future__ import annotations

from .catalog import _, current, translate, use
from .editions import Edition, editions, split

__all__ = ["_", "current", "translate", "use", "Edition", "editions", "split"]
