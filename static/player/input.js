/* Every press, from pointer, keyboard or switch, becomes a request to the
   controller, through the motor filters: a press too soon after the last is
   ignored (tremor), a press acts only once held long enough (slow keys), and
   a held key never repeats an action. */
import {$, each, request} from "./bus.js";
import {prefs} from "./prefs.js";
/* Scanning (scan.js, loaded only when it is on) fills these in. */
export const scan = {on: () => false, framed: () => null, from() {}};
let lastAct = 0, hold = null, pressed = null, swallow = false;

function act(fn) {
  const now = Date.now();
  if (prefs.debounceMs && now - lastAct < prefs.debounceMs) return;
  lastAct = now;
  fn();
}

function press(target, key) {
  release();
  pressed = key.toLowerCase();
  if (!prefs.holdMs) return act(target.fn);
  hold = target;
  target.el.style.setProperty("--hold", prefs.holdMs + "ms");
  target.el.classList.add("holding");
  target.timer = setTimeout(() => { target.el.classList.add("held"); act(target.fn); }, prefs.holdMs);
}
function release() {
  if (!hold) return;
  clearTimeout(hold.timer);
  hold.el.classList.remove("holding", "held");
  hold = null;
}

/* What a press on this element asks for, if anything. */
function actionFor(el, x) {
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

/* The visible button for an action, so a held shortcut shows its fill there. */
function buttonFor(name) {
  let found = $("btn-play");
  each("[data-action=" + name + "]", (b) => { if (b.getClientRects().length) found = b; });
  return found;
}

/* The framed button, chosen with the switch: scanning then starts again from the top. */
function switched(target) {
  return target && {el: target.el, fn: () => { target.fn(); scan.from(0); }};
}

document.addEventListener("click", (event) => {
  if (swallow && event.detail) { /* the pointer is the switch: it acted on pointerdown */
    event.preventDefault();
    event.stopPropagation();
    return;
  }
  const target = actionFor(event.target, event.clientX);
  if (!target || target.el.tagName === "A" && (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)) return;
  event.preventDefault();
  if (prefs.holdMs && event.detail) return; /* a held pointer decides, from pointerdown */
  act(target.fn);
}, true);

document.addEventListener("pointerdown", (event) => {
  swallow = scan.on();
  if (!event.isPrimary || event.button || document.querySelector("dialog[open]")) return;
  const target = swallow ? switched(actionFor(scan.framed())) : prefs.holdMs && actionFor(event.target, event.clientX);
  if (swallow) event.preventDefault(); /* no focus change, no text selection */
  if (target) press(target, "pointer");
}, true);
for (const type of ["pointerup", "pointercancel"]) {
  document.addEventListener(type, () => { if (pressed === "pointer") { pressed = null; release(); } }, true);
}
document.addEventListener("pointerleave", (event) => {
  if (hold && event.target === hold.el && !hold.el.classList.contains("held")) release();
}, true);
document.addEventListener("contextmenu", (event) => { if (hold) event.preventDefault(); }, true);

const KEYS = {k: "toggle", j: "back", arrowleft: "back", l: "forward", arrowright: "forward", p: "prev", n: "next",
  "[": "slower", "]": "faster", "?": "help", t: "time", u: "undo"};
const STEPS = {ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30, Home: -1e9, End: 1e9};

document.addEventListener("keydown", (event) => {
  const key = event.key, el = event.target, tag = el.tagName, enter = key === " " || key === "Enter";
  let target;
  if (event.ctrlKey || event.altKey || event.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag) || el.isContentEditable ||
      document.querySelector("dialog[open]")) return;
  if (prefs.scanMs) {
    if (enter && scan.on()) {
      event.preventDefault();
      pressed = key.toLowerCase();
      target = !event.repeat && switched(actionFor(scan.framed()));
      if (target) press(target, key);
      return;
    }
    scan.from(5000); /* the controls are in use another way, so scanning waits */
  }
  if (el.id === "seek" && key in STEPS) {
    target = {el, fn: () => request("seek", {by: STEPS[key]})};
  } else if (/^(BUTTON|A|SUMMARY)$/.test(tag) && enter) {
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
  if (!event.repeat) press(target, key); /* a held key never repeats an action */
}, true);

document.addEventListener("keyup", (event) => {
  if (event.key.toLowerCase() !== pressed) return;
  pressed = null;
  event.preventDefault(); /* Space on a button would click it on release */
  release();
}, true);
window.addEventListener("blur", () => { pressed = null; release(); });
