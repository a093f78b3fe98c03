/* Preferences and remembered positions, in this browser's localStorage only.
   look.js has already cleaned the saved preferences against the settings the
   page offers; changing one saves it, re-applies the look and tells the
   modules ("audioguide:prefs"). */
import {emit} from "./bus.js";

const STORE = "audioguide:";

export function load(name, fallback) {
  try {
    const raw = localStorage.getItem(STORE + name);
    return raw === null ? fallback : JSON.parse(raw);
  } catch (e) { return fallback; }
}
export function save(name, value) {
  try { localStorage.setItem(STORE + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
}

export const prefs = window.audioguidePrefs;

export function setPref(name, value) {
  prefs[name] = value;
  save("prefs", prefs);
  window.audioguideLook(prefs);
  emit("prefs", name);
}

/* Once per page, a value a fallback navigation handed over (focus, autoplay). */
export function handedOver(name) {
  try {
    const value = sessionStorage.getItem(STORE + name) || "";
    sessionStorage.removeItem(STORE + name);
    return value;
  } catch (e) { return ""; }
}
export function handOver(name, value) {
  try { sessionStorage.setItem(STORE + name, value); } catch (e) { /* ignore */ }
}
