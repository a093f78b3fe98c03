/* Single-switch scanning: a frame steps through the buttons; the switch
   (Space, Enter, a tap anywhere) chooses the framed one. The switch is live
   while a frame shows; when scanning waits, every input works as usual.
   Loaded when the listener turns scanning on. */
import {on} from "./bus.js";
import {scan} from "./filters.js";
import {prefs} from "./prefs.js";

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
/* What the switch does, at the top of the controls (shown while scanning is on). */
document.getElementById("controls").prepend(Object.assign(document.createElement("p"), {className: "scan-hint",
  textContent: "Scanning is on: press Space or Enter, or tap anywhere, to choose the framed button."}));
let index = -1, framed = null, timer = 0;

const dialogOpen = () => !!document.querySelector("dialog[open]");
scan.on = () => !!framed && !dialogOpen();
scan.framed = () => framed;

function mark(el) {
  if (framed) framed.classList.remove("scan");
  framed = el;
  if (el) el.classList.add("scan");
}

function tick() {
  clearTimeout(timer);
  if (!prefs.scanMs) return mark(null);
  timer = setTimeout(tick, prefs.scanMs);
  if (document.querySelector(".holding")) return; /* a press is being held on the framed button */
  if (dialogOpen()) { index = -1; return mark(null); }
  const items = [...document.querySelectorAll(".simple .btn, #controls .btn")]
    .filter((b) => b.getClientRects().length && !b.hasAttribute("aria-disabled"));
  if (!items.length) return mark(null);
  index = (index + 1) % items.length;
  mark(items[index]);
  items[index].scrollIntoView({block: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth"});
}

/* Start again from the first button after `delay` ms. */
function scanFrom(delay) {
  index = -1;
  mark(null);
  clearTimeout(timer);
  timer = setTimeout(tick, delay);
}

scan.from = scanFrom;
on("prefs", () => scanFrom(0));
scanFrom(0);
