// A table wider than a phone scrolls sideways inside its .table-wrap; a keyboard user
// can only scroll it if the wrapper takes focus, so it does, with the caption or the
// nearest heading as its name. Tables that fit need no tab stop.
(function () {
  function label(wrap) {
    var table = wrap.querySelector("table");
    if (table && table.caption) return table.caption.textContent;
    for (var el = wrap.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent;
    }
    return document.title;
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "group"); // not a landmark: its section may be one already
        wrap.setAttribute("aria-label", label(wrap).trim());
      } else if (wrap.getAttribute("role") === "group") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
