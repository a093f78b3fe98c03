/* Simple mode: the same buttons again, cloned, three of them filling the
   screen, and one back to the full player. Loaded when it is first chosen,
   or when the page opens in it, with its stylesheet; `ready` once it shows. */
import {$} from "./bus.js";
import {stylesheet} from "./sheet.js";

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

export const ready = stylesheet("simple.css");
