// Paper questionnaire entry: on an answer's radio, typing 1–4 chooses that answer and
// moves the focus to the next unsur, so a questionnaire is typed as nine digits.
(function () {
  "use strict";
  const form = document.querySelector("[data-paper-entry]");
  if (!form) {
    return;
  }
  const groups = Array.from(form.querySelectorAll("[data-survey-answer-group]"));
  form.addEventListener("keydown", function (event) {
    const radio = event.target;
    if (!radio.matches || !radio.matches("input[type=radio][data-survey-answer]")) {
      return;
    }
    if (!/^[1-4]$/.test(event.key)) {
      return;
    }
    const group = radio.closest("[data-survey-answer-group]");
    const choice = group.querySelector('input[type=radio][value="' + event.key + '"]');
    if (!choice) {
      return;
    }
    event.preventDefault();
    choice.checked = true;
    choice.dispatchEvent(new Event("change", { bubbles: true }));
    const next = groups[groups.indexOf(group) + 1];
    if (next) {
      const target = next.querySelector("input[type=radio]:checked") || next.querySelector("input[type=radio]");
      target.focus();
    } else {
      const after = form.querySelector("[name=gender], [name=age], [name=suggestion], button[name=save_next]");
      if (after) {
        after.focus();
      }
    }
  });
})();
