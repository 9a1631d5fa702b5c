// The registration page, as fast as paper: "Add a person" adds a row here instead of
// a round trip, focused on the given name, with the family name carried over in the
// form for the new person's sex (Иванов -> Иванова when "female" is chosen, and back).
// The table of endings comes from the server (core/names/forms.py SURNAME_GENDER_ENDINGS),
// so the page and the server apply one rule. Without this script the page still works:
// the same button asks the server for one more row.
(function () {
  "use strict";
  var form = document.querySelector("form.register");
  var template = document.getElementById("member-row");
  if (!form || !template) return;
  var total = form.querySelector("input[name='m-TOTAL_FORMS']");
  var addButton = form.querySelector("button[name='more']");
  var endings = JSON.parse(form.dataset.surnameEndings || "[]");
  var MAX_ROWS = 30;

  function surnameForSex(surname, sex) {
    var lower = surname.toLowerCase();
    for (var i = 0; i < endings.length; i++) {
      var have = sex === "F" ? endings[i][0] : sex === "M" ? endings[i][1] : "";
      var want = sex === "F" ? endings[i][1] : endings[i][0];
      if (have && lower.endsWith(have) && lower.length > have.length + 1) {
        if (lower.endsWith(want)) return surname;
        var last = surname.charAt(surname.length - 1);
        var ending = last === last.toUpperCase() && last !== last.toLowerCase() ? want.toUpperCase() : want;
        return surname.slice(0, surname.length - have.length) + ending;
      }
    }
    return surname;
  }

  function field(row, name) {
    return row.querySelector("[name='" + row.dataset.prefix + "-" + name + "']");
  }

  // A carried family name follows the row's sex until the registrar types over it.
  function followSex(row) {
    var family = field(row, "family_name");
    var sex = field(row, "sex");
    sex.addEventListener("change", function () {
      if (family.dataset.carried === undefined || family.value !== family.dataset.carried) return;
      family.value = surnameForSex(family.dataset.carriedFrom, sex.value || family.dataset.carriedSex);
      family.dataset.carried = family.value;
    });
  }

  function addRow() {
    var n = parseInt(total.value, 10);
    if (!(n >= 0) || n >= MAX_ROWS) return false;
    var rows = form.querySelectorAll("fieldset.member");
    var previous = rows[rows.length - 1];
    var html = template.innerHTML.replace(/__prefix__/g, String(n)).replace(/__number__/g, String(n + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.querySelector("fieldset.member");
    previous.parentNode.insertBefore(row, previous.nextSibling);
    total.value = String(n + 1);
    var family = field(row, "family_name");
    var from = previous ? field(previous, "family_name") : null;
    if (from && from.value.trim()) {
      family.value = from.value.trim();
      family.dataset.carried = family.value;
      family.dataset.carriedFrom = family.value;
      family.dataset.carriedSex = field(previous, "sex").value;
    }
    followSex(row);
    field(row, "given_name").focus();
    return true;
  }

  form.querySelectorAll("fieldset.member").forEach(followSex);
  addButton.addEventListener("click", function (event) {
    if (addRow()) event.preventDefault();
  });
  var first = form.querySelector("fieldset.member input[type='text']");
  var warning = document.getElementById("possible-duplicates");
  if (warning) warning.focus();
  else if (first && !first.value && !form.querySelector(".errors, .invalid")) first.focus();
})();
