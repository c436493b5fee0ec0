/* The operator console's display-link tools: copy the link, and show the new link and
   QR code after "revoke and issue a new link". No eval, no inline handlers (the
   Content-Security-Policy forbids them). */
(function () {
  "use strict";

  function say(button, text) {
    var status = document.getElementById(button.dataset.copyStatus);
    if (status) { status.textContent = text; }
  }

  // Without the clipboard API (a plain-http address is not a secure context) select the
  // text and try the old copy command; if that fails too, the selection stays for Ctrl+C.
  function copyBySelecting(button, input) {
    input.focus();
    input.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    say(button, copied ? button.dataset.copied : button.dataset.copyFailed);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var input = document.getElementById(button.dataset.copy);
    if (!input) { return; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        function () { say(button, button.dataset.copied); },
        function () { copyBySelecting(button, input); }
      );
    } else {
      copyBySelecting(button, input);
    }
  });

  // The renew view answers in the flash area; the card then fetches itself again.
  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    if (!source || !source.matches || !source.matches("[data-renews-display]")) { return; }
    var card = document.getElementById("display-link-card");
    if (card && event.detail.successful && window.htmx) {
      window.htmx.trigger(card, "display-renewed");
    }
  });
})();
