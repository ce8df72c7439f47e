// Elder mode (关怀版): the pages under elder/ are elder pages without any script
// (site_builder/elder.py). This remembers the choice once the visitor makes it (one
// localStorage key, "elder", written only when the switch is used; removed when it is
// turned off; no cookie), so that pages scripts link to (search results, "near me") and
// pages opened later from the standard address are shown in elder mode too.
(function () {
  "use strict";
  var KEY = "elder", root = document.documentElement;
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var mirror = root.hasAttribute("data-elder-page");
  if (!mirror && store && store.getItem(KEY) === "1") root.classList.add("elder");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-elder]");
    if (!link || !store) return;
    var on = link.getAttribute("data-elder") === "on";
    try {
      if (on) store.setItem(KEY, "1"); else store.removeItem(KEY);
    } catch (e) { return; }
    if (!mirror && !on && root.classList.contains("elder")) {
      // The standard page in elder mode by this script: back to standard in place.
      event.preventDefault();
      root.classList.remove("elder");
      var other = document.querySelector('[data-elder="on"]');
      if (other) other.focus();
    }
  });
})();
