/* Runs in <head>, before the body is parsed: cleans the saved preferences
   against the settings the page offers (<meta name="audioguide-settings">,
   rendered from the server's one table) and applies the saved look, so a
   dark-theme listener never gets a bright flash. The player's modules use
   the same cleaned preferences and this same function to change the look. */
(() => {
  "use strict";
  const root = document.documentElement, meta = document.querySelector("meta[name=audioguide-settings]");
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem("audioguide:prefs")) || {}; } catch (e) { /* private mode */ }

  /* "theme=auto dark dim;shortcuts=1;...": each setting's values, its default
     first; one value is a checkbox's default. Saved values are untrusted: keep
     only offered ones. A number an older version offered snaps down to the
     nearest one offered now, so a tremor filter that was on stays on. */
  const prefs = {rate: 1, volume: 1};
  for (const entry of meta ? meta.content.split(";") : []) {
    const [name, list] = entry.split("="), values = list.split(" ").map((v) => isNaN(v) ? v : Number(v));
    const value = saved[name];
    if (values.length === 1) {
      prefs[name] = typeof value === "boolean" ? value : !!values[0];
      continue;
    }
    const fits = values.filter((v) => v === value || typeof v === "number" && typeof value === "number" && v <= value);
    prefs[name] = fits.length ? fits.reduce((a, b) => b > a ? b : a) : values[0];
  }
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
  if (meta) look(prefs);
  window.audioguideLook = look;
  window.audioguidePrefs = prefs;
})();
