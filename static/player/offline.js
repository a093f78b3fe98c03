/* "Save for offline": puts the current chapter's page, audio, captions and the
   player's own files (stylesheet, scripts, modules) into the cache the
   service worker (sw.js) answers from.
   Without service workers (or over plain http on a remote host) the button
   stays hidden and nothing else changes. */
const CACHE = "audioguide-offline-v1";

export function start() {
  var button = document.getElementById("btn-offline");
  var audio = document.getElementById("audio");
  if (!button || !audio || !("serviceWorker" in navigator) || !window.caches || !window.isSecureContext) return;
  var label = button.querySelector(".label");
  var busy = false;

  navigator.serviceWorker.register(button.dataset.worker, {scope: button.dataset.scope}).catch(function () {
    button.hidden = true;
  });
  button.hidden = false;

  function absolute(url) { return new URL(url, location.href).href; }
  function page() { return location.href.split("#")[0]; }

  /* The chapter's own files: its page, audio and captions. */
  function ownFiles() {
    var urls = [page(), absolute(audio.getAttribute("src"))];
    audio.querySelectorAll("track[src]").forEach(function (t) { urls.push(absolute(t.getAttribute("src"))); });
    return urls;
  }

  /* Everything one chapter needs to play and show its transcript with no
     network: its own files, then the stylesheet, the scripts and every module
     they imported (the browser's resource list has those). */
  function chapterFiles() {
    var urls = ownFiles(), sheet = document.querySelector("link[rel=stylesheet]");
    var folder = new URL(sheet.getAttribute("href"), location.href).pathname.replace(/[^/]*$/, "");
    urls.push(absolute(sheet.getAttribute("href")));
    document.querySelectorAll("script[src]").forEach(function (el) { urls.push(absolute(el.getAttribute("src"))); });
    performance.getEntriesByType("resource").forEach(function (entry) {
      if (new URL(entry.name).pathname.startsWith(folder) && /\.(js|css)(\?|$)/.test(entry.name)) urls.push(entry.name);
    });
    return urls.filter(function (url, i) { return urls.indexOf(url) === i; });
  }

  function say(text) {
    document.dispatchEvent(new CustomEvent("audioguide:announce", {detail: text}));
  }

  function show(saved) {
    button.dataset.saved = saved ? "true" : "false";
    label.textContent = saved ? "Saved offline: remove" : "Save for offline";
  }

  function refresh() {
    caches.open(CACHE)
      .then(function (cache) { return cache.match(absolute(audio.getAttribute("src"))); })
      .then(function (found) { show(!!found); })
      .catch(function () { show(false); });
  }

  button.addEventListener("click", function () {
    if (busy) return;
    busy = true;
    var saved = button.dataset.saved === "true", title = document.getElementById("chapter-title");
    var name = title ? title.textContent : "This chapter";
    label.textContent = saved ? "Removing…" : "Saving…";
    caches.open(CACHE).then(function (cache) {
      /* Every saved version of the chapter's files goes (a rebuild changes
         their ?v=), so a removed or re-saved chapter leaves nothing behind. */
      var forgotten = Promise.all(ownFiles().map(function (url) {
        return cache.delete(url, {ignoreSearch: true});
      }));
      if (saved) return forgotten.then(function () { say(name + " removed from this device"); });
      return forgotten.then(function () { return cache.addAll(chapterFiles()); }).then(function () {
        say(name + " is saved: it plays without a connection");
      });
    }).catch(function () {
      say("Could not save " + name + " for offline listening");
    }).then(function () {
      busy = false;
      refresh();
    });
  });

  /* The player swaps chapters in place: check the new one's state. */
  audio.addEventListener("loadstart", refresh);
  refresh();
}
