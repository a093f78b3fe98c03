/* The position bar: a slider that shows and says where playback is.
   Totals come from the manifest, rounded, so they match the chapter list. */
import {$, clock, spoken} from "./bus.js";

const main = $("main"), audio = $("audio"), seek = $("seek");
let lastWhole = -1;

export const duration = () => isFinite(audio.duration) && audio.duration > 0 ? audio.duration : main.dataset.durationMs / 1000;

export function render(again) {
  if (again) lastWhole = -1;
  const t = audio.currentTime, whole = Math.floor(t);
  const listed = Math.round(main.dataset.durationMs / 1000) || Math.round(duration());
  $("seek-fill").style.transform = "scaleX(" + Math.min(t / duration() || 0, 1) + ")";
  if (whole === lastWhole) return;
  lastWhole = whole;
  $("elapsed").textContent = clock(t);
  $("total").textContent = clock(listed);
  seek.setAttribute("aria-valuemax", String(listed));
  seek.setAttribute("aria-valuenow", String(Math.min(whole, listed)));
  seek.setAttribute("aria-valuetext", spoken(t) + " of " + spoken(listed));
}

audio.addEventListener("timeupdate", () => render());
for (const type of ["seeked", "durationchange", "loadedmetadata"]) audio.addEventListener(type, () => render(true));
