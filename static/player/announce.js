/* The one live region: every message from every module goes through here,
   the latest replacing one not yet spoken, so two never talk over each other. */
import {$, on} from "./bus.js";

let timer = 0;
on("announce", (text) => {
  const region = $("announcer");
  clearTimeout(timer);
  region.textContent = "";
  timer = setTimeout(() => { region.textContent = text; }, 150);
});
