// The widget builder: refreshes the preview and the snippet as the choices
// change, by reading the builder page itself for them (the server writes
// the snippet), and copies the snippet. Without it the form's "Show" works.
(function () {
  "use strict";
  var form = document.getElementById("widget-builder");
  if (!form) return;

  function showPreview(source) {
    var preview = document.getElementById("widget-preview");
    if (!preview || !source) return;
    var script = document.createElement("script");
    Array.prototype.forEach.call(source.attributes, function (attribute) {
      if (attribute.name !== "data-mounted") script.setAttribute(attribute.name, attribute.value);
    });
    preview.replaceChildren(script);
    applyAccent();
  }

  // The page's own theming, as a website would set it in its stylesheet.
  function applyAccent() {
    var preview = document.getElementById("widget-preview");
    if (!preview) return;
    var accent = preview.getAttribute("data-accent");
    if (accent) preview.style.setProperty("--ts-accent", accent);
    else preview.style.removeProperty("--ts-accent");
  }

  function refresh() {
    var query = new URLSearchParams(new FormData(form)).toString();
    fetch("?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var output = document.getElementById("widget-output");
        var freshOutput = fresh.getElementById("widget-output");
        if (!output || !freshOutput) return;
        output.replaceWith(document.importNode(freshOutput, true));
        setUp();
        showPreview(fresh.querySelector("#widget-preview script"));
        history.replaceState(null, "", "?" + query);
      });
  }

  function setUp() {
    var copy = document.getElementById("copy-snippet");
    var snippet = document.getElementById("widget-snippet");
    var status = document.getElementById("copy-status");
    if (!copy || !snippet) return;
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var done = function () { status.textContent = "Copied."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(snippet.value).then(done, function () {
          snippet.select();
          status.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
        });
      } else {
        snippet.select();
        document.execCommand("copy");
        done();
      }
    });
  }

  form.addEventListener("change", refresh);
  setUp();
  applyAccent();
})();
