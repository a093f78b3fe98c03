/* Help and settings: real <dialog>s, focus back to the opener on close.
   The settings' choices are the server's (rendered once from its table);
   a change is saved at once, the sleep timer goes to the controller. */
import {$, each, request} from "./bus.js";
import {prefs, setPref} from "./prefs.js";

const settings = $("settings-dialog");

function sync() {
  settings.querySelectorAll("input").forEach((input) => {
    const value = input.name === "sleep" ? $("sleep-status").dataset.mode || "0" : prefs[input.name];
    input.checked = input.type === "checkbox" ? !!value : String(value) === input.value;
  });
}

export function openDialog(dialog) {
  if (dialog.open) return;
  const opener = document.activeElement;
  sync();
  dialog.addEventListener("close", () => {
    const back = opener && opener.isConnected && opener.getClientRects().length ? opener
      : $(prefs.simple ? "simple-play" : "btn-settings");
    if (back !== document.body) back.focus();
  }, {once: true});
  dialog.showModal();
}

each("dialog [data-close]", (button) => {
  button.addEventListener("click", () => button.closest("dialog").close());
});

settings.addEventListener("change", (event) => {
  const input = event.target, name = input.name;
  if (name === "sleep") return request("sleep", {mode: input.value});
  const number = input.type === "radio" && input.value !== "" && !isNaN(input.value);
  setPref(name, input.type === "checkbox" ? input.checked : number ? Number(input.value) : input.value);
});
