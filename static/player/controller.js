/* The one controller: it owns the audio element. Every module asks it for
   an action with an "audioguide:request" event; it plays, seeks, changes
   chapter and speed, remembers positions, and says what happened. */
import {$, announce, disable, each, emit, on, spoken} from "./bus.js";
import {duration, render} from "./position.js";
import {handedOver, load, prefs, save, setPref} from "./prefs.js";
import {setRate, setVolume} from "./tuning.js";

const main = $("main"), audio = $("audio");
let lastSaved = 0, switching = false, spokenState = "paused";
let pausedAt = 0, undoPoint = null, lastJump = 0;

/* Rewind on resume: after a pause of at least [seconds], go back [seconds]. */
const REWIND = [[1800, 30], [300, 10], [60, 5], [3, 1]];
export function rewindFor(pausedSeconds) {
  const row = REWIND.find(([after]) => pausedSeconds >= after);
  return row ? row[1] : 0;
}

/* Changing chapter, the dialogs, the sleep timer and simple mode load on
   first use. Without the module (offline, not saved) a chapter is still
   reached by plain navigation; the others say why they cannot open. */
const unreachable = () => announce("This needs a connection");
function go(url, options) {
  import("./chapters.js").then((m) => m.go(url, options), () => { location.href = url; });
}
/* The sleep timer, once one was set (it loads with the settings dialog). */
let sleep = null;
function sleepTimer(mode) {
  import("./sleep.js").then((m) => { sleep = m; m.set(mode); });
}
function dialog(name) {
  const opener = document.activeElement;
  import("./dialogs.js").then((m) => m.open(name, opener), unreachable);
}

const here = () => ({url: location.href.split("#")[0], time: audio.currentTime, label: main.dataset.label});

function play() {
  if (prefs.rewind && pausedAt && !audio.ended) {
    audio.currentTime = Math.max(0, audio.currentTime - rewindFor((Date.now() - pausedAt) / 1000));
  }
  pausedAt = 0;
  const promise = audio.play();
  if (promise) promise.catch(() => { spokenState = "paused"; showPlayState(); });
}

/* Before any jump, remember where the listener was, so "Go back to where I
   was" can return there. A burst of steps (arrow keys, back and forward) is one jump. */
function jumping(step) {
  if (!step || Date.now() - lastJump > 1500) undoPoint = here();
  lastJump = Date.now();
  disable($("btn-undo"), false);
}

function seekTo(seconds, jump = true, step = false) {
  if (jump) jumping(step);
  pausedAt = 0; /* the listener chose where to go on from: no rewind */
  audio.currentTime = Math.min(Math.max(seconds, 0), Math.max(duration() - 0.05, 0));
  render();
}

function chapter(url, focusId, options = {}) {
  if (!url) return announce(focusId === "btn-prev" ? "This is the first chapter" : "This is the last chapter");
  if (new URL(url, location.href).pathname === location.pathname && !switching) return;
  if (!options.quiet) jumping();
  go(url, Object.assign({focusId}, options));
}

function undo() {
  const target = undoPoint;
  if (!target) return announce("Nothing to go back to yet");
  lastJump = 0;
  jumping(); /* going back is a jump too: pressing again returns */
  if (target.url === here().url) {
    seekTo(target.time, false);
    announce("Back to " + spoken(target.time));
  } else {
    go(target.url, {focusId: "btn-undo", at: target.time, say: "Back to "});
  }
}

const actions = {
  toggle: () => { if (audio.paused) play(); else audio.pause(); },
  /* A headset's play or pause says which it means: never the opposite. */
  play: () => { if (audio.paused) play(); },
  /* say: what to announce instead of "Paused" (the sleep timer's reason). */
  pause: (d) => { if (d.say) { spokenState = "paused"; announce(d.say); } audio.pause(); },
  back: () => seekTo(audio.currentTime - 10, true, true),
  forward: () => seekTo(audio.currentTime + 30, true, true),
  seek: (d) => {
    const step = d.by !== undefined;
    seekTo(d.fraction !== undefined ? d.fraction * duration() : step ? audio.currentTime + d.by : d.time, true, step);
    if (d.play) play();
  },
  prev: () => chapter(main.dataset.prevUrl, "btn-prev"),
  next: () => chapter(main.dataset.nextUrl, "btn-next"),
  chapter: (d) => chapter(d.url, d.focusId),
  undo,
  slower: () => setRate(prefs.rate - 0.1),
  faster: () => setRate(prefs.rate + 0.1),
  quieter: () => setVolume(prefs.volume - 0.1),
  louder: () => setVolume(prefs.volume + 0.1),
  help: () => dialog("help"),
  settings: () => dialog("settings"),
  sleep: (d) => sleepTimer(d.mode),
  time: () => announce("Chapter " + main.dataset.position + " of " + main.dataset.count + ", " +
    $("chapter-title").textContent + ", " + spoken(audio.currentTime) + " of " + spoken(Math.round(main.dataset.durationMs / 1000))),
  simple: () => import("./simple.js").then((m) => m.ready).then(() => {
    setPref("simple", true);
    $("simple-play").focus();
  }, unreachable),
  full: () => { setPref("simple", false); $("btn-simple").focus(); }
};
on("request", (d) => { if (actions[d.action]) actions[d.action](d); });

