/* audioguide player: native ES modules over a server-rendered page that
   already works without them (native <audio controls>, chapter links,
   downloads, a search form the server answers). Each module owns its
   state; they talk through DOM events to one controller (controller.js):
   requests go up ("audioguide:request"), what happened comes down. */
import "./announce.js";
import "./input.js";
import {$, on, request} from "./bus.js";
import {prefs} from "./prefs.js";
import * as controller from "./controller.js";
import * as offline from "./offline.js";
import * as transcript from "./transcript.js";

/* Simple mode: the same buttons again, cloned, three of them filling the screen. */
const box = document.createElement("div");
box.id = "simple";
box.className = "simple";
box.innerHTML = '<button type="button" class="btn" id="simple-full" data-action="full"><span class="label">Full player</span></button>';
for (const name of ["back", "play", "next"]) {
  const button = $("btn-" + name).cloneNode(true);
  button.id = "simple-" + name;
  box.appendChild(button);
}
$("main").prepend(box);

/* A headset's or lock screen's buttons ask like any other. */
if ("mediaSession" in navigator) {
  for (const [name, action] of [["play", "play"], ["pause", "pause"], ["seekbackward", "back"],
    ["seekforward", "forward"], ["previoustrack", "prev"], ["nexttrack", "next"]]) {
    try { navigator.mediaSession.setActionHandler(name, () => request(action)); } catch (e) { /* unsupported */ }
  }
}

/* Scanning is loaded only for a listener who turns it on. */
const scanning = () => { if (prefs.scanMs) import("./scan.js"); };
on("prefs", scanning);
scanning();

transcript.start();
controller.start();
offline.start();
