// Suggestions while typing in a search box (WAI-ARIA combobox). The form works without it.
(function () {
  "use strict";
  var LABELS = { story: "bài viết", exemplar: "điển hình", locality: "địa phương" };
  var counter = 0;

  function attach(row) {
    var input = row.querySelector('input[type="search"]');
    if (!input) return;
    var id = "goi-y-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Gợi ý tìm kiếm");
    list.hidden = true;
    row.appendChild(list);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    row.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");

    var items = [], active = -1, timer = null, last = "";

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function show(suggestions) {
      list.innerHTML = "";
      items = suggestions;
      active = -1;
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.label;
        var type = document.createElement("span");
        type.className = "type";
        type.textContent = LABELS[s.type] || "";
        li.appendChild(type);
        li.addEventListener("mousedown", function (e) {
          e.preventDefault();
          window.location.href = s.url;
        });
        list.appendChild(li);
      });
      var open = suggestions.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      status.textContent = open ? suggestions.length + " gợi ý; dùng phím mũi tên để chọn." : "";
    }

    function highlight(index) {
      var options = list.querySelectorAll('[role="option"]');
      options.forEach(function (o) { o.setAttribute("aria-selected", "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        options[index].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (q.length < 2) { close(); return; }
      fetch("/tim-kiem/goi-y?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) show(data.suggestions || []); })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, -1)); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].url; }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.querySelectorAll("[data-suggest]").forEach(attach);
})();
