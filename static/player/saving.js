/* Saving the chapter on screen for offline listening, or removing it:
   its page, audio and captions, and everything the player needs to run
   with no network, the modules it has not loaded yet and the dialogs too. */
import {$, announce} from "./bus.js";
import {CACHE, absolute, refresh} from "./offline.js";

/* The modules (and the dialogs' stylesheet) that load on first use: they share this one's version. */
const LATER = ["chapters.js", "dialogs.js", "dialogs.css", "filters.js", "filters.css", "saving.js", "scan.js", "search.js",
  "search.css", "sheet.js", "simple.js", "simple.css", "sleep.js"];
let busy = false;

/* The chapter's own files: its page, audio and captions. */
function ownFiles() {
  const audio = $("audio"), urls = [location.href.split("#")[0], absolute(audio.getAttribute("src"))];
  audio.querySelectorAll("track[src]").forEach((t) => urls.push(absolute(t.getAttribute("src"))));
  return urls;
}

/* Everything one chapter needs to play with no network: its own files, the
   stylesheet, the scripts, every module (those loaded, as the browser's
   resource list has them, and those not loaded yet) and the dialogs. */
function chapterFiles() {
  const urls = ownFiles(), sheet = document.querySelector("link[rel=stylesheet]");
  const folder = new URL(sheet.getAttribute("href"), location.href).pathname.replace(/[^/]*$/, "");
  urls.push(absolute(sheet.getAttribute("href")), absolute($("controls").dataset.dialogs));
  document.querySelectorAll("script[src]").forEach((el) => urls.push(absolute(el.getAttribute("src"))));
  performance.getEntriesByType("resource").forEach((entry) => {
    if (new URL(entry.name).pathname.startsWith(folder) && /\.(js|css)(\?|$)/.test(entry.name)) urls.push(entry.name);
  });
  const version = new URL(import.meta.url).search;
  for (const name of LATER) urls.push(new URL("./" + name + version, import.meta.url).href);
  return [...new Set(urls)];
}

export function toggle() {
  if (busy) return;
  busy = true;
  const button = $("btn-offline"), saved = button.dataset.saved === "true", title = $("chapter-title");
  const name = title ? title.textContent : "This chapter";
  button.querySelector(".label").textContent = saved ? "Removing…" : "Saving…";
  caches.open(CACHE).then((cache) => {
    /* Every saved version of the chapter's files goes (a rebuild changes
       their ?v=), so a removed or re-saved chapter leaves nothing behind. */
    const forgotten = Promise.all(ownFiles().map((url) => cache.delete(url, {ignoreSearch: true})));
    if (saved) return forgotten.then(() => announce(name + " removed from this device"));
    return forgotten.then(() => cache.addAll(chapterFiles()))
      .then(() => announce(name + " is saved: it plays without a connection"));
  }).catch(() => announce("Could not save " + name + " for offline listening")).then(() => {
    busy = false;
    refresh();
  });
}
