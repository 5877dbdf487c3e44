// Wagtail's bundled date picker (jquery.datetimepicker) writes its apply button in
// English ("Save Selected") with no option to change it; Wagtail translates the month
// and day names but not this button. Give it the label this script's tag carries,
// translated on the server, on the pickers made so far and on every later one.
(function () {
  "use strict";
  var script = document.currentScript;
  var $ = window.jQuery;
  if (!script || !$ || !$.fn.datetimepicker) {
    return;
  }
  var label = script.dataset.saveSelected;

  function relabel() {
    $(".xdsoft_save_selected").text(label);
  }

  var original = $.fn.datetimepicker;
  $.fn.datetimepicker = function () {
    var result = original.apply(this, arguments);
    relabel();
    return result;
  };
  $.extend($.fn.datetimepicker, original);
  relabel();
  document.addEventListener("DOMContentLoaded", relabel);
})();
