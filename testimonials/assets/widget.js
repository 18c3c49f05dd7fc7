/* Patient stories widget. Embed with:
   <script src="https://STORIES-HOST/widget.js" data-topic="SLUG" data-limit="5" data-theme="light" async></script>
   Renders the topic's published stories (only data-location's and
   data-clinician's when given) in a shadow root next to the tag, in
   data-lang's language (else the page's <html lang>, else the browser's). */
(function () {
  "use strict";
  var CSS =
    ":host{all:initial;display:block}" +
    "section{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ps-ink,#1b1f24);background:#fff;border:1px solid #d8dde4;border-radius:8px;padding:16px}" +
    ".dark{color:#f1f3f5;background:#16191d;border-color:#3a414b}" +
    "h2{font-size:1.2em;margin:0 0 4px}p{margin:0 0 12px}" +
    ".note,figcaption{color:#4a5361;font-size:.9em}.dark .note,.dark figcaption{color:#c3c9d1}" +
    "ul{list-style:none;margin:0;padding:0}li{border-top:1px solid #d8dde4;padding:12px 0}.dark li{border-color:#3a414b}" +
    "figure,blockquote{margin:0}img{max-width:100%;height:auto;border-radius:4px;margin-bottom:6px}blockquote{white-space:pre-line;overflow-wrap:anywhere;margin-bottom:4px}" +
    ".stars{color:#8a5a00}.dark .stars{color:#f0b429}.ok{color:#1d6b35;font-weight:600}.dark .ok{color:#7ee2a0}" +
    ".dis{font-size:.9em;margin:6px 0 0}" +
    "a{color:var(--ps-accent,#0b5cad)}.dark a{color:#8cc4ff}a:focus-visible{outline:3px solid currentColor;outline-offset:2px}";

  // Our words per language ({n}: a number); the stories stay as written.
  var WORDS = {
    en: ["Patient stories", "These are individual patients' experiences. Individual results vary.",
      "Loading stories…", "No stories published yet.", "More stories and the full article",
      "Patient stories could not be loaded.", "Rated {n} out of 5", "Verified patient",
      "Disclosure: ", "What patients typically experience: ", "Source: "],
    es: ["Historias de pacientes", "Son experiencias de pacientes concretos. Los resultados varían de una persona a otra.",
      "Cargando historias…", "Todavía no hay historias publicadas.", "Más historias y el artículo completo",
      "No se pudieron cargar las historias de pacientes.", "Valoración: {n} de 5", "Paciente verificado",
      "Aviso: ", "Lo que suelen experimentar los pacientes: ", "Fuente: "]
  };
  var lang = "en", t = WORDS.en;

  function language(script) {
    var wanted = [script.getAttribute("data-lang"), document.documentElement.lang].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var code = (wanted[i] || "").toLowerCase().split("-")[0];
      if (WORDS[code]) return code;
    }
    return "en";
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    return node;
  }

  function story(item) {
    var caption = el("figcaption", item.display_name);
    if (item.rating) {
      caption.appendChild(document.createTextNode(" · "));
      caption.appendChild(el("span", "★★★★★☆☆☆☆☆".substr(5 - item.rating, 5),
        { "class": "stars", role: "img", "aria-label": t[6].replace("{n}", item.rating) }));
    }
    var when = new Date(item.published_at);
    caption.appendChild(document.createTextNode(" · "));
    caption.appendChild(el("time", when.toLocaleDateString(lang,
      { year: "numeric", month: "long", day: "numeric" }), { datetime: item.published_at }));
    if (item.verified_patient) {
      caption.appendChild(document.createTextNode(" · "));
      caption.appendChild(el("span", t[7], { "class": "ok" }));
    }
    var figure = el("figure");
    // The patient's photo, sanitized and approved (its alt text as they wrote it).
    (item.media || []).forEach(function (m) {
      if (m.kind === "photo") figure.appendChild(el("img", "", { src: m.url, alt: m.alt || "",
        width: m.width, height: m.height, loading: "lazy" }));
    });
    figure.appendChild(el("blockquote", item.body));
    figure.appendChild(caption);
    var li = el("li");
    li.appendChild(figure);
    // Disclosures travel with the story (FTC Guides, 16 CFR 255).
    (item.material_connections || []).forEach(function (c) {
      li.appendChild(el("p", t[8] + c.text, { "class": "dis" }));
    });
    var typical = item.typical_results;
    if (typical) li.appendChild(el("p", t[9] + typical.text +
      (typical.source ? " (" + t[10] + typical.source + ")" : ""), { "class": "dis" }));
    return li;
  }

  function mount(script) {
    if (script.hasAttribute("data-mounted")) return;
    script.setAttribute("data-mounted", "");
    lang = language(script);
    t = WORDS[lang];
    var topic = script.getAttribute("data-topic") || "";
    var limit = Math.min(Math.max(parseInt(script.getAttribute("data-limit"), 10) || 5, 1), 20);
    var origin = new URL(script.src, location.href).origin;
    var host = el("div", "", { "class": "patient-stories-widget" });
    script.parentNode.insertBefore(host, script.nextSibling);
    var root = host.attachShadow({ mode: "open" });
    var section = el("section", "", { "aria-labelledby": "ps-title", lang: lang,
      "class": script.getAttribute("data-theme") === "dark" ? "dark" : "light" });
    section.appendChild(el("h2", t[0], { id: "ps-title" }));
    var mode = section.appendChild(el("p", "", { "class": "note" }));
    section.appendChild(el("p", t[1], { "class": "note" }));
    var state = el("p", t[2], { role: "status" });
    section.appendChild(state);
    // Constructed stylesheets, which a host page's CSP without
    // 'unsafe-inline' in style-src still allows (a <style> element it blocks).
    var constructed = "adoptedStyleSheets" in root && typeof CSSStyleSheet.prototype.replaceSync === "function";
    function style(css) {
      if (!constructed) return root.appendChild(el("style", css));
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    }
    style(CSS);
    // The organisation's colours (--ps-accent, --ps-ink on :host), if it chose any.
    fetch(origin + "/brand/topics/" + encodeURIComponent(topic) + ".css", { credentials: "omit" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (css) { if (css) style(css); }, function () {});
    root.appendChild(section);

    var query = "?topic=" + encodeURIComponent(topic) + "&limit=" + limit + "&channel=widget";
    if (script.getAttribute("data-featured") === "true") query += "&featured=true";
    // A location's or a clinician's stories only: never a sister location's.
    var place = "";
    ["location", "clinician"].forEach(function (name) {
      var slug = script.getAttribute("data-" + name);
      if (slug) place += "&" + name + "=" + encodeURIComponent(slug);
    });
    query += place;
    // no-cache: revalidate every time (a cheap 304), so a withdrawn story
    // is gone on the next page view.
    // The server words the topic's collection note in the same language.
    fetch(origin + "/api/v1/published/" + query,
      { credentials: "omit", cache: "no-cache", headers: { "Accept-Language": lang } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (page) {
        if (page.collection) mode.textContent = page.collection.label + ". " + page.collection.note;
        state.textContent = page.results.length ? "" : t[3];
        if (!page.results.length) return;
        state.remove();
        var list = el("ul");
        page.results.forEach(function (item) { list.appendChild(story(item)); });
        section.appendChild(list);
        section.appendChild(el("p")).appendChild(el("a", t[4],
          { href: origin + "/education/" + encodeURIComponent(topic) + "/" + place.replace("&", "?") }));
      })
      .catch(function () { state.textContent = t[5]; });
  }

  var current = document.currentScript;
  if (current) mount(current);
  else Array.prototype.forEach.call(document.querySelectorAll("script[data-topic]"), function (s) {
    if (/\/widget\.js(\?|$)/.test(s.src)) mount(s);
  });
})();
