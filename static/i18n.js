/* UI strings in the page's language (issue 12): T(msgid, params). A msgid is the
   Simplified Chinese text, as in the templates and site_builder.i18n; a page of another
   edition carries its translations in <script type="application/json" id="ui-strings">
   (site_builder/i18n/extract.py js_strings), the default edition none, so T gives the
   msgid back. {name} placeholders are filled from params. Loaded before the other
   scripts (defer keeps their order). */
(function (root) {
  "use strict";
  var table = null;

  function strings() {
    if (table === null) {
      table = {};
      var node = root.document && root.document.getElementById("ui-strings");
      if (node) {
        try { table = JSON.parse(node.textContent) || {}; } catch (e) { table = {}; }
      }
    }
    return table;
  }

  root.T = function (msgid, params) {
    var all = strings(), text = Object.prototype.hasOwnProperty.call(all, msgid) ? all[msgid] : msgid;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  };
})(typeof window !== "undefined" ? window : globalThis);