function updateEdges() {
  each("[data-action=prev]", (b) => disable(b, !main.dataset.prevUrl));
  each("[data-action=next]", (b) => disable(b, !main.dataset.nextUrl));
}

function showPlayState() {
  each("[data-action=toggle]", (b) => {
    b.dataset.state = audio.paused ? "paused" : "playing";
    b.querySelector(".label").textContent = audio.paused ? "Play" : "Pause";
  });
}

/* ---- memory: position per chapter, and when it was last heard ---- */
const positionKey = () => "position:" + main.dataset.slug + ":" + main.dataset.chapter;
function savePosition(force) {
  if (switching || !force && Date.now() - lastSaved < 2000) return;
  lastSaved = Date.now();
  save(positionKey(), audio.ended ? 0 : Math.floor(audio.currentTime));
  save("heard", lastSaved);
}

/* The first chapter on load, and each new one after a change; at: where to start instead (past the end: the end). */
function chapterReady({autoplay, label, at, from = ""}) {
  const saved = Number(load(positionKey(), 0)) || 0;
  function start() {
    const resumeAt = at !== undefined ? Math.min(at, Math.max(duration() - 0.05, 0)) : saved > 5 && saved < duration() - 5 ? saved : 0;
    if (resumeAt) audio.currentTime = resumeAt;
    pausedAt = at === undefined && resumeAt ? Number(load("heard", 0)) : 0; /* rewinds on the first play */
    render(true);
    updateEdges();
    const parts = label ? [label] : [];
    if (resumeAt) parts.push((at === undefined ? "Resuming at " : from) + spoken(resumeAt));
    if (at !== undefined) emit("placed"); /* shown in the transcript, even paused */
    if (autoplay) { parts.push("Playing"); spokenState = "playing"; play(); }
    if (parts.length) announce(parts.join(". "));
    switching = false;
  }
  if (audio.readyState >= 1) start(); else audio.addEventListener("loadedmetadata", start, {once: true});
  if ("mediaSession" in navigator && window.MediaMetadata) {
    navigator.mediaSession.metadata = new MediaMetadata({title: $("chapter-title").textContent, album: document.title});
  }
}
on("switching", () => { savePosition(true); switching = true; });
on("chapter", chapterReady);

audio.addEventListener("play", () => {
  showPlayState();
  if (!switching && spokenState !== "playing") announce("Playing");
  spokenState = "playing";
});
audio.addEventListener("pause", () => {
  showPlayState();
  savePosition(true);
  if (!switching && !audio.ended) pausedAt = Date.now();
  if (!switching && !audio.ended && spokenState !== "paused") announce("Paused");
  if (!switching) spokenState = "paused";
});
audio.addEventListener("timeupdate", () => savePosition(false));
audio.addEventListener("ended", () => {
  savePosition(true);
  spokenState = "paused";
  if (sleep && sleep.endsWithChapter()) return;
  const next = main.dataset.nextUrl;
  if (!next) return announce("End of the guide");
  if (!prefs.chapterStop) return chapter(next, null, {quiet: true});
  chapter(next, null, {quiet: true, autoplay: false, say: "End of the chapter, stopped. Next: "});
});
window.addEventListener("pagehide", () => savePosition(true));

export function start() {
  audio.removeAttribute("controls");
  $("controls").hidden = false;
  each(".js-only", (el) => { el.hidden = false; });
  setRate(prefs.rate, true);
  setVolume(prefs.volume, true);
  disable($("btn-undo"), true);
  updateEdges();
  /* After a fallback navigation, put focus back on the control that was used. */
  const focus = handedOver("focus"), resume = handedOver("autoplay") === "1";
  if (focus && $(focus)) $(focus).focus();
  const query = new URLSearchParams(location.search), t = Number(query.get("t")); /* ?t=SECONDS: a search result */
  if (query.has("t")) { query.delete("t"); history.replaceState(history.state, "", location.pathname + (String(query) ? "?" + query : "") + location.hash); } /* used once: a reload resumes */
  chapterReady({autoplay: resume, label: resume ? main.dataset.label : "", at: t > 0 && t < 86400 ? t : undefined, from: "Ready at "});
}
