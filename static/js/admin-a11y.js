// Accessible names for controls that Flask-Admin's list template and select2 make with only a
// title or no text at all (axe: label-title-only, link-name). Same origin, no inline code.
(function () {
  "use strict";
  function name(el, label) {
    if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", label);
  }
  function rowLabel(box) {
    // "Chọn dòng: <the row's first text cell>", so a screen reader says which row it is
    var row = box.closest("tr");
    var cells = row ? row.querySelectorAll("td:not(.list-buttons-column)") : [];
    for (var i = 0; i < cells.length; i++) {
      var text = cells[i].textContent.replace(/\s+/g, " ").trim();
      if (text) return "Chọn dòng: " + text.slice(0, 80);
    }
    return "Chọn dòng này";
  }
  function label(root) {
    root.querySelectorAll("input.action-rowtoggle").forEach(function (el) { name(el, "Chọn tất cả"); });
    root.querySelectorAll("input.action-checkbox").forEach(function (el) { name(el, rowLabel(el)); });
    // a list's filters (made by Flask-Admin's filters.js): "× Năm quyết định" then its inputs
    root.querySelectorAll("table.filters tr").forEach(function (row) {
      var remove = row.querySelector(".remove-filter");
      var filter = remove ? remove.textContent.replace("×", "").replace(/\s+/g, " ").trim() : "";
      if (!filter) return;
      name(remove, "Bỏ bộ lọc «" + filter + "»");
      row.querySelectorAll("input.filter-val:not([type=hidden]), select.filter-val").forEach(function (el) {
        name(el, filter + ": giá trị lọc");
      });
    });
    // select2 3.5 gives its focus holder, a text input, role=button (not allowed on an input,
    // axe: aria-allowed-role) and names it by the chosen value only: a combobox named by the
    // field's label and the value; its search box gets a name too
    root.querySelectorAll("input.select2-focusser[role=button]").forEach(function (el) {
      var box = el.closest(".select2-container");
      el.setAttribute("role", "combobox");
      el.setAttribute("aria-expanded", box && box.classList.contains("select2-dropdown-open") ? "true" : "false");
      var select = box && box.nextElementSibling;
      var tag = select && select.id ? document.querySelector("label[for='" + select.id + "']") : null;
      if (tag && el.getAttribute("aria-labelledby")) {
        if (!tag.id) tag.id = "nhan-" + select.id;
        el.setAttribute("aria-labelledby", tag.id + " " + el.getAttribute("aria-labelledby"));
      }
    });
    root.querySelectorAll(".select2-search input.select2-input").forEach(function (el) {
      name(el, "Gõ để lọc các lựa chọn");
    });
    root.querySelectorAll("a.select2-search-choice-close").forEach(function (el) {
      var choice = el.parentNode ? el.parentNode.textContent.replace(/\s+/g, " ").trim() : "";
      name(el, choice ? "Bỏ «" + choice + "»" : "Bỏ mục này");
    });
  }
  label(document);
  window.addEventListener("load", function () { label(document); });
  if (window.jQuery) { // select2 announces opening and closing on the <select> it replaces
    window.jQuery(document).on("select2-open select2-close", function (e) {
      var box = e.target.previousElementSibling;
      var holder = box && box.querySelector("input.select2-focusser");
      if (holder) holder.setAttribute("aria-expanded", e.type === "select2-open" ? "true" : "false");
    });
  }
  // filters.js and select2 draw their controls after this script, and select2 redraws the chosen
  // items on every change: name whatever has appeared, once per frame
  var queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () { queued = false; label(document); });
  }).observe(document.body, { childList: true, subtree: true });
})();
