/* audioguide service worker: chapters the listener saved play with no network.
   The page itself puts what a chapter needs into the cache (offline.js); the
   worker answers from that cache first, cuts byte ranges out of saved audio
   (a media element always asks for ranges), and otherwise goes to the network. */
"use strict";

var CACHE = "audioguide-offline-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(answer(request));
});

function answer(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (saved) {
      if (!saved) return fetch(request);
      if (request.mode === "navigate") {
        /* A saved page is a fallback: online, the listener gets the current one. */
        return fetch(request).catch(function () { return saved; });
      }
      var range = request.headers.get("range");
      return range ? partial(saved, range) : saved;
    });
  });
}

/* One byte range of a saved file, as a server would send it (RFC 9110). */
function partial(response, header) {
  return response.blob().then(function (blob) {
    var size = blob.size, match = /^bytes=(\d*)-(\d*)$/.exec(header.trim()), start, end;
    var type = response.headers.get("Content-Type") || "application/octet-stream";
    if (!match || (match[1] === "" && match[2] === "")) {
      return new Response(blob, {status: 200, headers: {"Content-Type": type, "Accept-Ranges": "bytes"}});
    }
    if (match[1] === "") {
      start = Math.max(size - Number(match[2]), 0);
      end = size - 1;
    } else {
      start = Number(match[1]);
      end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
    }
    if (start >= size || end < start) {
      return new Response(null, {status: 416, headers: {"Content-Range": "bytes */" + size}});
    }
    return new Response(blob.slice(start, end + 1), {
      status: 206,
      headers: {
        "Content-Type": type,
        "Content-Length": String(end - start + 1),
        "Content-Range": "bytes " + start + "-" + end + "/" + size,
        "Accept-Ranges": "bytes"
      }
    });
  });
}
