/* Runs in <head>, before the body is parsed: cleans the saved preferences
   against the settings the page offers (<meta name="audioguide-settings">,
   rendered from the server's one table) and applies the saved look, so a
   dark-theme listener never gets a bright flash. The player's modules use
   the same cleaned preferences and this same function to change the look. */
(function () {
  "use strict";
  var root = document.documentElement, table = {}, saved = {};
  /* "theme=auto dark dim;shortcuts=1;...": each setting's values, its default first; one value is a checkbox's default. */
  var meta = document.querySelector("meta[name=audioguide-settings]");
  (meta ? meta.content.split(";") : []).forEach(function (entry) {
    var pair = entry.split("=");
    table[pair[0]] = pair[1].split(" ").map(function (v) { return isNaN(v) ? v : Number(v); });
  });
  try { saved = JSON.parse(localStorage.getItem("audioguide:prefs")) || {}; } catch (e) { /* private mode */ }

  /* Saved values are untrusted: keep only offered ones. A number an older
     version offered snaps down to the nearest one offered now, so a tremor
     filter that was on stays on. */
  var prefs = {rate: 1, volume: 1};
  Object.keys(table).forEach(function (name) {
    var values = table[name], value = saved[name], fits;
    if (values.length === 1) { prefs[name] = typeof value === "boolean" ? value : !!values[0]; return; }
    prefs[name] = values[0];
    fits = values.filter(function (v) { return v === value || typeof v === "number" && typeof value === "number" && v <= value; });
    if (fits.length) prefs[name] = fits.reduce(function (a, b) { return b > a ? b : a; });
  });
  if (typeof saved.rate === "number" && saved.rate >= 0.5 && saved.rate <= 3) prefs.rate = Math.round(saved.rate * 10) / 10;
  if (typeof saved.volume === "number" && saved.volume >= 0 && saved.volume <= 1) prefs.volume = Math.round(saved.volume * 10) / 10;

  function look(p) {
    root.setAttribute("data-theme", p.theme);
    root.setAttribute("data-text-size", String(p.textSize));
    root.setAttribute("data-highlight", p.highlight);
    root.toggleAttribute("data-spacing", !!p.spacing);
    root.toggleAttribute("data-simple", !!p.simple);
    root.toggleAttribute("data-scan", p.scanMs > 0);
  }
  if (table.theme) look(prefs);
  window.audioguideLook = look;
  window.audioguidePrefs = prefs;
})();
