// Flask-Admin's templates use inline onclick handlers, which the admin's Content-Security-Policy
// blocks. Re-attach them here (same origin): confirmations and bulk actions keep working.
(function () {
  "use strict";
  function quoted(source) {
    var m = /\(\s*'((?:[^'\\]|\\.)*)'/.exec(source || "");
    return m ? m[1].replace(/\\'/g, "'") : null;
  }
  document.querySelectorAll("[onclick]").forEach(function (el) {
    var code = el.getAttribute("onclick");
    var text = quoted(code);
    el.removeAttribute("onclick");
    if (/safeConfirm|confirm\(/.test(code) && text !== null) {
      el.addEventListener("click", function (e) { if (!window.confirm(text)) e.preventDefault(); });
    } else if (/modelActions\.execute/.test(code) && text !== null) {
      el.addEventListener("click", function (e) {
        e.preventDefault();
        if (window.modelActions) window.modelActions.execute(text);
      });
    } else if (/return false/.test(code)) {
      el.addEventListener("click", function (e) { e.preventDefault(); });
    }
  });
  document.querySelectorAll("form.workflow-form").forEach(function (form) {
    var button = form.querySelector("button.btn-danger");
    if (button) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm("Bạn chắc chắn muốn «" + button.textContent.trim() + "»?")) e.preventDefault();
      });
    }
  });
})();
