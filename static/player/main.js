/* audioguide player: native ES modules over a server-rendered page that
   already works without them (native <audio controls>, chapter links,
   downloads, a search form the server answers). Each module owns its
   state; they talk through DOM events to one controller (controller.js):
   requests go up ("audioguide:request"), what happened comes down. */
import "./input.js";
import {on, request} from "./bus.js";
import {prefs} from "./prefs.js";
import * as controller from "./controller.js";
import * as offline from "./offline.js";
import * as transcript from "./transcript.js";

/* A headset's or lock screen's buttons ask like any other. */
if ("mediaSession" in navigator) {
  for (const [name, action] of [["play", "play"], ["pause", "pause"], ["seekbackward", "back"],
    ["seekforward", "forward"], ["previoustrack", "prev"], ["nexttrack", "next"]]) {
    try { navigator.mediaSession.setActionHandler(name, () => request(action)); } catch (e) { /* unsupported */ }
  }
}

/* The motor filters, scanning and simple mode load only for a listener who
   turns one on, and before the controls show, so no press goes unfiltered. */
const modes = () => Promise.all([
  (prefs.debounceMs || prefs.holdMs || prefs.scanMs) && import("./filters.js").then((m) => m.ready),
  prefs.scanMs && import("./scan.js"),
  prefs.simple && import("./simple.js").then((m) => m.ready)
]).catch(() => {}); /* offline and never saved: the controls work without them */
on("prefs", modes);
await modes();

transcript.start();
controller.start();
offline.start();
