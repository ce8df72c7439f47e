// "Near me" and list tools. The location is asked for only when the visitor taps,
// and distances are computed here from data/near.json: it never leaves the browser.
(function () {
  "use strict";
  var position = null;

  function locate() {
    if (position) return Promise.resolve(position);
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) { reject({ code: 2 }); return; }
      navigator.geolocation.getCurrentPosition(function (p) {
        position = { lat: p.coords.latitude, lon: p.coords.longitude };
        resolve(position);
      }, reject, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
    });
  }

  // Great-circle distance in metres (haversine; WGS-84 mean radius).
  function distance(a, b) {
    var r = Math.PI / 180, dLat = (b.lat - a.lat) * r, dLon = (b.lon - a.lon) * r;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function format(m) {
    return m < 1000 ? T("{n} 米", {n: Math.max(10, Math.round(m / 10) * 10)})
      : T("{n} 公里", {n: (m / 1000).toFixed(1)});
  }

  function why(error) {
    return error && error.code === 1
      ? T("没有获得定位权限，无法查找附近的服务。")
      : T("暂时无法获取你的位置（设备不支持或信号不好）。");
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // A result card, the same markup as the cards the site renders.
  function card(s, metres) {
    var li = el("li", "card");
    var h = el("h3", "card-title"), a = el("a", "", s.name);
    a.href = s.url; h.appendChild(a); li.appendChild(h);
    li.appendChild(el("p", "card-meta", s.kind + " · " + s.area));
    if (metres !== undefined) li.appendChild(el("p", "card-distance", T("距离约 {distance}", {distance: format(metres)})));
    if (s.address) li.appendChild(el("p", "card-address", s.address));
    var hours = el("p", "card-hours"), state = el("span", "open-state"), today = el("span", "today-hours");
    var data = typeof s.open === "string" ? s.open : JSON.stringify(s.open);
    state.setAttribute("data-open", data);
    today.setAttribute("data-open", data);
    hours.appendChild(state); hours.appendChild(today); li.appendChild(hours);
    if (s.tel) {
      // Shown as written; the name says whom it calls, as render.call_name() does.
      var call = el("p", "card-call"), t = el("a", "call", s.phone);
      t.setAttribute("aria-label", T("拨打 {who} {number}", {who: s.name, number: s.phone}));
      t.href = s.tel; call.appendChild(t); li.appendChild(call);
    }
    return li;
  }

  var services = {};
  function load(url) {
    if (!services[url]) {
      services[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(function (data) { return data.services; });
    }
    return services[url];
  }

  // "Nothing here is open now": a note and the lines that can be called now, after `where`.
  function nothingOpen(where, text) {
    var box = el("div", "nothing-open"), lines = window.SiteOpen && window.SiteOpen.openLines();
    box.setAttribute("data-nothing-open", "");
    box.appendChild(el("p", "", lines ? T("{sentence}现在可以拨打：", {sentence: text})
      : T("{sentence}可以拨打页面顶部的热线。", {sentence: text})));
    if (lines) box.appendChild(lines);
    where.parentNode.insertBefore(box, where.nextSibling);
    return box;
  }

  function isOpen(card) {
    var s = card.querySelector(".open-state");
    return !!s && s.getAttribute("data-open-state") === "open";
  }

  function setUp(section) {
    var button = section.querySelector("[data-near-button]");
    var status = section.querySelector("[data-near-status]");
    var list = section.querySelector("[data-near-results]");
    var fallback = section.querySelector("[data-near-fallback]");
    var none = null;
    section.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = T("正在获取你的位置…");
      fallback.hidden = true;
      if (none) { none.parentNode.removeChild(none); none = null; }
      Promise.all([locate(), load(section.getAttribute("data-services"))]).then(function (r) {
        var here = r[0];
        var nearest = r[1].map(function (s) { return { s: s, m: distance(here, s) }; })
          .sort(function (a, b) { return a.m - b.m; }).slice(0, 10);
        // Of the nearest ten, those reachable now first (then by distance).
        if (window.SiteOpen) nearest = window.SiteOpen.byReach(nearest, function (n) { return n.s.open; });
        list.textContent = "";
        nearest.forEach(function (n) { list.appendChild(card(n.s, n.m)); });
        if (window.SiteOpen) window.SiteOpen.apply(list);
        var open = Array.prototype.filter.call(list.children, isOpen).length;
        status.textContent = !nearest.length ? T("附近没有找到有位置信息的服务。")
          : window.SiteOpen && open ? T("离你最近的 {n} 个服务（直线距离），现在营业的 {open} 个排在前面：", {n: nearest.length, open: open})
          : T("离你最近的 {n} 个服务（直线距离）：", {n: nearest.length});
        if (nearest.length && window.SiteOpen && !open) {
          none = nothingOpen(status, T("附近的这些服务现在都没有营业。"));
        }
      }, function (error) {
        status.textContent = why(error);
        fallback.hidden = false;
      });
    });
  }

  function byName(a, b) {
    var x = a.getAttribute("data-name-key") || "", y = b.getAttribute("data-name-key") || "";
    return x < y ? -1 : x > y ? 1 : 0;
  }

  // Sort and filter controls above a list of cards (area, kind and audience pages).
  function tools(list) {
    var cards = Array.prototype.slice.call(list.children);
    var box = el("div", "list-tools");
    var label = el("label", "", T("排序") + " ");
    var select = el("select");
    var orders = window.SiteOpen ? [["open", T("现在营业的在前")]] : [];
    orders.concat([["name", T("按名称（拼音）")], ["distance", T("按距离")]]).forEach(function (o) {
      var option = el("option", "", o[1]); option.value = o[0]; select.appendChild(option);
    });
    label.appendChild(select);
    var check = el("label", "list-open");
    var box2 = el("input"); box2.type = "checkbox";
    check.appendChild(box2); check.appendChild(document.createTextNode(" " + T("只看现在营业的")));
    var note = el("span", "list-note");
    note.setAttribute("role", "status");
    box.appendChild(label); box.appendChild(check); box.appendChild(note);
    list.parentNode.insertBefore(box, list);

    var none = null;
    function order(key) {
      if (key === "open") {
        window.SiteOpen.byReach(cards.slice().sort(byName), function (c) {
          var s = c.querySelector(".open-state[data-open]");
          return s && s.getAttribute("data-open");
        }).forEach(function (c) { list.appendChild(c); });
        return;
      }
      cards.slice().sort(function (a, b) {
        if (key === "distance") {
          return (a._m === undefined ? Infinity : a._m) - (b._m === undefined ? Infinity : b._m);
        }
        return byName(a, b);
      }).forEach(function (c) { list.appendChild(c); });
    }
    select.addEventListener("change", function () {
      if (select.value !== "distance") { order(select.value); note.textContent = ""; return; }
      note.textContent = T("正在获取你的位置…");
      locate().then(function (here) {
        cards.forEach(function (c) {
          var lat = parseFloat(c.getAttribute("data-lat")), lon = parseFloat(c.getAttribute("data-lon"));
          var old = c.querySelector(".card-distance");
          if (old) old.parentNode.removeChild(old);
          if (isNaN(lat) || isNaN(lon)) { c._m = undefined; return; }
          c._m = distance(here, { lat: lat, lon: lon });
          c.insertBefore(el("p", "card-distance", T("距离约 {distance}", {distance: format(c._m)})), c.children[1] || null);
        });
        order("distance");
        note.textContent = T("已按距离排序");
      }, function (error) {
        select.value = orders.length ? "open" : "name";
        order(select.value);
        note.textContent = why(error);
      });
    });
    box2.addEventListener("change", function () {
      var shown = 0;
      cards.forEach(function (c) {
        c.hidden = box2.checked && !isOpen(c);
        if (!c.hidden) shown += 1;
      });
      if (none) { none.parentNode.removeChild(none); none = null; }
      note.textContent = box2.checked ? T("现在营业的有 {n} 个", {n: shown}) : "";
      if (box2.checked && !shown) none = nothingOpen(list, T("这里的服务现在都没有营业。"));
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-near]"), setUp);
  Array.prototype.forEach.call(document.querySelectorAll("main ul.cards"), function (list) {
    if (list.children.length > 1 && !list.hasAttribute("data-near-results")) tools(list);
  });
  window.SiteNear = { locate: locate, distance: distance, format: format, card: card, nothingOpen: nothingOpen };
})();
