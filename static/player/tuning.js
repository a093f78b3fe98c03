/* Speed (0.5x to 3x in tenths) and volume: shown beside their buttons,
   saved, and said when they change. */
import {$, announce, disable} from "./bus.js";
import {prefs, save} from "./prefs.js";

const audio = $("audio");

export function setRate(rate, quiet) {
  rate = Math.min(3, Math.max(0.5, Math.round(rate * 10) / 10));
  prefs.rate = audio.playbackRate = audio.defaultPlaybackRate = rate;
  $("speed-value").textContent = rate + "×";
  disable($("btn-slower"), rate <= 0.5);
  disable($("btn-faster"), rate >= 3);
  save("prefs", prefs);
  if (!quiet) announce("Speed " + rate + " times");
}

export function setVolume(volume, quiet) {
  volume = Math.min(1, Math.max(0, Math.round(volume * 10) / 10));
  prefs.volume = audio.volume = volume; /* a sleep timer's fade applies again at its next tick */
  $("volume-value").textContent = Math.round(volume * 100) + "%";
  disable($("btn-quieter"), volume <= 0);
  disable($("btn-louder"), volume >= 1);
  save("prefs", prefs);
  if (!quiet) announce("Volume " + Math.round(volume * 100) + " percent");
}
