// Search page: Pagefind in the browser, with filters. The query and the filters live
// in the page URL (?q=…&kind=clinic&open=1), so a search can be shared, reloaded and
// undone with Back. Without JavaScript the page offers the crisis lines and browsing links.
//
// Before Pagefind answers (or when it fails), the query is read against the site's
// search vocabulary (data-vocab, made from site_builder/data/search_vocab.yaml and
// site.yaml `search`): a risk word shows the crisis card first, a need word a link to its
// need page. Results are shown one by one as Pagefind has them.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var everywhere = document.getElementById("search-all") || document.createElement("button");
  var config = document.getElementById("search-config");
  var crisis = document.getElementById("search-crisis");
  var needBox = document.getElementById("search-needs");
  if (!form || !list || !config) return;
  var FILTERS = ["kind", "district", "street", "audience", "cost", "booking", "language", "access"];
  var PAGE = 20;          // results shown per step
  var FIRST = 4;          // results read first, before the rest of the first page
  var SCAN = 300;         // results read when sorting by distance or keeping open ones only
  var SLOW = 8000;        // ms: past this without Pagefind, say so and point to the links
  var pagefind = null, run = 0, pending = null, lastState = {};
  var vocab = { risk: [], needs: [] };
  try { vocab = JSON.parse(config.getAttribute("data-vocab") || "{}"); } catch (e) { /* keep the empty one */ }

  // The same normalisation and matching as site_builder/search_vocab.py.
  function normalise(text) {
    return (text || "").normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  function contains(query, word) {
    if (!word) return false;
    if (/[a-z0-9]/.test(word)) {
      var at = query.indexOf(word);
      while (at !== -1) {
        var before = query.charAt(at - 1), after = query.charAt(at + word.length);
        if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
        at = query.indexOf(word, at + 1);
      }
      return false;
    }
    return query.indexOf(word) !== -1;
  }
  function isRisk(q) {
    return (vocab.risk || []).some(function (w) { return contains(q, w); });
  }
  function needsIn(q) {
    return (vocab.needs || []).filter(function (n) {
      return n.words.some(function (w) { return contains(q, w); });
    });
  }

  // The index is split by area (site_builder/search/shards.py): the site-wide bundle
  // (need pages, hotlines, articles) is the primary one and always loaded; each area
  // bundle is merged in (Pagefind's mergeIndex) when a search needs it: all of them for a
  // search over everything, only the filtered area's for a district or street filter.
  // Each bundle keeps one index per page language; Pagefind picks the one of this
  // page's <html lang>, for the primary bundle and for every merged one alike.
  var SHARDS = [];
  try { SHARDS = JSON.parse(config.getAttribute("data-shards") || "[]"); } catch (e) { /* one bundle */ }
  var BASE = config.getAttribute("data-base") || "/";
  var OPTIONS = { excerptLength: 24, ranking: { pageLength: 0.3 } };
  var ENGINE = { noWorker: true };
  var SITE_WEIGHT = 0.5;
  var merged = {};
  // A search over everything answers first from the site bundle and the area bundles
  // the query's names are in (site_builder/search/route.py: pairs of Han characters →
  // shards), or, for need words found everywhere, from the first area bundle; the first
  // results are shown, the other bundles merged, and the full answer extends the list
  // (more results, the full count) without moving what is shown.
  var ROUTE = config.getAttribute("data-route") || "";
  var BUCKETS = parseInt(config.getAttribute("data-route-buckets") || "0", 10) || 0;
  var FIRST_AREAS = 1;    // area bundles searched first when the query names no place
  var ROUTED_MAX = 3;     // at most this many routed bundles come first, else the first one
  var ALL_AT_ONCE = 2;    // this many area bundles or fewer: all searched at once (a name
                          // found in both says nothing to the router, route.py)
  var buckets = {};
  // The first results of the words the site knows (site_builder/search/instant.py: the
  // name of a service or an area, a need word, a kind of service), in small files by a
  // hash of the whole query: shown before Pagefind answers, which then adds its own below.
  var TOP = config.getAttribute("data-top") || "";
  var TOP_BUCKETS = parseInt(config.getAttribute("data-top-buckets") || "0", 10) || 0;
  var tops = {};

  function load() {
    if (!pagefind) {
      pagefind = import(config.getAttribute("data-pagefind")).then(function (pf) {
        // A lower pageLength weight keeps short pages from outranking the service a
        // query names exactly (measured on tests/test_search_help.py's queries).
        // The site-wide bundle is small, so a word rare in it (an area's name in one
        // article) scores high there against the same word in an area bundle, where it is
        // common: its scores count less (indexWeight; measured on the ranking table).
        return pf.options(Object.assign({ indexWeight: SHARDS.length > 1 ? SITE_WEIGHT : 1 }, ENGINE, OPTIONS))
          .then(function () { return pf.init ? pf.init() : null; }) // worker, WebAssembly, entry: now, not after Enter
          .then(function () { return pf; });
      });
      pagefind.catch(function () { pagefind = null; merged = {}; }); // a later search tries again
    }
    return pagefind;
  }

  // The area shards a search needs: those of the filtered street or district, else all.
  function shardsFor(filters) {
    var ids = null;
    ["street", "district"].forEach(function (k) {
      if (ids || !filters[k] || !form.elements[k]) return;
      var options = form.elements[k].options;
      for (var i = 0; i < options.length; i++) {
        if (options[i].value === filters[k]) {
          ids = (options[i].getAttribute("data-shards") || "").split(" ").filter(Boolean);
        }
      }
    });
    return SHARDS.slice(1).filter(function (s) { return !ids || ids.indexOf(s[0]) !== -1; });
  }

  // The router's files for the pairs of Han characters of `q` (route.py's `pairs`).
  function pairsOf(q) {
    var han = /[\u3400-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u, chars = Array.from(normalise(q)), found = [];
    for (var i = 0; i + 1 < chars.length; i++) {
      if (han.test(chars[i]) && han.test(chars[i + 1]) && found.indexOf(chars[i] + chars[i + 1]) === -1) {
        found.push(chars[i] + chars[i + 1]);
      }
    }
    return found;
  }
  function bucketOf(pair) {
    return (pair.codePointAt(0) * 65599 + pair.codePointAt(1)) % BUCKETS;
  }
  function routeFile(n) {
    if (!buckets[n]) {
      buckets[n] = fetch(ROUTE + n + ".json").then(function (r) {
        if (!r.ok) throw new Error("route " + n);
        return r.json();
      });
      buckets[n].catch(function () { delete buckets[n]; });
    }
    return buckets[n];
  }
  // The positions (in SHARDS) of the area shards holding every routed pair of `q`, or
  // null when the query names nothing the router knows (or the router is not there).
  function route(q) {
    var pairs = BUCKETS ? pairsOf(q) : [];
    if (!pairs.length) return Promise.resolve(null);
    return Promise.all(pairs.map(function (p) { return routeFile(bucketOf(p)); })).then(function (files) {
      var found = null;
      pairs.forEach(function (p, i) {
        var at = files[i][p];
        if (!at) return;
        found = found === null ? at.slice() : found.filter(function (x) { return at.indexOf(x) !== -1; });
      });
      return found && found.length ? found : null;
    }, function () { return null; });
  }

  function topBucket(key) { // instant.py's `bucket`
    var h = 0;
    Array.from(key).forEach(function (ch) { h = (h * 65599 + ch.codePointAt(0)) % 4294967296; });
    return h % TOP_BUCKETS;
  }
  // Filler words (search_vocab.yaml `fillers`: 怎么办, 在哪里, 电话), longest first; the
  // same as search_vocab.py's `strip_fillers` and `sought_need`.
  var FILLERS = (vocab.fillers || []).slice().sort(function (a, b) { return b.length - a.length; });
  function escaped(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  // `text` without `word`: a Chinese word wherever it stands (replaced by `glue`), a Latin
  // one as a whole word (`edge`: the characters a word may not touch).
  function without(text, word, glue, edge) {
    if (!/[a-z0-9]/.test(word)) return text.split(word).join(glue);
    return text.replace(new RegExp("(^|[^" + edge + "])" + escaped(word) + "(?![" + edge + "])", "g"), "$1 ");
  }
  function strip(text) {
    FILLERS.forEach(function (w) { text = without(text, w, "", "a-z0-9'"); });
    return normalise(text);
  }
  function needKey(need, district) {
    return "@" + (district || "") + "/" + need.url.split("/").filter(Boolean).pop();
  }
  // Does the query ask for this need alone: its words and filler words only
  // (睡不好怎么办, "i can't sleep", 打电话)? The length of the longest of its words found, else 0.
  function asks(q, n) {
    var rest = q, size = 0;
    n.words.slice().sort(function (a, b) { return b.length - a.length; }).forEach(function (w) {
      if (!contains(rest, w)) return;
      size = Math.max(size, w.length);
      rest = without(rest, w, " ", "a-z0-9");
    });
    return size && !strip(rest) ? size : 0;
  }
  // The need a sentence asks for (the longest word wins); `rank` needs (热线) have their
  // lines in the page already.
  function sought(q) {
    var best = null, size = 0;
    (vocab.needs || []).forEach(function (n) {
      var s = (n.top || []).length ? 0 : asks(q, n);
      if (s > size) { best = n; size = s; }
    });
    return best;
  }
  function topFile(n) {
    if (!tops[n]) {
      tops[n] = fetch(TOP + n + ".json").then(function (r) {
        if (!r.ok) throw new Error("top " + n);
        return r.json();
      });
      tops[n].catch(function () { delete tops[n]; });
    }
    return tops[n].then(function (table) { return table; }, function () { return {}; });
  }
  // The instant cards of `q`, [] if none. The keys tried, the first with cards wins (their
  // files are fetched at once): the need the query is a word of (instant.py's `need_key`;
  // with a district filter, within the district), else the whole normalised query; then
  // the query without its filler words (华林社区在哪里 → 华林社区); then the need a
  // sentence asks for (睡不好怎么办 → the sleep need).
  function instant(q, district) {
    var key = normalise(q), keys = [];
    var need = (vocab.needs || []).filter(function (n) { return n.words.indexOf(key) !== -1; })[0];
    if (need) keys.push(needKey(need, district));
    else if (!district && key) keys.push(key);
    var bare = key && strip(key);
    if (bare && bare !== key && !need) {
      var bareNeed = (vocab.needs || []).filter(function (n) { return n.words.indexOf(bare) !== -1; })[0];
      if (bareNeed) keys.push(needKey(bareNeed, district));
      else if (!district) keys.push(bare);
    }
    var asked = key && !need && sought(key);
    if (asked) keys.push(needKey(asked, district));
    keys = keys.filter(function (k, i) { return keys.indexOf(k) === i; });
    if (!keys.length || !TOP_BUCKETS) return Promise.resolve([]);
    return Promise.all(keys.map(function (k) { return topFile(topBucket(k)); })).then(function (tables) {
      for (var i = 0; i < keys.length; i++) {
        var cards = tables[i][keys[i]] || [];
        if (cards.length) { cards.named = keys[i].charAt(0) !== "@"; return cards; }
      }
      return [];
    });
  }

  // [first, rest]: the area shards to search before showing results, and those merged
  // afterwards. A district or street filter, distance order or "open now" take theirs at once.
  function stages(state, filters) {
    var areas = shardsFor(filters);
    if (filters.district || filters.street || state.sort || state.open || areas.length <= ALL_AT_ONCE) {
      return Promise.resolve([areas, []]);
    }
    return route(state.q).then(function (at) {
      var first = at && at.length <= ROUTED_MAX
        ? areas.filter(function (s) { return at.indexOf(SHARDS.indexOf(s)) !== -1; })
        : areas.slice(0, FIRST_AREAS);
      if (!first.length) first = areas.slice(0, FIRST_AREAS);
      return [first, areas.filter(function (s) { return first.indexOf(s) === -1; })];
    });
  }

  // The words Pagefind looks up for a query: as it splits them (Intl.Segmenter, the
  // page language), one search each.
  function termsOf(q) {
    if (!q || typeof Intl === "undefined" || !Intl.Segmenter) return [];
    var lang = document.documentElement.lang || "zh-CN", seen = {}, terms = [];
    try {
      Array.from(new Intl.Segmenter(lang, { granularity: "word" }).segment(q)).forEach(function (s) {
        var t = s.segment.trim();
        if (s.isWordLike && t && !seen[t]) { seen[t] = true; terms.push(t); }
      });
    } catch (e) { return []; }
    return terms;
  }

  // Pagefind drops a query word that its index does not hold at all. One index for the
  // whole site drops only words no page has; an area bundle would drop the name of a
  // place in another area and answer with every page matching the other words. So with
  // more than one bundle a result must hold each word that some bundle holds: each word
  // is searched alone (same index chunks, already loaded), and the answer is the
  // intersection, in the order of the whole query's scores.
  function everyWord(pf, q, options, found) {
    var terms = termsOf(q);
    if (SHARDS.length < 2 || terms.length < 2) return found;
    return Promise.all(terms.map(function (t) { return pf.search(t, options); })).then(function (each) {
      var sets = each.filter(function (r) { return r && r.results.length; }).map(function (r) {
        var ids = {};
        r.results.forEach(function (x) { ids[x.id] = true; });
        return ids;
      });
      found.results = found.results.filter(function (x) {
        return sets.every(function (ids) { return ids[x.id]; });
      });
      return found;
    });
  }

  // Pagefind, with the bundles of `shards` merged in (each merged once, then kept).
  function ready(shards) {
    return load().then(function (pf) {
      return Promise.all(shards.map(function (s) {
        if (!merged[s[0]]) {
          merged[s[0]] = pf.mergeIndex(BASE + s[1], OPTIONS);
          merged[s[0]].catch(function () { delete merged[s[0]]; });
        }
        return merged[s[0]];
      })).then(function () { return pf; });
    });
  }

  function stateFromUrl() {
    var params = new URL(window.location.href).searchParams, state = {};
    ["q", "sort", "open"].concat(FILTERS).forEach(function (k) { state[k] = params.get(k) || ""; });
    return state;
  }

  function fillForm(state) {
    Object.keys(state).forEach(function (k) {
      var field = form.elements[k];
      if (!field) return;
      if (field.type === "checkbox") field.checked = state[k] === "1";
      else field.value = state[k];
    });
    var active = FILTERS.concat(["sort", "open"]).some(function (k) { return state[k]; });
    if (active) document.getElementById("filters").open = true;
  }

  function urlFor(state) {
    var params = new URLSearchParams();
    Object.keys(state).forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function stateFromForm() {
    var state = {};
    ["q", "sort"].concat(FILTERS).forEach(function (k) {
      state[k] = form.elements[k] ? form.elements[k].value.trim() : "";
    });
    state.open = form.elements.open && form.elements.open.checked ? "1" : "";
    return state;
  }

  function isOpen(meta) {
    if (!window.SiteOpen || !meta.open) return false;
    var body = document.body;
    var s = window.SiteOpen.openState(JSON.parse(meta.open), JSON.parse(body.getAttribute("data-calendar")),
                                      Date.now(), body.getAttribute("data-tz"));
    return s.state === "open";
  }

  // Crisis card and need links: from the query alone, before Pagefind.
  function guide(q) {
    var nq = normalise(q);
    if (crisis) crisis.hidden = !(nq && isRisk(nq));
    if (!needBox) return [];
    needBox.textContent = "";
    var found = nq ? needsIn(nq).slice(0, 3) : [];
    found.forEach(function (n) {
      var li = document.createElement("li"), a = document.createElement("a");
      li.className = "need-card";
      a.href = n.url;
      a.textContent = n.title;
      li.appendChild(document.createTextNode(T("按需要找：")));
      li.appendChild(a);
      needBox.appendChild(li);
    });
    needBox.hidden = found.length === 0;
    return found;
  }

  // An area page is a result only when the query names the area.
  function wanted(data, nq, needUrls) {
    var meta = data.meta || {};
    if (meta.type === "area") {
      return (meta.names || "").split(" ").some(function (name) {
        return name.length >= 2 && nq.indexOf(normalise(name)) !== -1;
      });
    }
    if (meta.type === "need") return needUrls.indexOf(data.url) === -1;
    return true;
  }

  function item(data, metres) {
    var meta = data.meta || {};
    if (meta.kind && window.SiteNear) {
      return window.SiteNear.card({ url: data.url, name: meta.title, kind: meta.kind, area: meta.area,
        address: meta.address, open: meta.open, phone: meta.phone, tel: meta.tel }, metres);
    }
    var li = document.createElement("li"), a = document.createElement("a");
    li.className = "result";
    a.href = data.url;
    a.textContent = meta.title || data.url;
    li.appendChild(a);
    var p = document.createElement("p");
    p.className = "excerpt";
    if (meta.summary) {
      p.textContent = meta.summary; // areas and need pages: a sentence, not the hidden names
    } else if (data.excerpt) {
      p.innerHTML = data.excerpt; // Pagefind's excerpt: escaped text with <mark> around matches
    }
    if (p.textContent) li.appendChild(p);
    return li;
  }

  // Whole sentences, one msgid each (static/i18n.js): with the query or for filters alone.
  function describe(state, total, shown, partial) {
    var q = state.q, more = total > shown, p = {q: q, total: total, shown: shown};
    if (partial && !total) {
      status.textContent = T("正在搜索其他地区…");
      return;
    }
    if (partial) { // the first bundles only (see `stages`)
      status.textContent = q
        ? more ? T("在部分地区找到 {total} 条“{q}”的结果，显示前 {shown} 条。要看其他地区的结果，请选“在全部地区中搜索”或按地区筛选。", p)
          : T("在部分地区找到 {total} 条“{q}”的结果。要看其他地区的结果，请选“在全部地区中搜索”或按地区筛选。", p)
        : more ? T("在部分地区找到 {total} 条符合筛选条件的结果，显示前 {shown} 条。要看其他地区的结果，请选“在全部地区中搜索”或按地区筛选。", p)
          : T("在部分地区找到 {total} 条符合筛选条件的结果。要看其他地区的结果，请选“在全部地区中搜索”或按地区筛选。", p);
      return;
    }
    if (!total) {
      status.textContent = q ? T("没有找到“{q}”的结果。可以换个说法、减少筛选条件，按需要或地区浏览，或拨打页面顶部的热线。", p)
        : T("没有找到符合筛选条件的结果。可以换个说法、减少筛选条件，按需要或地区浏览，或拨打页面顶部的热线。", p);
      return;
    }
    status.textContent = q
      ? more ? T("找到 {total} 条“{q}”的结果，显示前 {shown} 条", p) : T("找到 {total} 条“{q}”的结果", p)
      : more ? T("找到 {total} 条符合筛选条件的结果，显示前 {shown} 条", p) : T("找到 {total} 条符合筛选条件的结果", p);
  }

  function append(node) {
    list.appendChild(node);
    if (window.SiteOpen) window.SiteOpen.apply(list);
  }

  // Progressive: results are read one step at a time and each shown as soon as it and
  // the ones before it are in (the first card does not wait for the twentieth).
  // The first few come alone (on a slow link twenty fragments at once would share it);
  // the rest of the first page follows at once (`first`).
  function stream(mine, source, state, size, first) {
    var nq = normalise(state.q), step = [];
    size = size || PAGE;
    while (step.length < size && source.next < source.results.length) {
      step.push(source.results[source.next++].data());
    }
    var start = list.children.length, chain = Promise.resolve();
    var later = source.later = source.later || [];
    // Without a name to rank by (filters alone, or a need word such as 抑郁), the services
    // of each page of results are shown reachable-now first (open, 24-hour, by appointment, closed by
    // next opening: SiteOpen.byReach); a query naming a service keeps relevance order.
    var batch = source.reach && window.SiteOpen ? [] : null;
    step.forEach(function (p) {
      chain = chain.then(function () { return p; }).then(function (d) {
        if (mine !== run) return;
        if (source.seen.indexOf(d.url) !== -1) { source.hit = true; return; } // shown before Pagefind answered
        if (!wanted(d, nq, source.needUrls)) { source.dropped += 1; return; }
        // Areas the query names come after the services and articles of this step; for a
        // need word (抑郁, 老人) the services come first, then the articles.
        var type = (d.meta || {}).type;
        if (type === "area" || (source.needUrls.length && type !== "service")) { later.push(d); return; }
        if (batch) { batch.push(d); return; }
        append(item(d)); // the status is told once per step: a live region read per card is noise
      });
    });
    return chain.then(function () {
      if (mine !== run) return;
      if (batch) {
        // The instant cards after the first are ordered with Pagefind's first page; the
        // first one stays where it was shown.
        var moved = (source.pinned || []).slice(1);
        source.pinned = null;
        window.SiteOpen.byReach(moved.concat(batch), openData).forEach(function (d) {
          append(d.li || item(d));
        });
        batch = null;
      }
      pending = source.next < source.results.length ? source : null;
      if (pending && first) return stream(mine, source, state, PAGE - size, false);
      // Held back until the page's services are in: areas the query names, and for a
      // need word the articles.
      later.sort(function (a, b) { return ((a.meta || {}).type === "area") - ((b.meta || {}).type === "area"); });
      later.forEach(function (d) { append(item(d)); });
      source.later = [];
      more.hidden = !pending;
      describe(state, (source.base || 0) + source.results.length - source.dropped, list.children.length,
               source.partial);
      if (source.asked && list.children[start]) list.children[start].querySelector("a").focus();
      source.asked = false;
    });
  }

  // Distance order and "open now" need every candidate first (up to SCAN).
  function scanAll(mine, found, state, here) {
    return Promise.all(found.results.slice(0, SCAN).map(function (x) { return x.data(); }))
      .then(function (datas) {
        if (mine !== run) return;
        var entries = datas.map(function (d) {
          var m;
          if (here && d.meta && d.meta.lat) {
            m = window.SiteNear.distance(here, { lat: parseFloat(d.meta.lat), lon: parseFloat(d.meta.lon) });
          }
          return { data: d, m: m };
        });
        var nq = normalise(state.q);
        entries = entries.filter(function (e) { return wanted(e.data, nq, []); });
        if (state.open === "1") entries = entries.filter(function (e) { return isOpen(e.data.meta || {}); });
        if (here) entries.sort(function (a, b) {
          return (a.m === undefined ? Infinity : a.m) - (b.m === undefined ? Infinity : b.m);
        });
        // Reachable now first, nearest first within each group (as "near me" does).
        if (state.sort !== "name" && window.SiteOpen) {
          entries = window.SiteOpen.byReach(entries, function (e) { return openData(e.data); });
        }
        var total = entries.length;
        if (state.open === "1" && !total && window.SiteNear) {
          window.SiteNear.nothingOpen(status, T("现在没有营业的结果。"));
        }
        var rest = entries.splice(PAGE);
        entries.forEach(function (e) { append(item(e.data, e.m)); });
        pending = rest.length ? { entries: rest } : null;
        more.hidden = !pending;
        describe(state, total, list.children.length);
      });
  }

  function showMore() {
    if (!pending) return;
    if (pending.entries) {
      var start = list.children.length, batch = pending.entries.splice(0, PAGE);
      batch.forEach(function (e) { append(item(e.data, e.m)); });
      if (!pending.entries.length) pending = null;
      more.hidden = !pending;
      describe(lastState, list.children.length + (pending ? pending.entries.length : 0), list.children.length);
      if (list.children[start]) list.children[start].querySelector("a").focus();
      return;
    }
    pending.asked = true; // "显示更多": focus the first new result
    stream(run, pending, lastState);
  }

  function openData(d) { return d && d.meta && d.meta.open; }

  function search(state, all) {
    var mine = ++run;
    lastState = state;
    everywhere.hidden = true;
    list.textContent = "";
    Array.prototype.forEach.call(document.querySelectorAll("[data-nothing-open]"), function (n) {
      n.parentNode.removeChild(n);
    });
    more.hidden = true;
    pending = null;
    var needs = guide(state.q);
    var filters = {};
    FILTERS.forEach(function (k) { if (state[k]) filters[k] = state[k]; });
    if (!state.q && !Object.keys(filters).length && !state.open) {
      status.textContent = "";
      list.classList.add("results-idle"); // nothing to wait for: no room kept (style.css)
      return Promise.resolve();
    }
    list.classList.remove("results-idle");
    status.textContent = T("正在搜索…");
    var answered = false;
    var slow = window.setTimeout(function () {
      if (mine === run && !answered) {
        status.textContent = T("搜索加载得太慢（超过 8 秒），还在继续。可以先按需要或地区浏览（见下方链接），或直接拨打热线。");
      }
    }, SLOW);
    var options = { filters: filters };
    if (state.sort === "name") options.sort = { name: "asc" };
    // Needs such as 热线 bring their first lines along (the site's crisis lines, then
    // 24-hour ones): shown at once as the first results, before Pagefind answers.
    var seen = [];
    if (!state.sort && !state.open && !Object.keys(filters).length && window.SiteNear) {
      // Only for a query that asks for the lines alone (热线, 打电话): 园岭街道心理服务站的电话
      // asks for a station's number, whose card comes first.
      needs.forEach(function (n) {
        if (!asks(normalise(state.q), n)) return;
        (n.top || []).forEach(function (s) {
          if (seen.indexOf(s.url) !== -1) return;
          seen.push(s.url);
          append(window.SiteNear.card(s));
        });
      });
    }
    var where = state.sort === "distance" && window.SiteNear ? window.SiteNear.locate() : Promise.resolve(null);
    var reach = !state.sort && (!state.q || needs.length > 0);
    var needUrls = needs.map(function (n) { return n.url; });
    // A query the site knows (a name, a need word): its first cards at once, kept first.
    var pinned = [], shown = Promise.resolve();
    var only = Object.keys(filters);
    if (!state.sort && !state.open && window.SiteNear && (!only.length || only.join() === "district")) {
      shown = instant(state.q, filters.district).then(function (cards) {
        if (mine !== run) return;
        var named = cards.named;
        cards = cards.filter(function (s) { return seen.indexOf(s.url) === -1; });
        if (reach && !named && window.SiteOpen) cards = window.SiteOpen.byReach(cards, function (s) { return s.open; });
        cards.forEach(function (s) {
          var li = window.SiteNear.card(s);
          seen.push(s.url);
          pinned.push({ url: s.url, li: li, meta: { open: JSON.stringify(s.open) } });
          append(li);
        });
      });
    }
    var rest = [], first = null;
    list.setAttribute("aria-busy", "true");
    var staged = load().then(function () { return all ? [shardsFor(filters), []] : stages(state, filters); });
    return Promise.all([staged.then(function (st) { rest = st[1]; return ready(st[0]); }),
                 where.catch(function () { return null; })]).then(function (r) {
      var pf = r[0], here = r[1];
      if (mine !== run) return;
      if (state.sort === "distance" && !here) status.textContent = T("无法获取你的位置，按相关度排列。");
      return pf.search(state.q || null, options).then(function (found) {
        return everyWord(pf, state.q, options, found);
      }).then(function (found) {
        answered = true;
        return shown.then(function () { return found; }); // below the instant cards
      }).then(function (found) {
        if (mine !== run) return;
        if (here || state.open === "1") return scanAll(mine, found, state, here);
        // Ordered by who can be reached now, a page is read whole before it is shown
        // (so the first card is the best one on it); by relevance, the first few alone.
        first = { results: found.results, next: 0, dropped: 0, seen: seen, needUrls: needUrls,
                  reach: reach, partial: rest.length > 0, pinned: pinned };
        return stream(mine, first, state, reach ? PAGE : FIRST, !reach);
      }).then(function () {
        if (mine !== run || !rest.length || !first) return;
        // Nothing found in the first bundles (not even a card shown before): search them
        // all at once. Otherwise the
        // other areas are searched when asked ("在全部地区中搜索"): a first query stays
        // within a few bundles however many areas the site has.
        if (list.children.length <= seen.length && !first.hit) return search(state, true);
        everywhere.hidden = false;
      });
    }).catch(function () {
      if (mine !== run) return;
      status.textContent = T("搜索暂时不可用。请按需要或地区浏览（见下方链接），或直接拨打页面顶部的热线。");
    }).then(function () { return shown; }).then(function () {
      window.clearTimeout(slow);
      if (mine === run) list.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var state = stateFromForm();
    window.history.pushState(state, "", urlFor(state));
    search(state);
  });
  form.addEventListener("change", function (event) {
    if (event.target.name !== "q") form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
  });
  // Start fetching Pagefind while the visitor is still typing: the engine and the site
  // bundle on focus (a district filter: its bundle too), and as words are typed the
  // bundles they will be searched in first.
  function warm() {
    var state = stateFromForm(), filters = {};
    FILTERS.forEach(function (k) { if (state[k]) filters[k] = state[k]; });
    var only = Object.keys(filters);
    if (!only.length || only.join() === "district") instant(state.q, filters.district);
    return stages(state, filters).then(function (st) {
      // Not Pagefind's preload of the words' index chunks: with a district filter it
      // fetched every chunk of the bundle for 失眠 (1.5 MB, bench/search_slow.py).
      return !state.q && !filters.district && !filters.street ? load() : ready(st[0]);
    }).catch(function () {});
  }
  var typed = null;
  if (form.elements.q) {
    form.elements.q.addEventListener("focus", function () { load().catch(function () {}); warm(); });
    form.elements.q.addEventListener("input", function () {
      guide(form.elements.q.value);
      window.clearTimeout(typed);
      typed = window.setTimeout(warm, 400);
    });
  }
  more.addEventListener("click", showMore);
  everywhere.addEventListener("click", function () {
    search(lastState, true).then(function () {
      var a = list.querySelector("li a");
      if (a) a.focus();
    });
  });
  window.addEventListener("popstate", function () {
    var state = stateFromUrl();
    fillForm(state);
    search(state);
  });
  // "Open now" needs the clock of this script: shown only where it runs.
  var openFilter = document.querySelector("[data-open-filter]");
  if (openFilter) openFilter.hidden = false;
  var initial = stateFromUrl();
  fillForm(initial);
  search(initial);
  // The search page is opened to search: the engine and the site bundle are fetched as
  // soon as the page has loaded, not only when the box gets focus (on a slow link the
  // chain pagefind.js → worker → entry → WebAssembly takes seconds).
  if (document.readyState === "complete") load().catch(function () {});
  else window.addEventListener("load", function () { load().catch(function () {}); });
})();
