/* Help and settings: real <dialog>s, focus back to the opener on close.
   They need JavaScript, so the page does not carry them: this module (loaded
   on first use) fetches both from the server once, with the settings'
   choices rendered from its one table, and their stylesheet. A change is
   saved at once; the sleep timer goes to the controller. */
import {$, announce, each, request} from "./bus.js";
import {prefs, setPref} from "./prefs.js";
import {stylesheet} from "./sheet.js";
import "./sleep.js"; /* with the settings, so a timer chosen there starts at once */

let loaded = null;

function changed(event) {
  const input = event.target, name = input.name;
  if (name === "sleep") return request("sleep", {mode: input.value});
  const number = input.type === "radio" && input.value !== "" && !isNaN(input.value);
  setPref(name, input.type === "checkbox" ? input.checked : number ? Number(input.value) : input.value);
}

function load() {
  if (loaded) return loaded;
  loaded = Promise.all([fetch($("controls").dataset.dialogs, {credentials: "same-origin"}), stylesheet("dialogs.css")])
    .then(([response]) => {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    })
    .then((html) => {
      const doc = new DOMParser().parseFromString(html, "text/html");
      for (const dialog of doc.querySelectorAll("dialog")) $("announcer").before(document.importNode(dialog, true));
      each("dialog [data-close]", (button) => {
        button.addEventListener("click", () => button.closest("dialog").close());
      });
      $("settings-dialog").addEventListener("change", changed);
    });
  loaded.catch(() => { loaded = null; }); /* try again next time */
  return loaded;
}

function sync() {
  $("settings-dialog").querySelectorAll("input").forEach((input) => {
    const value = input.name === "sleep" ? $("sleep-status").dataset.mode || "0" : prefs[input.name];
    input.checked = input.type === "checkbox" ? !!value : String(value) === input.value;
  });
}

/* name: "help" or "settings"; opener: what had focus when it was asked for. */
export function open(name, opener) {
  return load().then(() => {
    const dialog = $(name + "-dialog");
    if (document.querySelector("dialog[open]")) return;
    sync();
    dialog.addEventListener("close", () => {
      const back = opener && opener.isConnected && opener.getClientRects().length ? opener
        : $(prefs.simple ? "simple-play" : "btn-settings");
      if (back !== document.body) back.focus();
    }, {once: true});
    dialog.showModal();
  }, () => announce((name === "help" ? "Keyboard help" : "Settings") + " could not be loaded"));
}
