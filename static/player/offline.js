/* "Save for offline": the button says whether the chapter on screen is saved
   in the cache the service worker (sw.js) answers from; saving and removing
   (saving.js) load when it is pressed. Without service workers (or over
   plain http on a remote host) the button stays hidden and nothing else changes. */
import {$} from "./bus.js";

export const CACHE = "audioguide-offline-v1";
export const absolute = (url) => new URL(url, location.href).href;

export function show(saved) {
  const button = $("btn-offline");
  button.dataset.saved = saved ? "true" : "false";
  button.querySelector(".label").textContent = saved ? "Saved offline: remove" : "Save for offline";
}

export function refresh() {
  caches.open(CACHE)
    .then((cache) => cache.match(absolute($("audio").getAttribute("src"))))
    .then((found) => show(!!found), () => show(false));
}

export function start() {
  const button = $("btn-offline");
  if (!button || !("serviceWorker" in navigator) || !window.caches || !window.isSecureContext) return;
  navigator.serviceWorker.register(button.dataset.worker, {scope: button.dataset.scope}).catch(() => {
    button.hidden = true;
  });
  button.hidden = false;
  button.addEventListener("click", () => import("./saving.js").then((m) => m.toggle()));
  /* The player swaps chapters in place: check the new one's state. */
  $("audio").addEventListener("loadstart", refresh);
  refresh();
}
