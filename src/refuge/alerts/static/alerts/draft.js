// The draft form shows the fields an area or a warning needs and hides the others:
// the border band's width for "band", the circle's centre and radius for "circle", the
// shelter's address for "shelter opened / full". Without JavaScript every field shows.
(function () {
  "use strict";
  function update(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (group) {
      var control = form.elements.namedItem(group.dataset.showWhen);
      if (!control) return;
      var wanted = group.dataset.values.split(" ");
      var shown = wanted.indexOf(control.value) !== -1 || group.querySelector(".errorlist");
      group.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-show-when]")) return;
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();
