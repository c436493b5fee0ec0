/* The projector's pages: when an item has more indicator cards than fit on the wall,
   show them a page at a time (data-per-page cards), turn the page every
   data-rotate-seconds and say where we are ("1/3"). A live update of the same stage
   keeps the page; a new item, focus or offer starts again at page 1.
   No eval, no inline handlers (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  var current = { key: null, page: 0, pages: 0, timer: null };

  function deck() {
    return document.querySelector(".stage__cards[data-per-page]");
  }

  function cardsOf(container) {
    return Array.prototype.filter.call(container.children, function (child) {
      return child.classList.contains("screen__indicator");
    });
  }

  function show(page) {
    var container = deck();
    if (!container) { return 0; }
    var cards = cardsOf(container);
    var perPage = Number(container.dataset.perPage) || 2;
    var pages = Math.max(1, Math.ceil(cards.length / perPage));
    current.pages = pages;
    current.page = ((page % pages) + pages) % pages;
    cards.forEach(function (card, index) {
      card.hidden = Math.floor(index / perPage) !== current.page;
    });
    container.classList.add("is-paged");
    var pager = container.parentElement.querySelector(".stage__pager");
    if (pager) {
      pager.hidden = pages < 2;
      pager.textContent = (current.page + 1) + "/" + pages;
    }
    return pages;
  }

  function setUp() {
    var container = deck();
    window.clearInterval(current.timer);
    current.timer = null;
    if (!container) { current.key = null; return; }
    var key = container.dataset.deckKey + ":" + cardsOf(container).length;
    var page = key === current.key ? current.page : 0;
    current.key = key;
    if (show(page) > 1) {
      var seconds = Number(container.dataset.rotateSeconds) || 10;
      current.timer = window.setInterval(function () { show(current.page + 1); }, seconds * 1000);
    }
  }

  // For the browser tests (and a curious operator's console): show page n (0-based),
  // returns the number of pages.
  window.lelangProjector = {
    show: function (page) {
      window.clearInterval(current.timer);
      current.timer = null;
      return show(page);
    },
    pages: function () { return current.pages; }
  };

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", setUp);
})();
