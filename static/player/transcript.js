/* The transcript: each sentence becomes a button that plays from there; the
   one being spoken is marked (highlighted, underlined or not at all, as the
   listener chose) and kept in view. Finding words in it: search.js. */
import {$, on} from "./bus.js";
import {prefs} from "./prefs.js";

const audio = $("audio");
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
let segments = [], current = -1;

function upgrade() {
  segments = [];
  current = -1;
  $("transcript-body").querySelectorAll("span.seg").forEach((span) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "seg";
    button.dataset.startMs = span.dataset.startMs;
    button.textContent = span.textContent;
    span.replaceWith(button);
    segments.push({el: button, start: Number(span.dataset.startMs)});
  });
}

function highlight() {
  const ms = Math.round(audio.currentTime * 1000); /* 1.005 s is 1004.999… ms */
  let found = -1;
  for (let i = 0; i < segments.length && segments[i].start <= ms; i++) found = i;
  if (found === current) return;
  if (current >= 0 && segments[current]) segments[current].el.removeAttribute("aria-current");
  current = found;
  if (found < 0) return;
  segments[found].el.setAttribute("aria-current", "true");
  if (prefs.autoScroll && !audio.paused) keepInView(segments[found].el);
}

/* Scroll only the transcript box, and only when the sentence is out of sight. */
function keepInView(el) {
  const box = $("transcript-body"), b = box.getBoundingClientRect(), r = el.getBoundingClientRect();
  if (r.top >= b.top && r.bottom <= b.bottom) return;
  box.scrollTo({top: box.scrollTop + r.top - b.top - b.height / 4, behavior: reducedMotion.matches ? "auto" : "smooth"});
}

/* The sentences as they are now: {el, start} each. */
export const sentences = () => segments;

export function start() {
  upgrade();
  /* Finding is loaded on first use; a page the server answered a search with shows it again, playable. */
  const form = $("search"), find = () => import("./search.js").then((m) => m.find(form.elements.q.value));
  form.addEventListener("submit", (event) => { event.preventDefault(); find(); });
  if (form.elements.q.value) find();
  on("chapter", () => { upgrade(); highlight(); });
  for (const type of ["timeupdate", "seeked"]) audio.addEventListener(type, highlight);
  on("placed", () => { highlight(); if (current >= 0 && prefs.autoScroll) keepInView(segments[current].el); });
}
