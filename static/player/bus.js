/* What every module shares: DOM events between the modules and the one
   controller (requests go up, state comes down), the one live region,
   element look-ups and the way times are written and spoken. */
export const $ = (id) => document.getElementById(id);
export const each = (selector, fn) => document.querySelectorAll(selector).forEach(fn);

export function emit(name, detail) {
  document.dispatchEvent(new CustomEvent("audioguide:" + name, {detail}));
}
export function on(name, fn) {
  document.addEventListener("audioguide:" + name, (event) => fn(event.detail));
}
/* Ask the controller for an action: {action: "toggle"}, {action: "seek", time: 12}... */
export const request = (action, detail) => emit("request", Object.assign({action}, detail));
/* The one live region: everything said goes there, the latest replacing one
   not yet spoken, so two never talk over each other. */
let saying = 0;
export function announce(text) {
  const region = $("announcer");
  clearTimeout(saying);
  region.textContent = "";
  saying = setTimeout(() => { region.textContent = text; }, 150);
}

export const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");

export function spoken(seconds) {
  let s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), parts = [];
  s %= 60;
  if (h) parts.push(plural(h, "hour"));
  if (m) parts.push(plural(m, "minute"));
  if (s || !parts.length) parts.push(plural(s, "second"));
  return parts.join(" ");
}

export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? h + ":" + String(m).padStart(2, "0") + ":" + ss : m + ":" + ss;
}

/* aria-disabled, not disabled: a disabled button drops keyboard focus. */
export function disable(button, off) {
  if (!button) return;
  if (off) button.setAttribute("aria-disabled", "true");
  else button.removeAttribute("aria-disabled");
}
