/* The sleep timer: pauses after 15, 30 or 60 minutes of listening, or at
   the end of the chapter, fading out over the last 5 seconds. Never saved:
   a reload starts without it. Its mode shows on #sleep-status (data-mode),
   for the settings. */
import {$, announce, plural, request} from "./bus.js";
import {prefs} from "./prefs.js";

const audio = $("audio"), line = document.createElement("p"), status = document.createElement("span");
/* Under the position bar while a timer is set; its mode on data-mode, for the settings. */
status.id = "sleep-status";
line.className = "status";
line.hidden = true;
line.append("Sleep timer: ", status);
document.querySelector("#controls .position").after(line);
let mode = "0", left = 0, last = 0;

/* The listener's volume, faded when the timer is about to pause. */
function volume(fade = 1) {
  audio.volume = prefs.volume * Math.min(1, Math.max(0, fade));
}

export function set(value) {
  mode = status.dataset.mode = value;
  left = value * 60000;
  last = Date.now();
  volume();
  tick();
  announce(mode === "0" ? "Sleep timer off" : "Sleep timer: " + status.textContent);
}

function tick() {
  const now = Date.now();
  line.hidden = mode === "0";
  if (mode === "0") return;
  let remaining = left;
  if (mode === "chapter") remaining = (audio.duration - audio.currentTime) * 1000 / audio.playbackRate || 1e9;
  else if (!audio.paused) remaining = left -= now - last;
  last = now;
  volume(remaining / 5000);
  status.textContent = mode === "chapter" ? "pauses at the end of this chapter"
    : "pauses in " + plural(Math.ceil(remaining / 60000), "minute");
  if (remaining > 0 || mode === "chapter") return;
  set("0");
  request("pause", {say: "Sleep timer: paused"});
}

/* At the end of a chapter: true when the timer was waiting for it (and is now done). */
export function endsWithChapter() {
  if (mode !== "chapter") return false;
  set("0");
  announce("Sleep timer: paused at the end of the chapter");
  return true;
}

audio.addEventListener("timeupdate", tick);
audio.addEventListener("play", () => { last = Date.now(); });
