// The story editor (admin/story_edit.html, story_create.html): a Markdown toolbar, a live preview
// rendered by the server (showcase.markup, the public page's renderer), word and read-out counts,
// the cover grid's filter and alt text, and autosave of a draft. Everything here is an addition:
// without it the form, the cover radios, the preview and counts shown on load still work.
(function () {
  "use strict";
  var wrapper = document.querySelector(".story-form");
  var form = wrapper && wrapper.querySelector("form.admin-form");
  var text = form && form.querySelector("textarea[name=body_md]");
  if (!form || !text) return;
  var editor = form.querySelector(".story-editor");
  var csrf = form.querySelector("input[name=csrf_token]");
  var PER_SECOND = 2.5;
  var PREVIEW_DELAY = 600;
  var AUTOSAVE_EVERY = 30000;

  function post(url, data, options) {
    data.set("csrf_token", csrf ? csrf.value : "");
    return fetch(url, Object.assign({
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }, options || {}));
  }
  function answer(response) {
    // every JSON answer of ours carries `error` when refused; anything else is a page of the site
    return response.json().catch(function () {
      return { error: response.status === 400
        ? "Phiên làm việc đã hết hạn; hãy tải lại trang." : "Máy chủ không trả lời được (mã " + response.status + ")." };
    });
  }

  // --- counts (the same rule as showcase/readout.py) ---------------------------------------
  function words(s) {
    return (s || "").split(/\s+/).filter(function (t) { return /[\p{L}\p{N}]/u.test(t); }).length;
  }
  var wordsOut = editor.querySelector("[data-count=words]");
  function countWords() { if (wordsOut) wordsOut.textContent = words(text.value); }
  var broadcast = form.querySelector("textarea[name=broadcast_summary]");
  var readout = form.querySelector(".readout");
  function countSeconds() {
    if (!broadcast || !readout) return;
    var limit = Number(readout.getAttribute("data-limit")) || 60;
    var seconds = Math.ceil(words(broadcast.value) / PER_SECOND);
    readout.querySelector("[data-count=seconds]").textContent = seconds;
    readout.querySelector(".readout-warning").hidden = seconds <= limit;
  }
  if (broadcast) broadcast.addEventListener("input", countSeconds);

  // --- live preview --------------------------------------------------------------------------
  var previewBody = editor.querySelector(".editor-preview-body");
  var previewStatus = editor.querySelector(".editor-preview-status");
  var previewTimer = null;
  var previewAsked = 0;
  function refreshPreview() {
    var asked = ++previewAsked;
    var data = new FormData();
    data.set("body_md", text.value);
    previewStatus.textContent = "· đang cập nhật…";
    post(editor.getAttribute("data-preview-url"), data).then(function (response) {
      return answer(response);
    }).then(function (result) {
      if (asked !== previewAsked) return; // a newer request is on its way
      if (result.error) { previewStatus.textContent = "· " + result.error; return; }
      previewBody.innerHTML = result.html; // sanitised by the server (showcase.markup.render_markdown)
      previewStatus.textContent = "";
    }).catch(function () {
      if (asked === previewAsked) previewStatus.textContent = "· chưa cập nhật được (mất kết nối?)";
    });
  }
  text.addEventListener("input", function () {
    countWords();
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, PREVIEW_DELAY);
  });

  // --- Soạn / Xem trước on a phone -----------------------------------------------------------
  var modes = editor.querySelector(".editor-modes");
  modes.hidden = false;
  editor.classList.add("has-modes");
  modes.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-mode]");
    if (!button) return;
    var preview = button.getAttribute("data-mode") === "preview";
    editor.classList.toggle("mode-preview", preview);
    modes.querySelectorAll("button").forEach(function (b) {
      var on = b === button;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    if (preview) { clearTimeout(previewTimer); refreshPreview(); }
  });

  // --- toolbar -------------------------------------------------------------------------------
  function replaceSelection(start, end, insert, selectFrom, selectTo) {
    text.focus();
    text.setSelectionRange(start, end);
    // insertText keeps the browser's undo history; setRangeText where it is not supported
    if (!document.execCommand || !document.execCommand("insertText", false, insert)) {
      text.setRangeText(insert, start, end, "end");
      text.dispatchEvent(new Event("input", { bubbles: true }));
    }
    text.setSelectionRange(start + selectFrom, start + selectTo);
  }
  function wrap(before, after, placeholder) {
    var start = text.selectionStart, end = text.selectionEnd;
    var chosen = text.value.slice(start, end) || placeholder;
    replaceSelection(start, end, before + chosen + after, before.length, before.length + chosen.length);
  }
  function prefixLines(prefix) {
    var value = text.value;
    var start = value.lastIndexOf("\n", text.selectionStart - 1) + 1;
    var end = value.indexOf("\n", Math.max(text.selectionEnd - 1, start));
    if (end === -1) end = value.length;
    var lines = value.slice(start, end).split("\n");
    var all = lines.every(function (l) { return l.indexOf(prefix) === 0; });
    var changed = lines.map(function (l) { return all ? l.slice(prefix.length) : prefix + l; }).join("\n");
    replaceSelection(start, end, changed, 0, changed.length);
  }
  function insertBlock(markdown) {
    var start = text.selectionStart, end = text.selectionEnd, value = text.value;
    var before = start === 0 || value.slice(0, start).endsWith("\n\n") ? "" :
      (value.slice(0, start).endsWith("\n") ? "\n" : "\n\n");
    var after = value.slice(end).startsWith("\n") ? "\n" : "\n\n";
    replaceSelection(start, end, before + markdown + after, before.length, before.length + markdown.length);
  }
  var ACTIONS = {
    heading: function () { prefixLines("## "); },
    bold: function () { wrap("**", "**", "chữ đậm"); },
    link: function () {
      var start = text.selectionStart, end = text.selectionEnd;
      var label = text.value.slice(start, end) || "chữ liên kết";
      var url = "https://";
      replaceSelection(start, end, "[" + label + "](" + url + ")", label.length + 3, label.length + 3 + url.length);
    },
    list: function () { prefixLines("- "); },
    quote: function () { prefixLines("> "); },
    image: function () { openPicker(); }
  };
  var toolbar = editor.querySelector(".editor-toolbar");
  var tools = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-md]"));
  toolbar.hidden = false;
  tools.forEach(function (b, i) { b.tabIndex = i === 0 ? 0 : -1; });
  toolbar.addEventListener("click", function (e) {
    var button = e.target.closest("button[data-md]");
    if (button) ACTIONS[button.getAttribute("data-md")]();
  });
  toolbar.addEventListener("keydown", function (e) { // one tab stop; arrows move along (ARIA toolbar)
    var i = tools.indexOf(document.activeElement);
    if (i < 0) return;
    var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tools.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    next = (next + tools.length) % tools.length;
    tools[i].tabIndex = -1;
    tools[next].tabIndex = 0;
    tools[next].focus();
  });
  text.addEventListener("keydown", function (e) {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    var key = e.key.toLowerCase();
    if (key === "b") { e.preventDefault(); ACTIONS.bold(); }
    if (key === "k") { e.preventDefault(); ACTIONS.link(); }
  });

  // --- «Ảnh từ thư viện»: a picker of library photos -----------------------------------------
  var picker = wrapper.querySelector("dialog.photo-picker");
  var pickerQuery = picker.querySelector("input[type=search]");
  var pickerGrid = picker.querySelector(".photo-picker-grid");
  var pickerStatus = picker.querySelector(".photo-picker-status");
  var pickerTimer = null;
  var caret = [0, 0];
  function loadPhotos() {
    var url = editor.getAttribute("data-picker-url") + "?q=" + encodeURIComponent(pickerQuery.value);
    pickerStatus.textContent = "Đang tìm…";
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(answer).then(function (result) {
        pickerGrid.textContent = "";
        var items = result.items || [];
        pickerStatus.textContent = result.error || (items.length ? items.length + " ảnh. Bấm một ảnh để chèn."
          : "Không có ảnh nào khớp.");
        items.forEach(function (item) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "photo-choice";
          var img = document.createElement("img");
          img.src = item.thumb; img.alt = ""; img.width = item.width; img.height = item.height;
          img.loading = "lazy";
          var label = document.createElement("span");
          label.textContent = item.alt || item.name || "Ảnh chưa có mô tả";
          button.setAttribute("aria-label", "Chèn ảnh: " + (item.alt || item.name || "chưa có mô tả"));
          button.append(img, label);
          button.addEventListener("click", function () { choosePhoto(item); });
          pickerGrid.append(button);
        });
      }).catch(function () { pickerStatus.textContent = "Không tải được thư viện ảnh (mất kết nối?)."; });
  }
  function openPicker() {
    caret = [text.selectionStart, text.selectionEnd];
    if (typeof picker.showModal === "function") picker.showModal(); else picker.setAttribute("open", "");
    pickerQuery.focus();
    loadPhotos();
  }
  function closePicker() {
    if (typeof picker.close === "function") picker.close(); else picker.removeAttribute("open");
  }
  function choosePhoto(item) {
    closePicker();
    // an image is a paragraph of its own: after the line the cursor was on, never inside a word
    var lineEnd = text.value.indexOf("\n", caret[1]);
    if (lineEnd === -1) lineEnd = text.value.length;
    text.setSelectionRange(lineEnd, lineEnd);
    var alt = (item.alt || "").replace(/[\[\]\n]/g, " ").trim();
    insertBlock("![" + (alt || "Mô tả ảnh") + "](" + item.src + ")");
    if (!alt) { // select the placeholder: the description is needed for readers who cannot see
      var at = text.value.lastIndexOf("![Mô tả ảnh](" + item.src + ")", text.selectionEnd);
      if (at >= 0) text.setSelectionRange(at + 2, at + 2 + "Mô tả ảnh".length);
    }
  }
  picker.querySelector(".photo-picker-close").addEventListener("click", closePicker);
  picker.addEventListener("close", function () { text.focus(); });
  pickerQuery.addEventListener("input", function () {
    clearTimeout(pickerTimer);
    pickerTimer = setTimeout(loadPhotos, 300);
  });
  pickerQuery.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });

  // --- cover: filter the grid, show and edit the chosen photo's alt text ----------------------
  var coverField = form.querySelector(".cover-field");
  if (coverField) {
    // the grid holds a page of the library: search it on the server, or load the next page
    var grid = coverField.querySelector(".cover-grid");
    var filter = coverField.querySelector(".cover-filter");
    var count = coverField.querySelector(".cover-count");
    var more = coverField.querySelector(".cover-more");
    var choicesUrl = coverField.getAttribute("data-choices-url");
    var filterTimer = null;
    var asked = 0;
    var offset = Number(more.getAttribute("data-offset")) || 0;
    coverField.querySelector(".cover-search").hidden = false;
    more.hidden = more.hasAttribute("data-done");
    if (!more.hidden) count.textContent += " Tìm theo mô tả hoặc bấm «Xem thêm ảnh».";
    function option(item) {
      var label = document.createElement("label");
      label.className = "cover-option";
      var radio = document.createElement("input");
      radio.type = "radio"; radio.name = "cover"; radio.value = item.id;
      radio.setAttribute("data-alt", item.alt || "");
      radio.setAttribute("data-version", item.version);
      radio.setAttribute("data-editable", item.editable ? "yes" : "no");
      var img = document.createElement("img");
      img.src = item.thumb; img.alt = ""; img.width = item.width; img.height = item.height;
      img.loading = "lazy";
      var name = document.createElement("span");
      name.className = "cover-label";
      name.textContent = item.alt || item.name || "Ảnh chưa có mô tả";
      label.append(radio, img, name);
      return label;
    }
    function shown() { // the photos in the grid now, by id
      var ids = {};
      grid.querySelectorAll("input[name=cover]").forEach(function (r) { ids[r.value] = true; });
      return ids;
    }
    function loadCovers(fresh) {
      var query = filter.value.trim();
      var mine = ++asked;
      var url = choicesUrl + "?q=" + encodeURIComponent(query) + "&offset=" + (fresh ? 0 : offset);
      count.textContent = "Đang tìm ảnh…";
      more.disabled = true;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(answer).then(function (result) {
          if (mine !== asked) return; // a newer search is on its way
          more.disabled = false;
          if (result.error) { count.textContent = result.error; return; }
          if (fresh) { // keep «no cover» and the photo chosen now, whatever the search finds
            grid.querySelectorAll(".cover-option:not(.cover-none)").forEach(function (o) {
              if (!o.querySelector("input").checked) o.remove();
            });
            grid.scrollTop = 0;
          }
          var have = shown();
          result.items.forEach(function (item) { if (!have[item.id]) grid.append(option(item)); });
          offset = result.offset;
          more.hidden = !result.more;
          var found = offset; // the photos listed so far (the chosen one stays even when it does not match)
          count.textContent = query && !result.items.length && fresh
            ? "Không có ảnh nào khớp «" + query + "»."
            : "Đang hiện " + found + " ảnh" + (query ? " khớp «" + query + "»" : "") +
              (result.more ? "; còn nữa: bấm «Xem thêm ảnh»." : ".");
        }).catch(function () {
          if (mine === asked) { more.disabled = false; count.textContent = "Không tải được ảnh (mất kết nối?)."; }
        });
    }
    filter.addEventListener("input", function () {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(function () { loadCovers(true); }, 300);
    });
    filter.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    more.addEventListener("click", function () { loadCovers(false); });

    var altBox = coverField.querySelector(".cover-alt");
    var altText = altBox.querySelector(".cover-alt-text");
    var altFallback = altBox.querySelector(".cover-alt-fallback");
    var altEdit = altBox.querySelector(".cover-alt-edit");
    var altInput = altBox.querySelector("#cover-alt-input");
    var altStatus = altBox.querySelector(".cover-alt-status");
    var chosen = function () { return coverField.querySelector("input[name=cover]:checked"); };
    var showAlt = function () {
      var radio = chosen();
      var none = !radio || radio.value === "__None";
      var alt = none ? "" : radio.getAttribute("data-alt");
      altText.textContent = none ? "— chưa chọn ảnh bìa —" : (alt || "chưa có mô tả: cần điền trước khi đăng");
      altText.classList.toggle("text-danger", !none && !alt);
      if (altFallback) altFallback.hidden = true;
      var editable = !none && radio.getAttribute("data-editable") === "yes";
      altEdit.hidden = !editable;
      if (editable) altInput.value = alt;
      altStatus.textContent = !none && !editable
        ? "Chỉ biên tập viên (hoặc người tải ảnh lên, khi ảnh chưa dùng trên trang đã đăng) sửa được mô tả ảnh này." : "";
    };
    coverField.addEventListener("change", function (e) { if (e.target.name === "cover") showAlt(); });
    showAlt();
    var saveAlt = function () {
      var radio = chosen();
      if (!radio || radio.value === "__None") return;
      var data = new FormData();
      data.set("asset", radio.value);
      data.set("alt_text", altInput.value);
      data.set("seen", radio.getAttribute("data-version"));
      altStatus.textContent = "Đang lưu…";
      post(altBox.getAttribute("data-alt-url"), data).then(answer).then(function (result) {
        if (result.error) { altStatus.textContent = result.error; return; }
        radio.setAttribute("data-alt", result.alt);
        radio.setAttribute("data-version", result.version);
        var label = radio.closest(".cover-option").querySelector(".cover-label");
        if (result.alt) label.textContent = result.alt;
        showAlt();
        altStatus.textContent = "Đã lưu mô tả ảnh.";
      }).catch(function () { altStatus.textContent = "Chưa lưu được (mất kết nối?)."; });
    };
    altBox.querySelector(".cover-alt-save").addEventListener("click", saveAlt);
    altInput.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); saveAlt(); }
    });
  }

  // --- autosave of a draft -----------------------------------------------------------------
  var autosaveUrl = wrapper.getAttribute("data-autosave-url");
  var seen = form.querySelector("input[name=seen]");
  var status = form.querySelector(".autosave-status");
  var inFlight = null;
  var stopped = !autosaveUrl;
  var submitting = false;
  var refused = false; // the last autosave was answered with a refusal: what is typed is not kept
  function fields() { // what a save would post, without the token and version
    var data = new FormData(form);
    data.delete("csrf_token");
    data.delete("seen");
    return new URLSearchParams(data).toString();
  }
  var saved = fields();
  function filed(result) {
    // a new story is now a draft: the page goes on as that draft's editor, so «Lưu» updates it
    // (never files a second one) and a reload opens it
    autosaveUrl = result.autosave_url;
    wrapper.setAttribute("data-autosave-url", autosaveUrl);
    form.action = result.edit_url;
    if (window.history && history.replaceState) history.replaceState(null, "", result.edit_url);
  }
  function autosave(keepalive) {
    if (stopped || submitting || inFlight) return inFlight;
    var now = fields();
    if (now === saved) return null;
    var data = new FormData(form);
    inFlight = post(autosaveUrl, data, keepalive ? { keepalive: true } : {}).then(function (response) {
      return answer(response).then(function (result) {
        saved = now;
        refused = !(response.ok && result.version);
        if (!refused) {
          if (seen) seen.value = result.version; // the next save starts from what autosave stored
          if (result.edit_url) filed(result);
          status.textContent = (result.edit_url ? "Đã tự lưu thành bản nháp lúc " : "Đã tự lưu lúc ") +
            result.saved_at + ".";
          status.classList.remove("text-danger");
          return;
        }
        status.classList.toggle("text-danger", !result.pending); // pending: waiting for the choices
        if (result.stale || result.stop) {
          stopped = true;
          status.textContent = "Đã ngừng tự lưu: " + result.error;
        } else {
          status.textContent = result.error || "Chưa tự lưu được.";
        }
      });
    }).catch(function () {
      status.textContent = "Chưa tự lưu được (mất kết nối?); sẽ thử lại.";
    }).then(function () { inFlight = null; });
    return inFlight;
  }
  if (autosaveUrl) {
    setInterval(function () { autosave(false); }, AUTOSAVE_EVERY);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") autosave(true); // a tab closed loses nothing
    });
  }
  form.addEventListener("submit", function (e) {
    if (inFlight) { // wait for the autosave, then save from the version it stored
      e.preventDefault();
      var submitter = e.submitter;
      inFlight.then(function () { form.requestSubmit(submitter); });
      return;
    }
    submitting = true;
  });

  // --- the workflow buttons (forms of their own, above) never drop what is typed -------------
  // «Gửi duyệt» or «Duyệt và đăng» act on the saved story: a draft's changes are saved first; a
  // story autosave does not keep asks before its changes are left behind
  document.querySelectorAll("form.workflow-form").forEach(function (flow) {
    flow.addEventListener("submit", function (e) {
      if (fields() === saved && !refused && !inFlight) return;
      e.preventDefault();
      if (stopped) {
        if (window.confirm("Bài có chỗ sửa chưa lưu. Bấm «OK» để tiếp tục mà bỏ những chỗ sửa ấy, " +
            "hoặc «Hủy» rồi bấm «Lưu» ở cuối trang để giữ chúng.")) flow.submit();
        return;
      }
      Promise.resolve(autosave(false) || inFlight).then(function () {
        if (fields() === saved && !refused) { flow.submit(); return; }
        status.scrollIntoView({ block: "center" });
      });
    });
  });
})();
