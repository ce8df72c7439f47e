// Sharing and WeChat (issue 12). The search page's title carries the query, so that a
// forwarded or bookmarked search says what it is. Inside WeChat's in-app browser (its
// user agent says MicroMessenger), app links do nothing: map links open the web maps
// and the geo: link (for map apps) is replaced by how to open the page in a browser.
(function () {
  "use strict";
  var titled = document.querySelector("[data-title-query]");
  if (titled) {
    var plain = document.title;
    var update = function () {
      var q = (new URLSearchParams(window.location.search).get("q") || "").trim();
      document.title = q ? titled.getAttribute("data-title-query").replace("{q}", q) : plain;
    };
    update();
    var status = document.getElementById("search-status");
    if (status && window.MutationObserver) {
      new MutationObserver(update).observe(status, { childList: true, characterData: true, subtree: true });
    }
    window.addEventListener("popstate", update);
  }
  if (!/MicroMessenger/i.test(navigator.userAgent)) return;
  document.documentElement.classList.add("in-wechat");
  document.querySelectorAll(".maps a[href]").forEach(function (a) {
    var href = a.getAttribute("href");
    if (/^geo:/i.test(href)) {
      a.closest("li").hidden = true;
    } else if (href.indexOf("callnative=1") >= 0) {
      a.setAttribute("href", href.replace("callnative=1", "callnative=0")); // Amap: the web map
    }
  });
  document.querySelectorAll("[data-wechat-note]").forEach(function (note) { note.hidden = false; });
})();
