/* Live screens: countdowns, and keeping the panel's offer form in step with the stage.
   No eval, no inline handlers (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  function format(seconds) {
    var s = Math.max(0, Math.round(seconds));
    return pad(Math.floor(s / 60)) + ":" + pad(s % 60);
  }

  function tick() {
    document.querySelectorAll(".countdown").forEach(function (el) {
      if (el.dataset.endsAt) {
        var left = (new Date(el.dataset.endsAt).getTime() - Date.now()) / 1000;
        el.textContent = format(left);
        el.classList.toggle("countdown--over", left <= 0);
        el.classList.toggle("countdown--low", left > 0 && left <= 60);
      } else if (el.dataset.remaining) {
        el.textContent = format(Number(el.dataset.remaining)) + " ⏸";
      }
    });
  }

  // When the stage changes (new item, new offer, an answer), reload the panel's form.
  // The key lives here, not on the form: the form element is replaced on each reload.
  var stageKey = null;

  function currentKey() {
    var live = document.querySelector("[data-stage-key]");
    return live ? live.dataset.stageKey : null;
  }

  function syncComposer() {
    var composer = document.getElementById("composer");
    var key = currentKey();
    if (!composer || key === null || !window.htmx) { return; }
    if (key !== stageKey) {
      stageKey = key;
      window.htmx.trigger(composer, "refresh");
    }
  }

  document.addEventListener("htmx:afterSettle", function () { tick(); syncComposer(); });
  document.addEventListener("DOMContentLoaded", function () {
    stageKey = currentKey();
    tick();
  });
  setInterval(tick, 1000);
})();
