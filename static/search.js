// Search page: runs Pagefind in the browser. The page works without this
// script (it then shows links to browse by area and kind instead).
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var config = document.getElementById("search-config");
  if (!form || !input || !list || !config) return;
  var pagefind = null;

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

  function item(data) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(a);
    if (data.excerpt) {
      var p = document.createElement("p");
      p.className = "excerpt";
      // Pagefind's excerpt is HTML-escaped text with <mark> around matches.
      p.innerHTML = data.excerpt;
      li.appendChild(p);
    }
    return li;
  }

  function run(query) {
    query = query.trim();
    list.textContent = "";
    if (!query) { status.textContent = ""; return; }
    status.textContent = "正在搜索…";
    load().then(function (pf) {
      return pf.debouncedSearch(query, {}, 150);
    }).then(function (search) {
      if (search === null) return null; // superseded by a newer query
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }))
        .then(function (results) {
          list.textContent = "";
          results.forEach(function (data) { list.appendChild(item(data)); });
          status.textContent = search.results.length
            ? "找到 " + search.results.length + " 条结果" + (search.results.length > 20 ? "，显示前 20 条" : "")
            : "没有找到“" + query + "”的结果。可以换个说法，或拨打页面顶部的热线。";
        });
    }).catch(function () {
      status.textContent = "搜索暂时不可用，请按地区或类型浏览。";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    window.history.pushState({}, "", url);
    run(input.value);
  });
  window.addEventListener("popstate", function () {
    input.value = new URL(window.location.href).searchParams.get("q") || "";
    run(input.value);
  });
  input.value = new URL(window.location.href).searchParams.get("q") || "";
  if (input.value) run(input.value);
})();
