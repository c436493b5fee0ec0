// Every page: a request htmx sent that failed is said at the form that sent it.
//
// htmx does not swap an error answer in (a refusal, 403; the database unreachable for
// a moment, 503; a server error) and a request that never reached the server (the
// network, the server restarting) has no answer at all. Without this the button would
// seem to do nothing. What the user typed stays where it is: nothing is swapped, so
// they send it again once the message says they can.
(function () {
  "use strict";

  function inView(element) {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  function say(event, words) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    const where = (source && source.closest("form")) || event.detail.target;
    if (!where) return;
    let note = where.querySelector(":scope > .request-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "alert alert--error request-error";
      note.setAttribute("role", "alert");
      where.prepend(note);
    }
    note.textContent = words;
    if (!inView(note)) note.scrollIntoView({ block: "center", behavior: "instant" });
  }

  // The server's own words: the error page's heading and first paragraph.
  document.addEventListener("htmx:responseError", function (event) {
    const page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    const words = Array.from(page.querySelectorAll("main h1, main .card p"))
      .slice(0, 2)
      .map(function (element) { return element.textContent.trim(); })
      .filter(Boolean);
    say(event, words.join(": ") || event.detail.xhr.statusText);
  });

  // No answer at all: the words come from the page (translated on the server).
  document.addEventListener("htmx:sendError", function (event) {
    const text = document.body.getAttribute("data-send-error");
    say(event, text || "Server tidak dapat dihubungi.");
  });

  // A request that worked clears the message it may have left before.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) return;
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    const form = source && source.closest("form");
    const note = form && form.querySelector(":scope > .request-error");
    if (note) note.remove();
  });
})();
