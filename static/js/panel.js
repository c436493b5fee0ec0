/* The panel's offer forms: mark the cells the ambition check warns about, and keep what
   the panel typed when the composer reloads because the stage changed (another unit
   answered, a colleague sent an offer). No eval, no inline handlers (CSP). */
(function () {
  "use strict";

  var FIELDS = ".offer-form input:not([type=hidden]), .offer-form select, .offer-form textarea";
  var BOUND = "form[data-bound] input:not([type=hidden]), form[data-bound] select, " +
    "form[data-bound] textarea";

  // The warnings area is re-rendered alone; each warning names its cell (data-field).
  function markCells(area) {
    var form = area.closest("form");
    if (!form) { return; }
    form.querySelectorAll(".target-grid td").forEach(function (cell) {
      cell.classList.remove("cell--warning");
      var input = cell.querySelector("input");
      if (input) { input.removeAttribute("title"); }
    });
    area.querySelectorAll("[data-field]").forEach(function (item) {
      var input = form.querySelector('[name="' + item.dataset.field + '"]');
      if (!input) { return; }
      input.closest("td").classList.add("cell--warning");
      input.title = input.title ? input.title + "\n" + item.textContent : item.textContent;
    });
  }

  function markAll() {
    document.querySelectorAll(".offer-warnings").forEach(markCells);
  }

  // What the panel typed since the form was drawn, by field name (the names carry the
  // unit, indicator and year, so they survive a reload of the whole composer).
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(FIELDS)) {
      event.target.dataset.typed = "1";
    }
  });

  var kept = null;

  // The whole composer is redrawn when the stage changes and after each send. Keep what
  // was typed in every form, except the one just sent (it now shows the sent offer).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var config = event.detail.requestConfig;
    if (!target || target.id !== "composer" || !config) { return; }
    var sent = config.verb === "post" && config.elt ? config.elt.closest("form") : null;
    kept = {};
    // A form sent back with warnings (data-bound) holds typed values throughout.
    target.querySelectorAll("[data-typed], " + BOUND).forEach(function (field) {
      if (!sent || field.form !== sent) { kept[field.name] = field.value; }
    });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (kept && event.detail.target && event.detail.target.id === "composer") {
      var restored = {};
      Object.keys(kept).forEach(function (name) {
        var field = document.querySelector('#composer [name="' + name + '"]');
        if (field && field.value !== kept[name]) {
          field.value = kept[name];
          field.dataset.typed = "1";
          restored[field.form.id] = field;
        }
      });
      kept = null;
      // Check the restored values again (the warnings were drawn for the reloaded ones).
      Object.keys(restored).forEach(function (form) {
        restored[form].dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
    markAll();
  });

  document.addEventListener("DOMContentLoaded", markAll);
})();
