/* "Sao chép liên kết": copy a page's link (or the press room's embed code) from its read-only
   box (site/_share.html). Without this script the box still shows it to select and copy by hand.
   Also gives each link its full address for printing. */
(function () {
  "use strict";
  var COPIED = "Đã sao chép liên kết.";
  var FAILED = "Chưa sao chép được: hãy chọn liên kết trong ô rồi sao chép.";

  function setUp(box) {
    var input = box.querySelector("input, textarea");
    var button = box.querySelector("button");
    var status = box.querySelector("[role=status]");
    if (!input || !button || !status) {
      return;
    }
    var copied = box.getAttribute("data-copied") || COPIED;
    function say(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50); // read again when repeated
    }
    function byHand() {
      input.focus();
      input.select();
      var done = false;
      try {
        done = document.execCommand("copy");
      } catch (e) {
        done = false;
      }
      say(done ? copied : FAILED);
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { say(copied); }, byHand);
      } else {
        byHand();
      }
    });
    input.addEventListener("focus", function () { input.select(); });
  }

  // On paper, each link of the page's content is followed by its full address (site.css, @media
  // print): the href as the browser resolved it, relative links included.
  function markLinks() {
    var links = document.querySelectorAll("main a[href]");
    for (var i = 0; i < links.length; i += 1) {
      var raw = links[i].getAttribute("href");
      if (raw && raw.charAt(0) !== "#" && /^https?:/.test(links[i].href)) {
        links[i].setAttribute("data-print-href", links[i].href);
      }
    }
  }

  function start() {
    var boxes = document.querySelectorAll("[data-copy-link]");
    for (var i = 0; i < boxes.length; i += 1) {
      setUp(boxes[i]);
    }
    markLinks();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
