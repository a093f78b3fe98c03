/* Every press, from pointer or keyboard, becomes a request to the
   controller; a held key never repeats an action. The motor filters
   (filters.js: tremor, slow keys, one switch) load only when one is on:
   they take over `hooks` and see every event before this module does. */
import {$, each, request} from "./bus.js";
import {prefs} from "./prefs.js";

/* press(target, key, event) acts; release(event) ends a press (filters.js). */
export const hooks = {press: (target) => target.fn(), release() {}};
let pressed = null;

/* What a press on this element asks for, if anything. */
export function actionFor(el, x) {
  const b = el && el.closest && el.closest("button[data-action], button[data-start-ms], a.chapter-link, #seek");
  if (!b) return null;
  if (b.dataset.startMs) return {el: b, fn: () => request("seek", {time: b.dataset.startMs / 1000, play: true})};
  if (b.tagName === "A") return {el: b, fn: () => request("chapter", {url: b.href, focusId: b.id})};
  if (b.id === "seek") {
    if (x === undefined) return null;
    const r = b.getBoundingClientRect();
    return {el: b, fn: () => request("seek", {fraction: (x - r.left) / r.width})};
  }
  if (b.getAttribute("aria-disabled") === "true" && !/^(prev|next)$/.test(b.dataset.action)) return null;
  return {el: b, fn: () => request(b.dataset.action)};
}

/* Keys that do nothing here: with a modifier, while typing, or in a dialog. */
export const ignored = (event) => event.ctrlKey || event.altKey || event.metaKey ||
  /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable ||
  !!document.querySelector("dialog[open]");

/* The visible button for an action, so a held shortcut shows its fill there. */
function buttonFor(name) {
  let found = $("btn-play");
  each("[data-action=" + name + "]", (b) => { if (b.getClientRects().length) found = b; });
  return found;
}

document.addEventListener("click", (event) => {
  const target = actionFor(event.target, event.clientX);
  if (!target || target.el.tagName === "A" && (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)) return;
  event.preventDefault();
  if (prefs.holdMs && event.detail) return; /* a held pointer decides, from pointerdown */
  hooks.press(target, "click", event);
}, true);

const KEYS = {k: "toggle", j: "back", arrowleft: "back", l: "forward", arrowright: "forward", p: "prev", n: "next",
  "[": "slower", "]": "faster", "?": "help", t: "time", u: "undo"};
const STEPS = {ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30, Home: -1e9, End: 1e9};

document.addEventListener("keydown", (event) => {
  const key = event.key, el = event.target, tag = el.tagName;
  let target;
  if (ignored(event)) return;
  if (el.id === "seek" && key in STEPS) {
    target = {el, fn: () => request("seek", {by: STEPS[key]})};
  } else if (/^(BUTTON|A|SUMMARY)$/.test(tag) && (key === " " || key === "Enter")) {
    target = actionFor(el);
    if (!prefs.holdMs || !target || tag === "A" && key === " ") {
      if (event.repeat) event.preventDefault(); /* a held Enter would click again and again */
      return;
    }
  } else {
    const name = key === " " ? "toggle" : KEYS[key.toLowerCase()];
    if (!name || !prefs.shortcuts) return;
    target = {el: buttonFor(name), fn: () => request(name)};
  }
  event.preventDefault();
  if (event.repeat) return; /* a held key never repeats an action */
  pressed = key.toLowerCase();
  hooks.press(target, key, event);
}, true);

document.addEventListener("keyup", (event) => {
  if (event.key.toLowerCase() !== pressed) return;
  pressed = null;
  event.preventDefault(); /* Space on a button would click it on release */
  hooks.release(event);
}, true);
window.addEventListener("blur", () => { pressed = null; hooks.release(); });
