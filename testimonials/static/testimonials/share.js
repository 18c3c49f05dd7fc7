// The share page in steps (share.html): progressive enhancement. Without
// JavaScript the form is one page and the server checks everything; with it,
// the five sections become steps with a progress indicator, Back and Next,
// checks on Next, a live character count and a review before "Send".
//
// The draft lives in this tab's sessionStorage only (it outlives a reload or
// a visit elsewhere and back, not the tab, which matters on a shared
// computer), keyed per topic and invitation. Nothing is sent to the server
// before "Send": no request is made here at all. After a successful send the
// story's page (which also loads this file) clears the draft.
(function () {
  "use strict";

  var DRAFT_PREFIX = "testimonials:share-draft:";
  var SENDING = "testimonials:share-sending";
  // Consent must be given freshly each time: the "I agree" box and the typed
  // signature are never kept in the draft nor restored from it. The choices
  // that narrow or describe the authorization (where, how long, age) are
  // kept, so a reload never silently widens what the patient chose.
  var NEVER_KEPT = ["consent_to_publish", "signature", "website", "csrfmiddlewaretoken",
    "submission_key", "consent_text_version", "invitation"];

  function storage() {
    try {
      var store = window.sessionStorage;
      store.getItem(SENDING);
      return store;
    } catch (error) {
      return null; // storage disabled: the steps still work, without a draft
    }
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function characters(text) {
    return Array.from(text).length;
  }

  // On the story's page, after the redirect that follows a successful send.
  function clearSentDraft(store) {
    var key = store.getItem(SENDING);
    if (key) {
      store.removeItem(DRAFT_PREFIX + key);
      store.removeItem(SENDING);
    }
  }

  function enhance(form, store) {
    var words = form.dataset;
    var draftKey = DRAFT_PREFIX + form.dataset.draft;
    var steps = Array.prototype.slice.call(form.querySelectorAll(".share-step"));
    var progress = form.querySelector(".share-progress");
    var nav = form.querySelector(".share-nav");
    var back = document.getElementById("step-back");
    var next = document.getElementById("step-next");
    var review = document.getElementById("share-review");
    var send = document.getElementById("send-button");
    var current = 1;

    function controls(scope) {
      return Array.prototype.filter.call(
        scope.querySelectorAll("input, textarea, select"),
        function (control) {
          return control.type !== "hidden" && control.name && !control.closest(".hp");
        }
      );
    }

    function stepOf(element) {
      var section = element.closest(".share-step");
      return section ? Number(section.dataset.step) : steps.length;
    }

    // --- the draft -------------------------------------------------------
    function saveDraft() {
      if (!store) return;
      var fields = {};
      controls(form).forEach(function (control) {
        // A chosen file cannot be put back by a script: the patient picks it again.
        if (NEVER_KEPT.indexOf(control.name) !== -1 || control.type === "file") return;
        if (control.type === "radio") {
          if (control.checked) fields[control.name] = control.value;
          else if (!(control.name in fields)) fields[control.name] = null;
        } else if (control.type === "checkbox") {
          fields[control.name] = fields[control.name] || [];
          if (control.checked) fields[control.name].push(control.value);
        } else {
          fields[control.name] = control.value;
        }
      });
      try {
        store.setItem(draftKey, JSON.stringify({ step: current, fields: fields }));
      } catch (error) {
        // storage full: the form still works, only the draft is not kept
      }
    }

    function readDraft() {
      if (!store) return null;
      try {
        return JSON.parse(store.getItem(draftKey) || "null");
      } catch (error) {
        return null;
      }
    }

    function restoreDraft(draft) {
      var fields = draft.fields || {};
      controls(form).forEach(function (control) {
        if (NEVER_KEPT.indexOf(control.name) !== -1 || control.type === "file") return;
        if (!(control.name in fields)) return;
        var value = fields[control.name];
        if (control.type === "radio") control.checked = control.value === value;
        else if (control.type === "checkbox") control.checked = (value || []).indexOf(control.value) !== -1;
        else if (typeof value === "string") control.value = value;
      });
    }

    // --- errors next to the field and summarised at the top ---------------
    function describedBy(element, id, add) {
      var ids = (element.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      ids = ids.filter(function (existing) { return existing !== id; });
      if (add) ids.push(id);
      if (ids.length) element.setAttribute("aria-describedby", ids.join(" "));
      else element.removeAttribute("aria-describedby");
    }

    function fieldBox(control) {
      var group = control.closest("fieldset");
      return group && group.closest(".field") ? group : control;
    }

    function labelOf(control) {
      var group = control.closest("fieldset");
      if ((control.type === "radio" || control.type === "checkbox") && group && group.closest(".field")) {
        return group.querySelector("legend").textContent.trim();
      }
      var label = form.querySelector('label[for="' + control.id + '"]');
      return label ? label.textContent.trim() : control.name;
    }

    function clearError(control) {
      var box = fieldBox(control);
      var id = "id_" + control.name + "_error";
      var list = document.getElementById(id);
      if (list) list.remove();
      describedBy(box, id, false);
      form.querySelectorAll('[name="' + control.name + '"]').forEach(function (each) {
        each.removeAttribute("aria-invalid");
      });
    }

    function showError(control, message) {
      var box = fieldBox(control);
      var id = "id_" + control.name + "_error";
      var list = document.createElement("ul");
      list.className = "errorlist";
      list.id = id;
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
      if (box.tagName === "FIELDSET") box.querySelector("legend").after(list);
      else box.before(list);
      describedBy(box, id, true);
      form.querySelectorAll('[name="' + control.name + '"]').forEach(function (each) {
        each.setAttribute("aria-invalid", "true");
      });
    }

    function problemWith(control) {
      var value = control.value;
      if (control.type === "radio" || control.type === "checkbox") {
        if (!control.required) return "";
        var chosen = form.querySelector('[name="' + control.name + '"]:checked');
        return chosen ? "" : words.wordRequired;
      }
      var length = characters(value.trim());
      if (control.required && length === 0) return words.wordRequired;
      if (length && control.minLength > 0 && length < control.minLength) {
        return format(words.wordTooShort, { minimum: control.minLength, count: length });
      }
      if (control.maxLength > 0 && characters(value) > control.maxLength) {
        return format(words.wordTooLong, { maximum: control.maxLength, count: characters(value) });
      }
      if (control.type === "email" && value && control.validity.typeMismatch) return words.wordEmail;
      return "";
    }

    function removeSummary() {
      var old = document.getElementById("error-summary");
      if (old) old.remove();
    }

    function showSummary(problems) {
      removeSummary();
      var summary = document.createElement("div");
      summary.className = "errors";
      summary.id = "error-summary";
      summary.setAttribute("role", "alert");
      summary.tabIndex = -1;
      var heading = document.createElement("h2");
      heading.textContent = words.wordCheck;
      var list = document.createElement("ul");
      problems.forEach(function (problem) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + problem.control.id;
        link.textContent = problem.label + ": " + problem.message;
        item.appendChild(link);
        list.appendChild(item);
      });
      summary.appendChild(heading);
      summary.appendChild(list);
      form.before(summary);
      summary.focus();
    }

    // Checks the controls of the given steps; shows what is wrong; true if fine.
    function check(numbers) {
      var problems = [];
      var seen = {};
      numbers.forEach(function (number) {
        controls(steps[number - 1]).forEach(function (control) {
          if (seen[control.name]) return;
          seen[control.name] = true;
          clearError(control);
          var message = problemWith(control);
          if (message) {
            showError(control, message);
            problems.push({ control: control, label: labelOf(control), message: message });
          }
        });
      });
      if (!problems.length) {
        removeSummary();
        return true;
      }
      var first = stepOf(problems[0].control);
      if (first !== current) show(first, { focus: false });
      showSummary(problems);
      return false;
    }

    // --- the steps ---------------------------------------------------------
    function show(number, options) {
      current = Math.max(1, Math.min(steps.length, number));
      steps.forEach(function (section) {
        section.hidden = Number(section.dataset.step) !== current;
      });
      progress.querySelectorAll("li").forEach(function (item) {
        var step = Number(item.dataset.stepName);
        if (step === current) item.setAttribute("aria-current", "step");
        else item.removeAttribute("aria-current");
        item.classList.toggle("done", step < current);
      });
      back.hidden = current === 1;
      next.hidden = current === steps.length;
      send.hidden = current !== steps.length;
      if (current === steps.length) buildReview();
      saveDraft();
      if (!options || options.focus !== false) {
        // The progress above the heading stays in sight; the heading is read.
        progress.scrollIntoView({ block: "start" });
        steps[current - 1].querySelector("h2").focus({ preventScroll: true });
      }
    }

    function go(number) {
      if (number > current && !check([current])) return;
      removeSummary();
      show(number);
      history.pushState({ shareStep: current }, "");
    }

    function shownValue(section, control) {
      if (control.type === "radio") {
        var chosen = section.querySelector('[name="' + control.name + '"]:checked');
        return chosen ? chosen.closest("label").textContent.trim() : "";
      }
      if (control.type === "checkbox") {
        var boxes = section.querySelectorAll('[name="' + control.name + '"]');
        if (boxes.length === 1) return control.checked ? words.wordYes : words.wordNo;
        return Array.prototype.filter.call(boxes, function (box) { return box.checked; })
          .map(function (box) { return box.closest("label").textContent.trim(); })
          .join("; ");
      }
      if (control.type === "file") {
        return control.files && control.files.length ? control.files[0].name : "";
      }
      if (control.tagName === "SELECT") {
        return control.selectedIndex >= 0 ? control.options[control.selectedIndex].text : "";
      }
      return control.value.trim();
    }

    // What will be sent, step by step, built as text (never as markup).
    function buildReview() {
      review.textContent = "";
      steps.slice(0, -1).forEach(function (section) {
        var heading = document.createElement("h3");
        var title = document.createElement("span");
        title.textContent = section.querySelector("h2 .step-name").textContent;
        var change = document.createElement("button");
        change.type = "button";
        change.className = "link-button";
        change.textContent = words.wordChange;
        change.setAttribute("aria-label", words.wordChange + ": " + title.textContent);
        change.addEventListener("click", function () { go(Number(section.dataset.step)); });
        heading.appendChild(title);
        heading.appendChild(change);
        var list = document.createElement("dl");
        var seen = {};
        controls(section).forEach(function (control) {
          if (seen[control.name]) return;
          seen[control.name] = true;
          var term = document.createElement("dt");
          term.textContent = labelOf(control);
          var value = document.createElement("dd");
          value.textContent = shownValue(section, control) || words.wordEmpty;
          value.dataset.field = control.name;
          list.appendChild(term);
          list.appendChild(value);
        });
        review.appendChild(heading);
        review.appendChild(list);
      });
    }

    // --- the character count -------------------------------------------------
    function countCharacters(box) {
      var field = document.getElementById(box.dataset.counted);
      if (!field || !(field.maxLength > 0)) return;
      var shown = document.createElement("p");
      shown.className = "char-count";
      shown.id = field.id + "_count";
      // Screen readers hear the count once typing pauses, not on every key.
      var spoken = document.createElement("p");
      spoken.className = "visually-hidden";
      spoken.setAttribute("aria-live", "polite");
      field.after(shown, spoken);
      describedBy(field, shown.id, true);
      var pause = null;
      function update() {
        var count = characters(field.value);
        var text = format(words.wordCount, { count: count, maximum: field.maxLength });
        shown.textContent = text;
        shown.classList.toggle("over", count > field.maxLength);
        clearTimeout(pause);
        pause = setTimeout(function () { spoken.textContent = text; }, 1000);
      }
      field.addEventListener("input", update);
      update();
      spoken.textContent = "";
    }

    // --- start ---------------------------------------------------------------
    steps.forEach(function (section) {
      var heading = section.querySelector("h2");
      var name = document.createElement("span");
      name.className = "step-name";
      name.textContent = heading.textContent;
      var count = document.createElement("span");
      count.className = "step-count";
      count.textContent = format(words.wordStep, { number: section.dataset.step, total: steps.length }) + " ";
      heading.textContent = "";
      heading.appendChild(count);
      heading.appendChild(name);
    });
    document.getElementById("review-without-steps").hidden = true;
    review.hidden = false;
    progress.hidden = false;
    nav.hidden = false;
    // Send sits where Next was, beside Back; without JavaScript it ends step 5.
    var sendParagraph = send.parentNode;
    nav.appendChild(send);
    sendParagraph.remove();
    form.noValidate = true;
    form.classList.add("in-steps");

    var serverSummary = document.getElementById("error-summary");
    var firstInvalid = form.querySelector('[aria-invalid="true"]');
    var draft = readDraft();
    var start = 1;
    if (form.dataset.bound) {
      // The server answered (errors, or wait): what it shows is what was sent.
      start = firstInvalid ? stepOf(firstInvalid) : steps.length;
    } else {
      if (draft) {
        restoreDraft(draft);
        start = draft.step || 1;
      }
      form.querySelectorAll('[name="consent_to_publish"], [name="signature"]').forEach(function (control) {
        if (control.type === "checkbox") control.checked = false;
        else control.value = "";
      });
    }
    if (store) store.removeItem(SENDING);
    form.querySelectorAll("[data-counted]").forEach(countCharacters);
    show(start, { focus: false });
    history.replaceState({ shareStep: current }, "");
    if (serverSummary) serverSummary.focus();

    back.addEventListener("click", function () { go(current - 1); });
    next.addEventListener("click", function () { go(current + 1); });
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);
    // A fixed field loses its error at once; new errors wait for Next or Send.
    form.addEventListener("change", function (event) {
      var control = event.target;
      if (control.getAttribute("aria-invalid") === "true" && !problemWith(control)) clearError(control);
    });
    window.addEventListener("popstate", function (event) {
      var wanted = event.state && event.state.shareStep;
      if (!wanted) return;
      if (wanted > current && !check([current])) return;
      removeSummary();
      show(wanted);
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("#error-summary a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target || !form.contains(target)) return;
      event.preventDefault();
      var control = target.matches("input, textarea, select") ? target : target.querySelector("input, textarea, select");
      show(stepOf(target), { focus: false });
      (control || target).focus();
    });
    form.addEventListener("submit", function (event) {
      if (current < steps.length) {
        // Enter in a field of an earlier step means "Next", not "Send".
        event.preventDefault();
        go(current + 1);
        return;
      }
      var every = steps.map(function (section) { return Number(section.dataset.step); });
      if (!check(every)) {
        event.preventDefault();
        return;
      }
      saveDraft();
      if (store) store.setItem(SENDING, form.dataset.draft);
    });
  }

  function start() {
    var store = storage();
    var form = document.getElementById("share-form");
    if (form && form.querySelector(".share-step")) enhance(form, store);
    else if (store && document.querySelector("[data-share-sent]")) clearSentDraft(store);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
