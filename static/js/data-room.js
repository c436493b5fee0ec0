// The data room: an inline save keeps the user's place.
//
// htmx swaps a part with outerHTML by inserting the new element before the old one and
// then removing the old one. Chromium's scroll anchoring sees the page grow above the
// element it anchors on and scrolls by the new part's height: after a save the page
// jumped 1,000–1,400 px, to the next indicator. So we remember where the swapped part
// sat in the viewport and put it back there, whatever the browser did in between (and
// whatever the checklist at the top, updated in the same answer, did to the page). An
// error that is then out of view is brought into view, and its field gets the focus.
(function () {
  "use strict";

  let place = null;

  function topOf(element) {
    return element.getBoundingClientRect().top;
  }

  function inView(element) {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    const form = source && source.closest("form");
    place = target && target.id ? { id: target.id, top: topOf(target) } : null;
    // Rows of a breakdown table are typed one after the other: after a saved row the
    // cursor goes back to the first box of the same (now empty) row form.
    if (place && form && form.classList.contains("row-form")) {
      place.rowForm = form.getAttribute("action");
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    if (!place) return;
    const element = document.getElementById(place.id);
    const before = place;
    place = null;
    if (!element) return;
    const shift = topOf(element) - before.top;
    if (Math.abs(shift) >= 1) window.scrollBy({ top: shift, behavior: "instant" });

    const error = element.querySelector(".field--error, [role=alert]");
    if (error) {
      if (!inView(error)) error.scrollIntoView({ block: "center", behavior: "instant" });
      const field = error.querySelector("input, select, textarea");
      if (field) field.focus({ preventScroll: true });
      return;
    }
    // A long form replaced by the short saved text can leave it above the viewport.
    if (element.getBoundingClientRect().bottom < 0) {
      element.scrollIntoView({ block: "start", behavior: "instant" });
    }
    if (before.rowForm) {
      const first = element.querySelector(
        'form[action="' + CSS.escape(before.rowForm) + '"] input:not([type=hidden])'
      );
      if (first) first.focus({ preventScroll: true });
    }
  });
})();
