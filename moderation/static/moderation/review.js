// Keyboard shortcuts for the review page: a approve, e edit, r reject, n next.
// Every action is also a plain form button; this only saves clicks.
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key.toLowerCase();
    var target = null;
    if (key === "a") target = document.getElementById("approve-button");
    if (key === "n") target = document.getElementById("next-link");
    if (target) { event.preventDefault(); target.click(); return; }
    if (key === "e") target = document.getElementById("edited-body");
    if (key === "r") target = document.getElementById("reject-reason");
    if (target) { event.preventDefault(); target.focus(); }
  });
})();
