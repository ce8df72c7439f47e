/* "Open now" on .open-state[data-open]: a port of open_state() in site_builder/hours.py
   (the reference; tests/test_open_js.py). Wall-clock times in the site's zone (body data-tz). */
(function () {
  "use strict";
  var DAY = 864e5, MIN = 6e4, SEARCH_DAYS = 14;
  var WEEK = [T("周一"), T("周二"), T("周三"), T("周四"), T("周五"), T("周六"), T("周日")];
  var STATES = ["open", "closed", "appointment", "suspended", "unknown"];
  var formats = {};

  // Wall-clock time in tz at instant ms as "naive" ms (UTC fields hold the wall time).
  function wall(ms, tz) {
    var f = formats[tz] || (formats[tz] = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric"}));
    var p = {}, parts = f.formatToParts(new Date(ms)), i;
    for (i = 0; i < parts.length; i++) p[parts[i].type] = +parts[i].value;
    return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) + ms - Math.floor(ms / 1000) * 1000;
  }

  function floorDay(t) { return Math.floor(t / DAY) * DAY; }
  function isoDate(t) { return new Date(t).toISOString().slice(0, 10); }
  function hm(t) { return new Date(t).toISOString().slice(11, 16); }
  function weekday(t) { return (new Date(t).getUTCDay() + 6) % 7; }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Naive t -> ISO with tz's offset, as Python's replace(tzinfo=tz) (fold=0: a repeated
  // or skipped hour takes the offset from before the change).
  function iso(t, tz) {
    function off(x) { return wall(x, tz) - x; }
    var b = off(t - DAY), a = off(t + DAY), o = off(t - b) !== b && off(t - a) === a ? a : b;
    var m = Math.abs(o) / MIN;
    return new Date(t).toISOString().slice(0, 19) + (o < 0 ? "-" : "+") + pad(Math.floor(m / 60)) + ":" + pad(m % 60);
  }

  // 今天 / 明天 / 周X within the coming week / M月D日 further away.
  function dayWords(d, today) {
    var ahead = Math.round((d - today) / DAY), x = new Date(d);
    return ahead === 0 ? T("今天") : ahead === 1 ? T("明天") : ahead > 1 && ahead < 7 ? WEEK[weekday(d)]
      : T("{month}月{day}日", {month: x.getUTCMonth() + 1, day: x.getUTCDate()});
  }

  // Open until u: "营业中（至 17:30）" today, "营业中（至明天 08:00）"; a closing at midnight
  // reads as 24:00 of the day before.
  function openUntil(u, today) {
    var midnight = u === floorDay(u), d = midnight ? u - DAY : floorDay(u), clock = midnight ? "24:00" : hm(u);
    return d === today ? T("营业中（至 {time}）", {time: clock})
      : T("营业中（至{day} {time}）", {day: dayWords(d, today), time: clock});
  }

  function result(state, until, next, label) {
    return {state: state, until: until, next_open: next, label: label};
  }

  // data: {hours: hours_data, closed: closure_data}; cal: calendar_data; nowMs: epoch ms.
  function openState(data, cal, nowMs, tz) {
    var h = data.hours, c = data.closed, local = wall(nowMs, tz), today = floorDay(local);
    var off = (cal && cal.off) || {}, work = (cal && cal.workdays) || {};
    var spans = [], merged = [], i, j, d, s, rs, r, p, until;
    function covers(t) {
      var s = isoDate(t);
      return !!c && c.from <= s && (c.until == null || s <= c.until);
    }
    if (covers(today)) return result("suspended", null, null, T("暂停服务"));
    if (h.mode === "24/7") return result("open", null, null, T("24 小时"));
    if (h.mode === "by_appointment") return result("appointment", null, null, T("需预约"));
    if (h.mode === "unknown") return result("unknown", null, null, T("时间未公布"));

    for (i = -1; i <= SEARCH_DAYS; i++) {
      d = today + i * DAY;
      if (covers(d)) continue;
      s = isoDate(d);
      rs = has(off, s) ? h.holidays || [] : h.week[has(work, s) ? work[s][1] : weekday(d)] || [];
      for (j = 0; j < rs.length; j++) {
        r = rs[j];
        spans.push([d + r[0] * MIN, d + (r[1] <= r[0] ? r[1] + 1440 : r[1]) * MIN]);
      }
    }
    spans.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
    for (i = 0; i < spans.length; i++) {  // touching or overlapping ranges: one period
      p = merged[merged.length - 1];
      if (p && spans[i][0] <= p[1]) p[1] = Math.max(p[1], spans[i][1]);
      else merged.push(spans[i]);
    }
    for (i = 0; i < merged.length; i++) {
      p = merged[i];
      if (p[0] <= local && local < p[1]) {
        until = p[1] >= today + (SEARCH_DAYS + 1) * DAY ? null : p[1];
        return until === null ? result("open", null, null, T("营业中"))
          : result("open", iso(until, tz), null, openUntil(until, today));
      }
      if (p[0] > local) {
        return result("closed", null, iso(p[0], tz),
          T("已结束（{day} {time} 开放）", {day: dayWords(floorDay(p[0]), today), time: hm(p[0])}));
      }
    }
    return result("closed", null, null, T("已结束（近两周不开放）"));
  }

  // Today's opening hours in words: "今天 08:30–12:00、14:00–17:30", "今天休息".
  function todayHours(data, cal, nowMs, tz) {
    var h = data.hours, today = floorDay(wall(nowMs, tz)), s = isoDate(today), rs;
    if (h.mode !== "weekly") return "";
    var off = (cal && cal.off) || {}, work = (cal && cal.workdays) || {};
    rs = has(off, s) ? h.holidays || [] : h.week[has(work, s) ? work[s][1] : weekday(today)] || [];
    if (!rs.length) return T("今天休息");
    return T("今天 {times}", {times: rs.map(function (r) {
      var start = pad(Math.floor(r[0] / 60)) + ":" + pad(r[0] % 60), end = pad(Math.floor(r[1] / 60)) + ":" + pad(r[1] % 60);
      return r[1] <= r[0] ? T("{start}–次日{end}", {start: start, end: end}) : start + "–" + end;
    }).join(T("、"))});
  }

  var GROUPS = ["open", "24/7", "appointment", "closed", "unknown", "closed-long", "suspended"];

  // Sort key of a service in a list now (hours.reach_key): open now, 24/7 lines, by
  // appointment, closed by next opening (soonest first), unknown, closed for two weeks,
  // suspended. [group, next opening in epoch ms].
  function reachKey(data, st) {
    if (st.state === "open") return [GROUPS.indexOf(data.hours.mode === "24/7" ? "24/7" : "open"), 0];
    if (st.state === "closed" && st.next_open) return [GROUPS.indexOf("closed"), Date.parse(st.next_open)];
    return [GROUPS.indexOf(st.state === "closed" ? "closed-long" : st.state), 0];
  }

  function context() {
    var body = document.body, cal = {};
    try { cal = JSON.parse(body.getAttribute("data-calendar") || "{}"); } catch (e) { /* no calendar */ }
    return {tz: body.getAttribute("data-tz") || "Asia/Shanghai", cal: cal, now: Date.now()};
  }

  // A copy of items, those reachable now first; openData(item) gives an item's data-open
  // (object or JSON text). Items of one group keep their order (pinyin, distance,
  // relevance); items without data (articles in search results) keep their places.
  // ctx ({tz, cal, now}) defaults to the page's zone and calendar and the time now.
  function byReach(items, openData, ctx) {
    var keyed = [], slots = [], out = items.slice();
    ctx = ctx || context();
    items.forEach(function (item, i) {
      var d = openData(item), k = null;
      if (!d) return;
      try {
        d = typeof d === "string" ? JSON.parse(d) : d;
        k = reachKey(d, openState(d, ctx.cal, ctx.now, ctx.tz));
      } catch (e) { return; }
      keyed.push({item: item, k: k, i: i});
      slots.push(i);
    });
    keyed.sort(function (a, b) { return a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i; });
    keyed.forEach(function (x, j) { out[slots[j]] = x.item; });
    return out;
  }

  function cardData(li) {
    var s = li.querySelector(".open-state[data-open]");
    return s && s.getAttribute("data-open");
  }

  // Put the cards of a list in that order (the page comes in pinyin order).
  function orderCards(list) {
    byReach(Array.prototype.slice.call(list.children), cardData)
      .forEach(function (li) { list.appendChild(li); });
  }

  // Lines to call now: the page's hidden [data-open-lines] box (the crisis lines, and the
  // hotlines whose state is open now), shown as a copy; null when the page has none.
  function openLines() {
    var src = document.querySelector("[data-open-lines]"), box, lines, i, st;
    if (!src) return null;
    box = src.cloneNode(true);
    box.removeAttribute("data-open-lines");
    box.hidden = false;
    apply(box);
    lines = box.querySelectorAll("[data-line]");
    for (i = 0; i < lines.length; i++) {
      st = lines[i].querySelector(".open-state");
      if (!st || st.getAttribute("data-open-state") !== "open") lines[i].parentNode.removeChild(lines[i]);
    }
    return box.querySelector("li") ? box : null;
  }

  // Mark the row of an hours table that applies today: a public holiday's row, the
  // weekday a make-up workday is worked as, or today's weekday.
  function markToday(table, cal, nowMs, tz) {
    var today = floorDay(wall(nowMs, tz)), s = isoDate(today);
    var off = (cal && cal.off) || {}, work = (cal && cal.workdays) || {};
    var key = has(off, s) ? "holidays" : String(has(work, s) ? work[s][1] : weekday(today));
    var rows = table.querySelectorAll("tr[data-days]"), i, row, tag, on;
    for (i = 0; i < rows.length; i++) {
      row = rows[i];
      on = row.getAttribute("data-days").split(",").indexOf(key) >= 0;
      tag = row.querySelector(".today-tag");
      if (on) {
        row.setAttribute("aria-current", "date");
        if (!tag) {
          tag = document.createElement("span");
          tag.className = "today-tag";
          tag.textContent = T("今天");
          row.cells[0].appendChild(document.createTextNode(" "));
          row.cells[0].appendChild(tag);
        }
      } else {
        row.removeAttribute("aria-current");
        if (tag) tag.parentNode.removeChild(tag);
      }
    }
  }

  // Show the state now on every .open-state[data-open] in root (default: document).
  function apply(root) {
    var ctx = context(), tz = ctx.tz, now = ctx.now, cal = ctx.cal, els, el, st, sum, i, j;
    els = (root || document).querySelectorAll(".open-state[data-open]");
    for (i = 0; i < els.length; i++) {
      el = els[i];
      try {
        st = openState(JSON.parse(el.getAttribute("data-open")), cal, now, tz);
      } catch (e) {
        continue;  // bad data or no Intl time zones: leave it as it is
      }
      for (j = 0; j < STATES.length; j++) el.classList.remove("is-" + STATES[j]);
      el.classList.add("is-" + st.state);
      el.setAttribute("data-open-state", st.state);
      if (el.textContent !== st.label) el.textContent = st.label;
      // A card's weekly summary that only repeats the state ("24 小时 24 小时") is hidden.
      // So is one that would invite a visitor to a suspended service ("需预约").
      sum = el.nextElementSibling;
      if (sum && sum.classList.contains("hours-summary")) {
        sum.hidden = sum.textContent.indexOf(st.label) === 0 || st.state === "suspended";
      }
      if (el.parentNode.classList.contains("open-now")) {
        sum = document.querySelectorAll("[data-when-open]");
        for (j = 0; j < sum.length; j++) sum[j].hidden = st.state === "suspended";
      }
    }
    els = (root || document).querySelectorAll(".today-hours[data-open]");
    for (i = 0; i < els.length; i++) {
      try {
        els[i].textContent = todayHours(JSON.parse(els[i].getAttribute("data-open")), cal, now, tz);
      } catch (e) { /* leave it empty */ }
    }
    els = (root || document).querySelectorAll("table.hours-table[data-open]");
    for (i = 0; i < els.length; i++) {
      try { markToday(els[i], cal, now, tz); } catch (e) { /* leave it unmarked */ }
    }
  }

  window.SiteOpen = {openState: openState, todayHours: todayHours, apply: apply, reachKey: reachKey,
    byReach: byReach, orderCards: orderCards, openLines: openLines};

  // Now, then just after every minute boundary, so an open tab stays right.
  function tick() {
    apply(document);
    setTimeout(tick, 60500 - Date.now() % MIN);
  }
  // Lists come in pinyin order; once, when the page opens, those reachable now go first
  // (not again every minute: a list must not move under the reader's finger).
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("main ul.cards"), orderCards);
    tick();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) apply(document);
  });
})();
