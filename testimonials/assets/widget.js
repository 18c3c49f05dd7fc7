/* Patient stories widget. Embed with:
   <script src="https://STORIES-HOST/widget.js" data-topic="SLUG" data-layout="list" data-theme="light" async></script>
   Renders the topic's published stories (only data-location's and
   data-clinician's when given) in a shadow root next to the tag, in
   data-lang's language (else the page's <html lang>, else the browser's),
   laid out as data-layout says: list (default), grid, carousel, wall or
   quote. The page themes it with --ts-accent, --ts-font and --ts-radius. */
(function () {
  "use strict";
  var LAYOUTS = ["list", "grid", "carousel", "wall", "quote"];
  // The page's CSS reaches the host element, and its !important rules beat
  // ours unless ours are !important too (inside a shadow root, an important
  // declaration of the shadow's own wins over the page's).
  var CSS =
    ":host{all:initial!important;display:block!important}" +
    "section{--fg:var(--ps-ink,#1b1f24);--bg:#fff;--line:#d8dde4;--mute:#4a5361;--star:#8a5a00;--ok:#1d6b35;" +
    "--a:var(--ts-accent,var(--ps-accent,#0b5cad));--r:var(--ts-radius,8px);" +
    "font:16px/1.5 var(--ts-font,system-ui,-apple-system,'Segoe UI',Roboto,sans-serif);color:var(--fg);background:var(--bg);" +
    "border:1px solid var(--line);border-radius:var(--r);padding:16px;text-align:start}" +
    ".dark{--fg:#f1f3f5;--bg:#16191d;--line:#3a414b;--mute:#c3c9d1;--star:#f0b429;--ok:#7ee2a0;--a:var(--ts-accent,#8cc4ff)}" +
    "@media (prefers-color-scheme:dark){.auto{--fg:#f1f3f5;--bg:#16191d;--line:#3a414b;--mute:#c3c9d1;--star:#f0b429;--ok:#7ee2a0;--a:var(--ts-accent,#8cc4ff)}}" +
    "h2{font-size:1.2em;margin:0 0 4px}p{margin:0 0 12px}[hidden]{display:none!important}" +
    ".note,figcaption{color:var(--mute);font-size:.9em}" +
    "ul{list-style:none;margin:0 0 12px;padding:0}.list li{border-top:1px solid var(--line);padding:12px 0}" +
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15em,1fr));gap:12px}.wall{columns:15em;column-gap:12px}" +
    ".grid li,.wall li,.slide,.quote{border:1px solid var(--line);border-radius:var(--r);padding:12px}" +
    ".wall li{break-inside:avoid;margin:0 0 12px}" +
    "figure,blockquote{margin:0}img{max-width:100%;height:auto;border-radius:4px;margin-bottom:6px}blockquote{white-space:pre-line;overflow-wrap:anywhere;margin-bottom:4px}" +
    ".quote{border-inline-start:4px solid var(--a);margin-bottom:12px}.quote blockquote{font-size:1.25em}" +
    ".stars{color:var(--star)}.ok{color:var(--ok);font-weight:600}.dis{font-size:.9em;margin:6px 0 0}" +
    ".typical{margin:0 0 12px}" +
    ".slide{touch-action:pan-y;min-height:6em}" +
    "@media (prefers-reduced-motion:no-preference){.slide{animation:in .3s ease-out}}@keyframes in{from{opacity:0}}" +
    ".controls{display:flex;gap:8px;align-items:center;margin:8px 0 12px}" +
    "button{font:inherit;color:var(--a);background:var(--bg);border:1px solid currentColor;border-radius:var(--r);padding:4px 12px;cursor:pointer;min-height:44px;min-width:44px}" +
    "a{color:var(--a)}a:focus-visible,button:focus-visible{outline:3px solid var(--a);outline-offset:2px}";

  // Our words per language ({n}, {m}: numbers); the stories stay as written.
  var KEYS = ("title results loading none more failed rated verified disclosure typical source " +
    "previous next pause play slide carousel slideLabel").split(" ");
  var WORDS = {
    en: ["Patient stories", "These are individual patients' experiences. Individual results vary.",
      "Loading stories…", "No stories published yet.", "More stories and the full article",
      "Patient stories could not be loaded.", "Rated {n} out of 5", "Verified patient",
      "Disclosure: ", "What patients typically experience: ", "Source: ",
      "Previous story", "Next story", "Stop moving", "Move on by itself", "story", "carousel", "{n} of {m}"],
    es: ["Historias de pacientes", "Son experiencias de pacientes concretos. Los resultados varían de una persona a otra.",
      "Cargando historias…", "Todavía no hay historias publicadas.", "Más historias y el artículo completo",
      "No se pudieron cargar las historias de pacientes.", "Valoración: {n} de 5", "Paciente verificado",
      "Aviso: ", "Lo que suelen experimentar los pacientes: ", "Fuente: ",
      "Historia anterior", "Historia siguiente", "Detener", "Avanzar solo", "historia", "carrusel", "{n} de {m}"]
  };
  var lang = "en", t = {};

  function language(script) {
    var wanted = [script.getAttribute("data-lang"), document.documentElement.lang].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var code = (wanted[i] || "").toLowerCase().split("-")[0];
      if (WORDS[code]) return code;
    }
    return "en";
  }

  function words(code) {
    var table = {};
    KEYS.forEach(function (key, i) { table[key] = WORDS[code][i]; });
    return table;
  }

  function fill(text, n, m) {
    return text.replace("{n}", n).replace("{m}", m);
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    for (var name in attrs || {}) node.setAttribute(name, attrs[name]);
    return node;
  }

  // One story: the text, who, rating, date, and its disclosures (FTC
  // Guides, 16 CFR 255), which travel with the story.
  function story(item, tag) {
    var caption = el("figcaption", item.display_name);
    if (item.rating) {
      caption.appendChild(document.createTextNode(" · "));
      caption.appendChild(el("span", "★★★★★☆☆☆☆☆".substr(5 - item.rating, 5),
        { "class": "stars", role: "img", "aria-label": fill(t.rated, item.rating) }));
    }
    var when = new Date(item.published_at);
    caption.appendChild(document.createTextNode(" · "));
    caption.appendChild(el("time", when.toLocaleDateString(lang,
      { year: "numeric", month: "long", day: "numeric" }), { datetime: item.published_at }));
    if (item.verified_patient) {
      caption.appendChild(document.createTextNode(" · "));
      caption.appendChild(el("span", t.verified, { "class": "ok" }));
    }
    var figure = el("figure");
    // The patient's photo, sanitized and approved (its alt text as they wrote it).
    (item.media || []).forEach(function (m) {
      if (m.kind === "photo") figure.appendChild(el("img", "", { src: m.url, alt: m.alt || "",
        width: m.width, height: m.height, loading: "lazy" }));
    });
    figure.appendChild(el("blockquote", item.body));
    figure.appendChild(caption);
    var box = el(tag);
    box.appendChild(figure);
    (item.material_connections || []).forEach(function (c) {
      box.appendChild(el("p", t.disclosure + c.text, { "class": "dis" }));
    });
    return box;
  }

  // The typical-results statement, once for each run of stories it applies to.
  function typical(statement) {
    return el("p", t.typical + statement.text + (statement.source ? " (" + t.source + statement.source + ")" : ""),
      { "class": "dis typical" });
  }

  function statementKey(item) {
    var s = item.typical_results;
    return s ? s.text + "\n" + (s.source || "") : "";
  }

  function runs(items) {
    var groups = [];
    items.forEach(function (item) {
      var last = groups[groups.length - 1];
      if (last && last.key === statementKey(item)) last.items.push(item);
      else groups.push({ key: statementKey(item), statement: item.typical_results, items: [item] });
    });
    return groups;
  }

  function stories(box, items, layout) {
    runs(items).forEach(function (group) {
      var list = box.appendChild(el("ul", "", { "class": layout }));
      group.items.forEach(function (item) { list.appendChild(story(item, "li")); });
      if (group.statement) box.appendChild(typical(group.statement));
    });
  }

  function withStatement(item) {
    var box = story(item, "div");
    if (item.typical_results) box.appendChild(typical(item.typical_results));
    return box;
  }

  // A different story on each page view: the next one after the story this
  // browser tab saw last (a random one first), remembered for the tab only.
  function quote(box, items, key) {
    var index = Math.floor(Math.random() * items.length);
    try {
      var seen = sessionStorage.getItem(key);
      if (seen !== null) index = (parseInt(seen, 10) + 1) % items.length;
      sessionStorage.setItem(key, index);
    } catch (e) { /* storage blocked: the random pick stands */ }
    var one = box.appendChild(withStatement(items[index]));
    one.className = "quote";
  }

  // One story at a time, with buttons and arrow keys, swipe, and moving on
  // by itself every `seconds`, except while the reader points at it or is
  // in it, after they stop it, or at all when they prefer reduced motion.
  function carousel(box, items, seconds) {
    var region = box.appendChild(el("div", "", { role: "region", "aria-roledescription": t.carousel, "aria-label": t.title }));
    var slides = region.appendChild(el("div", "", { "aria-live": "off" }));
    items.forEach(function (item, i) {
      var slide = slides.appendChild(withStatement(item));
      slide.className = "slide";
      slide.setAttribute("role", "group");
      slide.setAttribute("aria-roledescription", t.slide);
      slide.setAttribute("aria-label", fill(t.slideLabel, i + 1, items.length));
      slide.hidden = i > 0;
    });
    var current = 0, timer = 0, hovered = false, inside = false, stopped = false;
    var moves = items.length > 1 && seconds > 0 && !matchMedia("(prefers-reduced-motion: reduce)").matches;
    var controls = region.appendChild(el("div", "", { "class": "controls" }));
    var toggle = moves && el("button", t.pause, { type: "button" });

    function show(index) {
      slides.children[current].hidden = true;
      current = (index + items.length) % items.length;
      slides.children[current].hidden = false;
      schedule();
    }
    function schedule() {
      clearTimeout(timer);
      var playing = moves && !stopped && !hovered && !inside;
      region.setAttribute("data-playing", playing);
      slides.setAttribute("aria-live", playing ? "off" : "polite");
      if (playing) timer = setTimeout(function () { show(current + 1); }, seconds * 1000);
    }
    function button(label, symbol, step) {
      var b = controls.appendChild(el("button", symbol, { type: "button", "aria-label": label }));
      b.addEventListener("click", function () { show(current + step); });
    }
    if (items.length > 1) {
      button(t.previous, "‹", -1);
      if (toggle) {
        controls.appendChild(toggle).addEventListener("click", function () {
          stopped = !stopped;
          toggle.textContent = stopped ? t.play : t.pause;
          schedule();
        });
      }
      button(t.next, "›", 1);
    }
    region.addEventListener("keydown", function (event) {
      var step = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (!step || items.length < 2) return;
      event.preventDefault();
      show(current + step);
    });
    var startX = null;
    slides.addEventListener("pointerdown", function (event) { startX = event.clientX; });
    slides.addEventListener("pointerup", function (event) {
      var moved = startX === null ? 0 : event.clientX - startX;
      startX = null;
      if (Math.abs(moved) > 40 && items.length > 1) show(current + (moved < 0 ? 1 : -1));
    });
    region.addEventListener("pointerenter", function () { hovered = true; schedule(); });
    region.addEventListener("pointerleave", function () { hovered = false; schedule(); });
    region.addEventListener("focusin", function () { inside = true; schedule(); });
    region.addEventListener("focusout", function (event) {
      inside = region.contains(event.relatedTarget);
      schedule();
    });
    schedule();
  }

  function mount(script) {
    if (script.hasAttribute("data-mounted")) return;
    script.setAttribute("data-mounted", "");
    lang = language(script);
    t = words(lang);
    var topic = script.getAttribute("data-topic") || "";
    var layout = script.getAttribute("data-layout");
    if (LAYOUTS.indexOf(layout) < 0) layout = "list";
    var theme = script.getAttribute("data-theme");
    if (theme !== "dark" && theme !== "auto") theme = "light";
    var limit = Math.min(Math.max(parseInt(script.getAttribute("data-limit"), 10) || 5, 1), 20);
    var seconds = parseInt(script.getAttribute("data-interval"), 10);
    if (isNaN(seconds) || seconds < 0) seconds = 7;
    var origin = new URL(script.src, location.href).origin;
    var host = el("div", "", { "class": "patient-stories-widget" });
    script.parentNode.insertBefore(host, script.nextSibling);
    var root = host.attachShadow({ mode: "open" });
    var section = el("section", "", { "aria-labelledby": "ps-title", lang: lang,
      "class": theme, "data-layout": layout });
    section.appendChild(el("h2", t.title, { id: "ps-title" }));
    var mode = section.appendChild(el("p", "", { "class": "note" }));
    section.appendChild(el("p", t.results, { "class": "note" }));
    var state = el("p", t.loading, { role: "status" });
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
        var items = page.results;
        state.textContent = items.length ? "" : t.none;
        if (!items.length) return;
        state.remove();
        if (layout === "carousel") carousel(section, items, seconds);
        else if (layout === "quote") quote(section, items, "patient-stories:" + topic + place);
        else stories(section, items, layout);
        section.appendChild(el("p")).appendChild(el("a", t.more,
          { href: origin + "/education/" + encodeURIComponent(topic) + "/" + place.replace("&", "?") }));
      })
      .catch(function () { state.textContent = t.failed; });
  }

  var current = document.currentScript;
  if (current) mount(current);
  else Array.prototype.forEach.call(document.querySelectorAll("script[data-topic]"), function (s) {
    if (/\/widget\.js(\?|$)/.test(s.src)) mount(s);
  });
})();
