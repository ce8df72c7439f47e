// Quick exit (快速离开), GOV.UK's "exit this page" pattern: leave for a neutral site at
// once, replacing this page in the history so Back does not return to it. Shift pressed
// three times within 5 seconds does the same; each press is counted on screen and to
// screen readers (the texts are in the page, for translation). Esc never leaves: it is
// the key that clears a search box. Shift held with another key (a capital letter) is
// not a press.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) return;
  var status = document.querySelector("[data-exit-count]");
  var PRESSES = 3, WINDOW = 5000;
  function leave(event) {
    if (event) event.preventDefault();
    document.documentElement.classList.add("leaving"); // blank at once (style.css)
    document.body.hidden = true;
    document.title = "";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  var count = 0, timer = null, alone = false;
  function reset() {
    count = 0;
    if (timer) clearTimeout(timer);
    timer = null;
    if (status) status.textContent = status.getAttribute("data-hint");
  }
  function show() {
    if (!status) return;
    status.textContent = status.getAttribute("data-count")
      .replace("{n}", String(count)).replace("{left}", String(PRESSES - count));
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") { if (!event.repeat) alone = true; return; }
    alone = false;
    if (count) reset(); // typing: Shift+A is a capital letter, not a press
  });
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !alone) return;
    alone = false;
    count += 1;
    if (count >= PRESSES) { leave(); return; }
    if (count === 1) timer = setTimeout(reset, WINDOW);
    show();
  });
})();
