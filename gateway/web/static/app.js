// claimsgw dashboard: a little plain JavaScript; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Now: refresh every 10 s while the box is ticked (remembered for the tab).
  var auto = document.getElementById("auto-refresh");
  if (auto) {
    auto.checked = sessionStorage.getItem("claimsgw-refresh") === "1";
    var timer = null;
    var arm = function () {
      clearTimeout(timer);
      sessionStorage.setItem("claimsgw-refresh", auto.checked ? "1" : "0");
      if (auto.checked) timer = setTimeout(function () { location.reload(); }, 10000);
    };
    auto.addEventListener("change", arm);
    arm();
  }
  // Searches: leave the empty fields out of the address.
  document.querySelectorAll("form.search").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        if (el.name && el.value === "") el.disabled = true;
      });
    });
  });
  // A forced match needs a reason: say so before sending.
  var match = document.getElementById("match-form");
  if (match) {
    var force = document.getElementById("match-force");
    var reason = document.getElementById("match-reason");
    var sync = function () { reason.required = force.checked; };
    force.addEventListener("change", sync);
    sync();
  }
});
