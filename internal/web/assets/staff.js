// The staff console's only script: suggestions for the reference inputs as the
// staffer types. Without it the inputs work the same: what is typed (a name, a slug
// or an id) is resolved when the form is sent, and the datalist holds the first
// records. Loaded from this file only (the console's CSP allows no inline script).
(function () {
  "use strict";
  var timers = new WeakMap();
  function suggest(input) {
    var list = input.list;
    var url = input.getAttribute("data-lookup");
    if (!list || !url) {
      return;
    }
    var q = input.value.replace(/\s*\(#\d+\)\s*$/, "");
    fetch(url + "&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        while (list.firstChild) {
          list.removeChild(list.firstChild);
        }
        items.forEach(function (it) {
          var o = document.createElement("option");
          o.value = it.value;
          o.textContent = it.status;
          list.appendChild(o);
        });
      })
      .catch(function () {});
  }
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-lookup")) {
      return;
    }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input); }, 200));
  });
})();
