// The photo upload form: a zone to drop a photo on, around the ordinary file input. The form is
// still posted as usual, so every check on the server applies; without this script the plain
// file input does the same job.
(function () {
  "use strict";
  var input = document.querySelector("input[type=file][data-drop-zone]");
  if (!input || !window.DataTransfer) return;

  var zone = document.createElement("div");
  zone.className = "drop-zone";
  var label = document.createElement("p");
  label.className = "drop-zone-text";
  label.textContent = "Kéo và thả ảnh vào đây, hoặc bấm để chọn tệp";
  var chosen = document.createElement("p");
  chosen.className = "drop-zone-file";
  chosen.setAttribute("aria-live", "polite");
  var preview = document.createElement("img");
  preview.className = "drop-zone-preview";
  preview.alt = "";
  preview.hidden = true;

  input.parentNode.insertBefore(zone, input);
  zone.appendChild(label);
  zone.appendChild(input);  // the input stays in the form and covers the zone: a click chooses a file
  zone.appendChild(chosen);
  zone.appendChild(preview);

  var accepted = (input.getAttribute("accept") || "").split(",");

  function show(file) {
    if (!file) {
      chosen.textContent = "";
      preview.hidden = true;
      return;
    }
    var size = file.size < 1e6 ? Math.max(1, Math.round(file.size / 1e3)) + " KB"
                               : (file.size / 1e6).toFixed(1).replace(".", ",") + " MB";
    chosen.textContent = "Đã chọn: " + file.name + " (" + size + ")";
    if (accepted.indexOf(file.type) === -1) {
      chosen.textContent += " — tệp này không phải JPEG, PNG hay WebP; máy chủ sẽ từ chối.";
    }
    if (/^image\/(jpeg|png|webp)$/.test(file.type) && file.size < 15e6) {
      var reader = new FileReader();
      reader.onload = function () { preview.src = reader.result; preview.hidden = false; };
      reader.readAsDataURL(file);
    } else {
      preview.hidden = true;
    }
  }

  input.addEventListener("change", function () { show(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (e) {
      e.preventDefault();
      zone.classList.add("is-over");
    });
  });
  ["dragleave", "dragend"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("is-over");
    var files = e.dataTransfer && e.dataTransfer.files;
    if (!files || !files.length) return;
    var one = new DataTransfer();
    one.items.add(files[0]);  // one photo per upload
    input.files = one.files;
    show(files[0]);
  });
})();
