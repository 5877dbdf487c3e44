/* Show a conditional field only while its condition holds (progressive enhancement).
 * The server decides what is required; without JS every field stays visible.
 * Markup: <div data-condition-field="key" data-condition-value="value"> around a field. */
(function () {
  "use strict";
  var TRUE_WORDS = ["true", "1", "on", "yes", "ya", "y"];
  var FALSE_WORDS = ["false", "0", "off", "no", "tidak", "t", "n", ""];

  function norm(value) {
    return String(value == null ? "" : value).trim().toLowerCase();
  }

  function matches(form, key, expected) {
    var inputs = form.querySelectorAll('[name="' + key + '"]');
    var wanted = norm(expected);
    if (!inputs.length) return false;
    var first = inputs[0];
    if (first.type === "checkbox" && inputs.length === 1) {
      return (first.checked ? TRUE_WORDS : FALSE_WORDS).indexOf(wanted) !== -1;
    }
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) continue;
      if (norm(input.value) === wanted) return true;
    }
    return false;
  }

  function isShown(form, wrapper, seen) {
    var key = wrapper.getAttribute("data-condition-field");
    if (seen.indexOf(key) !== -1) return false;
    var controller = form.querySelector('.form-field[data-condition-field][id="field-' + key + '"]');
    if (controller && !isShown(form, controller, seen.concat([key]))) return false;
    return matches(form, key, wrapper.getAttribute("data-condition-value"));
  }

  function update(form) {
    var wrappers = form.querySelectorAll(".form-field[data-condition-field]");
    for (var i = 0; i < wrappers.length; i++) {
      var shown = isShown(form, wrappers[i], []);
      wrappers[i].hidden = !shown;
      var controls = wrappers[i].querySelectorAll("input, select, textarea");
      for (var j = 0; j < controls.length; j++) controls[j].disabled = !shown;
    }
  }

  function init() {
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (!form.querySelector(".form-field[data-condition-field]")) continue;
      var notes = form.querySelectorAll(".form-field__condition");
      for (var j = 0; j < notes.length; j++) notes[j].hidden = true;
      form.addEventListener("change", update.bind(null, form));
      form.addEventListener("input", update.bind(null, form));
      update(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
