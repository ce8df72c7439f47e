// Search page: Pagefind in the browser, with filters. The query and the filters live
// in the page URL (?q=…&kind=clinic&open=1), so a search can be shared, reloaded and
// undone with Back. Without JavaScript the page offers browsing links instead.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var config = document.getElementById("search-config");
  if (!form || !list || !config) return;
  var FILTERS = ["kind", "district", "street", "audience", "cost", "booking", "language", "access"];
  var PAGE = 20;          // results shown per step
  var SCAN = 300;         // results read when sorting by distance or keeping open ones only
  var pagefind = null, run = 0, pending = [], lastTotal = 0, lastState = {};

  function load() {
    if (!pagefind) {
      pagefind = import(config.getAttribute("data-pagefind")).then(function (pf) {
        // A lower pageLength weight keeps short area pages from outranking the
        // service a query names exactly (measured on tests/test_browser.py's queries).
        return pf.options({ excerptLength: 24, ranking: { pageLength: 0.3 } }).then(function () { return pf; });
      });
    }
    return pagefind;
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
    if (data.excerpt) {
      var p = document.createElement("p");
      p.className = "excerpt";
      p.innerHTML = data.excerpt; // Pagefind's excerpt: escaped text with <mark> around matches
      li.appendChild(p);
    }
    return li;
  }

  function show(entries, total, state) {
    lastTotal = total;
    lastState = state;
    var start = list.children.length, batch = entries.splice(0, PAGE);
    batch.forEach(function (e) { list.appendChild(item(e.data, e.m)); });
    if (window.SiteOpen) window.SiteOpen.apply(list);
    pending = entries;
    more.hidden = pending.length === 0;
    var shown = list.children.length;
    var what = state.q ? "“" + state.q + "”" : "符合筛选条件";
    status.textContent = total
      ? "找到 " + total + " 条" + what + "的结果" + (total > shown ? "，显示前 " + shown + " 条" : "")
      : "没有找到" + what + "的结果。可以换个说法、减少筛选条件，或拨打页面顶部的热线。";
    if (start > 0 && list.children[start]) list.children[start].querySelector("a").focus();
  }

  function search(state) {
    var mine = ++run;
    list.textContent = "";
    more.hidden = true;
    var filters = {};
    FILTERS.forEach(function (k) { if (state[k]) filters[k] = state[k]; });
    if (!state.q && !Object.keys(filters).length && !state.open) { status.textContent = ""; return; }
    status.textContent = "正在搜索…";
    var options = { filters: filters };
    if (state.sort === "name") options.sort = { name: "asc" };
    var where = state.sort === "distance" && window.SiteNear ? window.SiteNear.locate() : Promise.resolve(null);
    Promise.all([load(), where.catch(function () { return null; })]).then(function (r) {
      var pf = r[0], here = r[1];
      if (state.sort === "distance" && !here) status.textContent = "无法获取你的位置，按相关度排列。";
      return pf.search(state.q || null, options).then(function (found) {
        if (mine !== run) return;
        var scan = here || state.open === "1" ? SCAN : PAGE * 5;
        return Promise.all(found.results.slice(0, scan).map(function (x) { return x.data(); }))
          .then(function (datas) {
            if (mine !== run) return;
            var entries = datas.map(function (d) {
              var m;
              if (here && d.meta && d.meta.lat) {
                m = window.SiteNear.distance(here, { lat: parseFloat(d.meta.lat), lon: parseFloat(d.meta.lon) });
              }
              return { data: d, m: m };
            });
            if (state.open === "1") entries = entries.filter(function (e) { return isOpen(e.data.meta || {}); });
            if (here) entries.sort(function (a, b) {
              return (a.m === undefined ? Infinity : a.m) - (b.m === undefined ? Infinity : b.m);
            });
            var total = state.open === "1" ? entries.length : found.results.length;
            show(entries, total, state);
          });
      });
    }).catch(function () {
      status.textContent = "搜索暂时不可用，请按地区或类型浏览。";
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
  more.addEventListener("click", function () { show(pending, lastTotal, lastState); });
  window.addEventListener("popstate", function () {
    var state = stateFromUrl();
    fillForm(state);
    search(state);
  });
  var initial = stateFromUrl();
  fillForm(initial);
  search(initial);
})();
