/* Chapter changes: the new chapter's page is fetched and swapped in place,
   so focus stays where it was and the player keeps its state. "switching"
   tells the controller a change started, "chapter" that the new one is in. */
import {$, announce, each, emit} from "./bus.js";
import {handOver} from "./prefs.js";

const main = $("main"), audio = $("audio");
/* The parts of the page that belong to a chapter. */
const PARTS = ["chapter-head", "transcript-body", "chapter-downloads", "search-results"];
let token = 0, switching = false, wantPlay = false;
let wantedPath = location.pathname; /* the chapter page on screen, or being loaded */

history.replaceState({audioguide: true}, "", location.href);

/* options: focusId (the control to keep or give focus), push (a new history
   entry, default true), autoplay (default: whether it is playing now),
   at (a time to start at instead of the remembered one), say (said first). */
export function go(url, options = {}) {
  if (!url) return;
  /* The latest request wins: a quick second press or Back overrides the first. */
  const mine = ++token;
  wantedPath = new URL(url, location.href).pathname;
  const autoplay = "autoplay" in options ? options.autoplay : switching ? wantPlay : !audio.paused || audio.ended;
  wantPlay = autoplay;
  if (!switching) emit("switching");
  switching = true;
  fetch(url, {credentials: "same-origin"})
    .then((response) => {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    })
    .then((html) => {
      if (mine !== token) return;
      swapIn(new DOMParser().parseFromString(html, "text/html"), url, options, autoplay);
    })
    .catch(() => {
      if (mine !== token) return;
      /* Fall back to a real navigation; the new page restores focus. */
      handOver("focus", options.focusId || (document.activeElement || {}).id || "");
      handOver("autoplay", autoplay ? "1" : "");
      location.href = url;
    });
}

function swapIn(doc, url, options, autoplay) {
  const newMain = doc.getElementById("main"), newAudio = doc.getElementById("audio");
  if (!newMain || !newAudio) throw new Error("not a chapter page");
  const focused = document.activeElement;
  Object.keys(newMain.dataset).forEach((k) => { main.dataset[k] = newMain.dataset[k]; });
  for (const id of PARTS) {
    const part = doc.getElementById(id);
    if (part && $(id)) $(id).replaceWith(document.importNode(part, true));
  }
  each(".chapter-link", (link) => {
    if (link.id === "chapter-link-" + main.dataset.chapter) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
  audio.querySelectorAll("track").forEach((t) => t.remove());
  newAudio.querySelectorAll("track").forEach((t) => audio.appendChild(document.importNode(t, true)));
  audio.src = newAudio.getAttribute("src");
  document.title = doc.title;
  if (options.push !== false) history.pushState({audioguide: true}, "", url);
  if (!focused || !focused.isConnected || focused === document.body) {
    const target = $(options.focusId) || $("btn-play");
    if (target) target.focus();
  }
  switching = false;
  emit("chapter", {autoplay, at: options.at, label: (options.say || "") + main.dataset.label});
}

/* Back and Forward between chapters; a move inside the page (the skip
   link's #player) must not reload the chapter that is playing. */
window.addEventListener("popstate", () => {
  if (location.pathname !== wantedPath) go(location.href, {push: false});
});

audio.addEventListener("error", () => {
  if (!switching) return;
  switching = false;
  announce("This chapter could not be loaded");
});
