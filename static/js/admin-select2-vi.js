// Select2 3.5 (Flask-Admin's filter and form selects) in Vietnamese: its own words are English
// ("No matches found", "Searching…", "Please enter 2 or more characters"), including what it
// reads out to screen readers. Loaded right after select2.min.js, before any select is drawn;
// same origin, no inline code (CSP). tests/test_admin_language.py checks every English message
// of select2.min.js is replaced here.
(function ($) {
  "use strict";
  if (!$ || !$.fn || !$.fn.select2) return;
  $.extend($.fn.select2.defaults, {
    formatMatches: function (n) {
      return n === 1 ? "Có 1 kết quả; bấm Enter để chọn."
        : "Có " + n + " kết quả; dùng phím mũi tên lên, xuống để chọn.";
    },
    formatNoMatches: function () { return "Không tìm thấy mục nào khớp"; },
    formatAjaxError: function () { return "Không tải được danh sách; hãy thử lại."; },
    formatInputTooShort: function (input, min) {
      return "Hãy gõ thêm ít nhất " + (min - input.length) + " ký tự";
    },
    formatInputTooLong: function (input, max) {
      return "Hãy xóa bớt " + (input.length - max) + " ký tự";
    },
    formatSelectionTooBig: function (limit) { return "Chỉ chọn được tối đa " + limit + " mục"; },
    formatLoadMore: function () { return "Đang tải thêm…"; },
    formatSearching: function () { return "Đang tìm…"; }
  });
})(window.jQuery);
