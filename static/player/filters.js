/* The motor filters, loaded only when one is on: a press too soon after the
   last is ignored (tremor), a press acts only once held long enough (slow
   keys, with a fill that shows the hold), and with scanning (scan.js) the
   switch (Space, Enter, a tap anywhere) chooses the framed button. They take
   over input.js's hooks, and their listeners, on window, see every event
   before input.js's do. */
import {actionFor, hooks, ignored} from "./input.js";
import {prefs} from "./prefs.js";
import {stylesheet} from "./sheet.js";

/* Resolves once the frame's and the fill's stylesheet applies (or failed: they work unmarked). */
export const ready = stylesheet("filters.css").catch(() => {});

/* Scanning (scan.js, loaded only when it is on) fills these in. */
export const scan = {on: () => false, framed: () => null, from() {}};
let lastAct = 0, hold = null, pressed = null, swallow = false;

function act(fn) {
  const now = Date.now();
  if (prefs.debounceMs && now - lastAct < prefs.debounceMs) return;
  lastAct = now;
  fn();
}

function press(target, key, event) {
  release();
  if (!prefs.holdMs) return act(target.fn);
  const held = hold = {el: target.el, fn: target.fn, start: event ? event.timeStamp : performance.now()};
  held.el.style.setProperty("--hold", prefs.holdMs + "ms");
  held.el.classList.add("holding");
  held.timer = setTimeout(() => { held.done = true; held.el.classList.add("held"); act(held.fn); }, prefs.holdMs);
}

/* up: the event that ended the press. A press held long enough acts even
   when its timer has not run yet: a busy page must not lose it. */
function release(up) {
  const held = hold;
  if (!held) return;
  hold = null;
  clearTimeout(held.timer);
  held.el.classList.remove("holding", "held");
  if (up && !held.done && up.timeStamp - held.start >= prefs.holdMs) act(held.fn);
}
hooks.press = press;
hooks.release = release;

/* The framed button, chosen with the switch: scanning then starts again from the top. */
const switched = (target) => target && {el: target.el, fn: () => { target.fn(); scan.from(0); }};

window.addEventListener("click", (event) => {
  if (swallow && event.detail) { /* the pointer is the switch: it acted on pointerdown */
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

window.addEventListener("pointerdown", (event) => {
  swallow = scan.on();
  if (!event.isPrimary || event.button || document.querySelector("dialog[open]")) return;
  const target = swallow ? switched(actionFor(scan.framed())) : prefs.holdMs && actionFor(event.target, event.clientX);
  if (swallow) event.preventDefault(); /* no focus change, no text selection */
  if (!target) return;
  pressed = "pointer";
  press(target, "pointer", event);
}, true);
for (const type of ["pointerup", "pointercancel"]) {
  window.addEventListener(type, (event) => {
    if (pressed !== "pointer") return;
    pressed = null;
    release(type === "pointerup" && event);
  }, true);
}
window.addEventListener("pointerleave", (event) => {
  if (hold && event.target === hold.el && !hold.done) release();
}, true);
window.addEventListener("contextmenu", (event) => { if (hold) event.preventDefault(); }, true);

/* With scanning on, Space and Enter are the switch while a frame shows;
   any other key means the controls are in use another way, so scanning waits. */
window.addEventListener("keydown", (event) => {
  if (!prefs.scanMs || ignored(event)) return;
  if (!(event.key === " " || event.key === "Enter") || !scan.on()) return scan.from(5000);
  event.preventDefault();
  event.stopPropagation();
  pressed = event.key.toLowerCase();
  const target = !event.repeat && switched(actionFor(scan.framed()));
  if (target) press(target, event.key, event);
}, true);
window.addEventListener("keyup", (event) => {
  if (event.key.toLowerCase() !== pressed) return;
  pressed = null;
  event.preventDefault();
  event.stopPropagation();
  release(event);
}, true);
window.addEventListener("blur", () => { pressed = null; release(); });
