/* audioguide player: plain JS over a server-rendered page that already works
   without it (native <audio controls>, chapter links, downloads). */
(function () {
  "use strict";

  var STORE = "audioguide:";
  var root = document.documentElement;
  var CHOICES = {
    theme: ["auto", "dark", "dim", "light", "contrast"],
    textSize: [100, 125, 150, 175, 200],
    debounceMs: [0, 250, 500, 1000],
    holdMs: [0, 300, 600],
    scanMs: [0, 1000, 1500, 2000, 3000]
  };
  var FLAGS = ["shortcuts", "autoScroll", "spacing", "simple"];
  var prefs = readPrefs();

  function load(name, fallback) {
    try {
      var raw = localStorage.getItem(STORE + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(STORE + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  /* Saved preferences are untrusted input: keep only known values. A number
     an older version offered snaps down to the nearest one offered now, so a
     tremor filter that was on stays on. */
  function readPrefs() {
    var p = load("prefs", {}) || {};
    var clean = {theme: "auto", textSize: 100, shortcuts: true, autoScroll: true, spacing: false, simple: false,
      debounceMs: 0, holdMs: 0, scanMs: 0, rate: 1, volume: 1};
    Object.keys(CHOICES).forEach(function (k) {
      var fits = CHOICES[k].filter(function (v) { return v === p[k] || typeof p[k] === "number" && v <= p[k]; });
      if (fits.length) clean[k] = fits.pop();
    });
    FLAGS.forEach(function (k) { if (typeof p[k] === "boolean") clean[k] = p[k]; });
    if (typeof p.rate === "number" && p.rate >= 0.5 && p.rate <= 2) clean.rate = Math.round(p.rate * 4) / 4;
    if (typeof p.volume === "number" && p.volume >= 0 && p.volume <= 1) clean.volume = Math.round(p.volume * 10) / 10;
    return clean;
  }

  /* Runs before the body is parsed, so the saved look applies to the first paint. */
  function applyLook() {
    root.setAttribute("data-theme", prefs.theme);
    root.setAttribute("data-text-size", String(prefs.textSize));
    root.toggleAttribute("data-spacing", prefs.spacing);
    root.toggleAttribute("data-simple", prefs.simple);
    root.toggleAttribute("data-scan", prefs.scanMs > 0);
  }
  applyLook();

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function spoken(seconds) {
    var s = Math.max(0, Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    var parts = [];
    s = s % 60;
    if (h) parts.push(plural(h, "hour"));
    if (m) parts.push(plural(m, "minute"));
    if (s || !parts.length) parts.push(plural(s, "second"));
    return parts.join(" ");
  }
  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    var ss = ("0" + s % 60).slice(-2);
    return h ? h + ":" + ("0" + m).slice(-2) + ":" + ss : m + ":" + ss;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("main");
    var audio = document.getElementById("audio");
    if (main && audio) new Player(main, audio);
  });

  function Player(main, audio) {
    var $ = function (id) { return document.getElementById(id); };
    var each = function (selector, fn) { document.querySelectorAll(selector).forEach(fn); };
    var controls = $("controls"), seek = $("seek"), fill = $("seek-fill");
    var elapsed = $("elapsed"), total = $("total"), announcer = $("announcer"), sleepStatus = $("sleep-status");
    var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    var segments = [], current = -1, lastWhole = -1, lastSaved = 0;
    var switching = false, wantPlay = false, loadToken = 0, spokenState = "paused", announceTimer = 0;
    var lastAct = 0, hold = null, pressed = null, swallow = false, scan = {i: -1, el: null, timer: 0};
    var sleep = {mode: "0", left: 0, tick: 0}; /* never saved: a reload starts without it */

    /* ---- setup: swap the native controls for ours ---- */
    audio.removeAttribute("controls");
    controls.hidden = false;
    each(".js-only", function (el) { el.hidden = false; });
    buildSimple();
    upgradeTranscript();
    setRate(prefs.rate, true);
    setVolume(prefs.volume, true);
    updateEdges();
    history.replaceState({audioguide: true}, "", location.href);
    var wantedPath = location.pathname; /* the chapter page on screen, or being loaded */

    var actions = {
      toggle: function () { if (audio.paused) play(); else audio.pause(); },
      /* A headset's play or pause says which it means: never the opposite. */
      play: function () { if (audio.paused) play(); },
      pause: function () { audio.pause(); },
      back: function () { seekTo(audio.currentTime - 10); },
      forward: function () { seekTo(audio.currentTime + 30); },
      prev: function () { goChapter(main.dataset.prevUrl, "btn-prev"); },
      next: function () { goChapter(main.dataset.nextUrl, "btn-next"); },
      slower: function () { setRate(prefs.rate - 0.25); },
      faster: function () { setRate(prefs.rate + 0.25); },
      quieter: function () { setVolume(prefs.volume - 0.1); },
      louder: function () { setVolume(prefs.volume + 0.1); },
      help: function () { openDialog($("help-dialog")); },
      settings: function () { openDialog($("settings-dialog")); },
      time: function () {
        announce("Chapter " + main.dataset.position + " of " + main.dataset.count + ", " + $("chapter-title").textContent +
          ", " + spoken(audio.currentTime) + " of " + spoken(Math.round(main.dataset.durationMs / 1000)));
      },
      simple: function () { setSimple(true, "simple-play"); },
      full: function () { setSimple(false, "btn-simple"); }
    };

    /* Simple mode: the same buttons again, cloned, three of them filling the screen. */
    function buildSimple() {
      var box = document.createElement("div");
      box.id = "simple";
      box.className = "simple";
      box.innerHTML = '<button type="button" class="btn" id="simple-full" data-action="full"><span class="label">Full player</span></button>';
      ["back", "play", "next"].forEach(function (name) {
        var button = $("btn-" + name).cloneNode(true);
        button.id = "simple-" + name;
        box.appendChild(button);
      });
      main.prepend(box);
    }
    function setSimple(on, focusId) {
      prefs.simple = on;
      save("prefs", prefs);
      applyLook();
      $(focusId).focus();
    }

    /* Tremor: while the filter is on, any action too soon after the last one is ignored. */
    function act(fn) {
      var now = Date.now();
      if (prefs.debounceMs && now - lastAct < prefs.debounceMs) return;
      lastAct = now;
      fn();
    }

    /* Slow keys: with "hold to activate" on, a press acts only once it has been
       held for the whole time; the fill shows how far along it is. */
    function press(target, key) {
      release();
      pressed = key.toLowerCase();
      if (!prefs.holdMs) return act(target.fn);
      hold = target;
      target.el.style.setProperty("--hold", prefs.holdMs + "ms");
      target.el.classList.add("holding");
      target.timer = setTimeout(function () { target.el.classList.add("held"); act(target.fn); }, prefs.holdMs);
    }
    function release() {
      if (!hold) return;
      clearTimeout(hold.timer);
      hold.el.classList.remove("holding", "held");
      hold = null;
    }

    /* What a press on this element does, if anything. */
    function actionFor(el, x) {
      var b = el && el.closest && el.closest("button[data-action], button.seg, a.chapter-link, #seek");
      if (!b) return null;
      var fn = actions[b.dataset.action];
      if (b.classList.contains("seg")) fn = function () { seekTo(b.dataset.startMs / 1000); play(); };
      else if (b.tagName === "A") fn = function () { if (b.dataset.number !== main.dataset.chapter) goChapter(b.href, b.id); };
      else if (b === seek) {
        if (x === undefined) return null;
        var r = seek.getBoundingClientRect();
        fn = function () { seekTo((x - r.left) / r.width * duration()); };
      } else if (b.getAttribute("aria-disabled") === "true" && !/^(prev|next)$/.test(b.dataset.action)) return null;
      return {el: b, fn: fn};
    }

    /* The visible button for an action, so a held shortcut shows its fill there. */
    function buttonFor(name) {
      var found = $("btn-play");
      each("[data-action=" + name + "]", function (b) { if (b.getClientRects().length) found = b; });
      return found;
    }

    /* ---- single-switch scanning ---- */
    /* The switch is live while a highlight shows; when scanning waits, every input works as usual. */
    function scanOn() { return !!scan.el && !document.querySelector("dialog[open]"); }
    function mark(el) {
      if (scan.el) scan.el.classList.remove("scan");
      scan.el = el;
      if (el) el.classList.add("scan");
    }
    function scanTick() {
      clearTimeout(scan.timer);
      if (!prefs.scanMs) return mark(null);
      scan.timer = setTimeout(scanTick, prefs.scanMs);
      if (hold) return; /* a press is being held on the highlighted action */
      if (document.querySelector("dialog[open]")) { scan.i = -1; return mark(null); }
      var items = [].filter.call(document.querySelectorAll(".simple .btn, #controls .btn"), function (b) {
        return b.getClientRects().length && !b.hasAttribute("aria-disabled");
      });
      if (!items.length) return mark(null);
      scan.i = (scan.i + 1) % items.length;
      mark(items[scan.i]);
      items[scan.i].scrollIntoView({block: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth"});
    }
    /* The highlighted action, chosen with the switch: scanning then starts again from the top. */
    function switched(target) {
      return target && {el: target.el, fn: function () { target.fn(); scanFrom(0); }};
    }
    /* Start again from the first action after `delay` ms. */
    function scanFrom(delay) {
      scan.i = -1;
      mark(null);
      clearTimeout(scan.timer);
      scan.timer = setTimeout(scanTick, delay);
    }

    /* ---- sleep timer: fades out over the last 5 seconds, then pauses ---- */
    function setSleep(mode) {
      sleep = {mode: mode, left: mode * 60000, tick: Date.now()};
      audio.volume = prefs.volume;
      sleepTick();
      announce(mode === "0" ? "Sleep timer off" : "Sleep timer: " + sleepStatus.textContent);
    }
    function sleepTick() {
      var now = Date.now(), left = sleep.left;
      sleepStatus.parentNode.hidden = sleep.mode === "0";
      if (sleep.mode === "0") return;
      if (sleep.mode === "chapter") left = (duration() - audio.currentTime) * 1000 / audio.playbackRate;
      else if (!audio.paused) left = sleep.left -= now - sleep.tick;
      sleep.tick = now;
      audio.volume = prefs.volume * Math.min(1, Math.max(0, left / 5000));
      sleepStatus.textContent = sleep.mode === "chapter" ? "pauses at the end of this chapter"
        : "pauses in " + plural(Math.ceil(left / 60000), "minute");
      if (left > 0 || sleep.mode === "chapter") return;
      setSleep("0");
      spokenState = "paused";
      audio.pause();
      announce("Sleep timer: paused");
    }

    function announce(text) {
      clearTimeout(announceTimer);
      announcer.textContent = "";
      announceTimer = setTimeout(function () { announcer.textContent = text; }, 150);
    }
    /* offline.js speaks through the same queue, so one message never cuts off another. */
    document.addEventListener("audioguide:announce", function (event) { announce(event.detail); });

    function play() {
      var promise = audio.play();
      if (promise) promise.catch(function () { spokenState = "paused"; showPlayState(); });
    }

    function duration() {
      return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : Number(main.dataset.durationMs) / 1000;
    }

    function seekTo(seconds) {
      audio.currentTime = Math.min(Math.max(seconds, 0), Math.max(duration() - 0.05, 0));
      render();
    }

    function setRate(rate, quiet) {
      rate = Math.min(2, Math.max(0.5, Math.round(rate * 4) / 4));
      prefs.rate = audio.playbackRate = audio.defaultPlaybackRate = rate;
      $("speed-value").textContent = rate + "×";
      disable($("btn-slower"), rate <= 0.5);
      disable($("btn-faster"), rate >= 2);
      save("prefs", prefs);
      if (!quiet) announce("Speed " + rate + " times");
    }

    function setVolume(volume, quiet) {
      volume = Math.min(1, Math.max(0, Math.round(volume * 10) / 10));
      prefs.volume = audio.volume = volume;
      $("volume-value").textContent = Math.round(volume * 100) + "%";
      disable($("btn-quieter"), volume <= 0);
      disable($("btn-louder"), volume >= 1);
      save("prefs", prefs);
      if (!quiet) announce("Volume " + Math.round(volume * 100) + " percent");
    }

    /* aria-disabled, not disabled: a disabled button drops keyboard focus. */
    function disable(button, off) {
      if (off) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    }

    function updateEdges() {
      each("[data-action=prev]", function (b) { disable(b, !main.dataset.prevUrl); });
      each("[data-action=next]", function (b) { disable(b, !main.dataset.nextUrl); });
    }

    function showPlayState() {
      var playing = !audio.paused;
      each("[data-action=toggle]", function (b) {
        b.dataset.state = playing ? "playing" : "paused";
        b.querySelector(".label").textContent = playing ? "Pause" : "Play";
      });
    }

    /* ---- position bar and transcript highlight ---- */
    function render() {
      /* Totals come from the manifest, rounded, so they match the chapter list. */
      var t = audio.currentTime, d = duration(), whole = Math.floor(t);
      var listed = Math.round(Number(main.dataset.durationMs) / 1000) || Math.round(d);
      fill.style.transform = "scaleX(" + Math.min(t / d || 0, 1) + ")";
      if (whole !== lastWhole) {
        lastWhole = whole;
        elapsed.textContent = clock(t);
        total.textContent = clock(listed);
        seek.setAttribute("aria-valuemax", String(listed));
        seek.setAttribute("aria-valuenow", String(Math.min(whole, listed)));
        seek.setAttribute("aria-valuetext", spoken(t) + " of " + spoken(listed));
      }
      highlight(t * 1000);
    }

    function highlight(ms) {
      var found = -1;
      for (var i = 0; i < segments.length && segments[i].start <= ms; i++) found = i;
      if (found === current) return;
      if (current >= 0 && segments[current]) segments[current].el.removeAttribute("aria-current");
      current = found;
      if (found < 0) return;
      segments[found].el.setAttribute("aria-current", "true");
      if (prefs.autoScroll && !audio.paused) keepInView(segments[found].el);
    }

    /* Scroll only the transcript box, and only when the sentence is out of sight. */
    function keepInView(el) {
      var box = $("transcript-body"), b = box.getBoundingClientRect(), r = el.getBoundingClientRect();
      if (r.top >= b.top && r.bottom <= b.bottom) return;
      box.scrollTo({top: box.scrollTop + r.top - b.top - b.height / 4,
        behavior: reducedMotion.matches ? "auto" : "smooth"});
    }

    function upgradeTranscript() {
      segments = [];
      current = -1;
      $("transcript-body").querySelectorAll("span.seg").forEach(function (span) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "seg";
        button.dataset.startMs = span.dataset.startMs;
        button.dataset.endMs = span.dataset.endMs;
        button.textContent = span.textContent;
        span.replaceWith(button);
        segments.push({el: button, start: Number(span.dataset.startMs)});
      });
    }

    /* ---- memory: position per chapter ---- */
    function positionKey() { return "position:" + main.dataset.slug + ":" + main.dataset.chapter; }
    function savePosition(force) {
      var now = Date.now();
      if (switching) return; /* the time belongs to no chapter until the new one loads */
      if (!force && now - lastSaved < 2000) return;
      lastSaved = now;
      save(positionKey(), audio.ended ? 0 : Math.floor(audio.currentTime));
    }

    /* Called for the first chapter on load and after each chapter change. */
    function chapterReady(autoplay, label) {
      var token = loadToken;
      var saved = Number(load(positionKey(), 0)) || 0;
      var resumeAt = saved > 5 && saved < duration() - 5 ? saved : 0;
      function start() {
        if (token !== loadToken) return; /* a later chapter change won */
        if (resumeAt) audio.currentTime = resumeAt;
        lastWhole = -1;
        render();
        var parts = label ? [label] : [];
        if (resumeAt) parts.push("Resuming at " + spoken(resumeAt));
        if (autoplay) { parts.push("Playing"); spokenState = "playing"; play(); }
        if (parts.length) announce(parts.join(". "));
        switching = false;
      }
      if (audio.readyState >= 1) start();
      else audio.addEventListener("loadedmetadata", start, {once: true});
      setMediaSession();
    }

    /* ---- chapter changes: swap the page in place, keep focus where it is ---- */
    function goChapter(url, focusId, push) {
      if (!url) {
        announce(focusId === "btn-prev" ? "This is the first chapter" : "This is the last chapter");
        return;
      }
      /* The latest request wins: a quick second press or Back overrides the first. */
      var token = ++loadToken;
      wantedPath = new URL(url, location.href).pathname;
      var autoplay = switching ? wantPlay : !audio.paused || audio.ended;
      wantPlay = autoplay;
      switching = true;
      savePosition(true);
      fetch(url, {credentials: "same-origin"})
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (token !== loadToken) return;
          swapIn(new DOMParser().parseFromString(html, "text/html"), url, push !== false, focusId, autoplay);
        })
        .catch(function () {
          if (token !== loadToken) return;
          /* Fall back to a real navigation; the new page restores focus. */
          try {
            sessionStorage.setItem(STORE + "focus", focusId || (document.activeElement || {}).id || "");
            sessionStorage.setItem(STORE + "autoplay", autoplay ? "1" : "");
          } catch (e) { /* ignore */ }
          location.href = url;
        });
    }

    function swapIn(doc, url, push, focusId, autoplay) {
      var newMain = doc.getElementById("main"), newAudio = doc.getElementById("audio");
      if (!newMain || !newAudio) throw new Error("not a chapter page");
      var focused = document.activeElement;
      Object.keys(newMain.dataset).forEach(function (k) { main.dataset[k] = newMain.dataset[k]; });
      ["chapter-head", "transcript-body", "chapter-downloads"].forEach(function (id) {
        $(id).replaceWith(document.importNode(doc.getElementById(id), true));
      });
      upgradeTranscript();
      each(".chapter-link", function (link) {
        if (link.dataset.number === main.dataset.chapter) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      });
      audio.querySelectorAll("track").forEach(function (t) { t.remove(); });
      newAudio.querySelectorAll("track").forEach(function (t) { audio.appendChild(document.importNode(t, true)); });
      audio.src = newAudio.getAttribute("src");
      document.title = doc.title;
      if (push) history.pushState({audioguide: true}, "", url);
      updateEdges();
      lastWhole = -1;
      render();
      if (!focused || !focused.isConnected || focused === document.body) {
        var target = $(focusId) || $("btn-play");
        if (target) target.focus();
      }
      chapterReady(autoplay, main.dataset.label);
    }

    function setMediaSession() {
      if (!("mediaSession" in navigator) || !window.MediaMetadata) return;
      var h = $("chapter-title");
      navigator.mediaSession.metadata = new MediaMetadata({title: h ? h.textContent : "", album: document.title});
    }
    if ("mediaSession" in navigator) {
      [["play", "play"], ["pause", "pause"], ["seekbackward", "back"], ["seekforward", "forward"],
        ["previoustrack", "prev"], ["nexttrack", "next"]].forEach(function (pair) {
        try { navigator.mediaSession.setActionHandler(pair[0], function () { actions[pair[1]](); }); } catch (e) { /* unsupported */ }
      });
    }

    /* ---- dialogs: real <dialog>, focus returns to the opener ---- */
    function openDialog(dialog) {
      if (dialog.open) return;
      var opener = document.activeElement;
      syncSettings();
      dialog.addEventListener("close", function () {
        var back = opener && opener.isConnected && opener.getClientRects().length ? opener : $(prefs.simple ? "simple-play" : "btn-settings");
        if (back !== document.body) back.focus();
      }, {once: true});
      dialog.showModal();
    }
    each("dialog [data-close]", function (button) {
      button.addEventListener("click", function () { button.closest("dialog").close(); });
    });

    var settings = $("settings-dialog");
    function syncSettings() {
      settings.querySelectorAll("input").forEach(function (input) {
        var value = input.name === "sleep" ? sleep.mode : prefs[input.name];
        if (input.type === "checkbox") input.checked = !!value;
        else input.checked = String(value) === input.value;
      });
    }
    settings.addEventListener("change", function (event) {
      var input = event.target, name = input.name, value = input.type === "checkbox" ? input.checked : input.value;
      if (name === "sleep") return setSleep(value);
      prefs[name] = name === "theme" || input.type === "checkbox" ? value : Number(value);
      save("prefs", prefs);
      applyLook();
      scanFrom(0);
    });

    /* ---- events: every press goes through press() or act() ---- */
    document.addEventListener("click", function (event) {
      if (swallow && event.detail) { /* the pointer is the switch: it acted on pointerdown */
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      var target = actionFor(event.target, event.clientX);
      if (!target || target.el.tagName === "A" && (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)) return;
      event.preventDefault();
      if (prefs.holdMs && event.detail) return; /* a held pointer decides, from pointerdown */
      act(target.fn);
    }, true);

    document.addEventListener("pointerdown", function (event) {
      swallow = scanOn();
      if (!event.isPrimary || event.button || document.querySelector("dialog[open]")) return;
      var target = swallow ? switched(actionFor(scan.el)) : prefs.holdMs && actionFor(event.target, event.clientX);
      if (swallow) event.preventDefault(); /* no focus change, no text selection */
      if (target) press(target, "pointer");
    }, true);
    ["pointerup", "pointercancel"].forEach(function (type) {
      document.addEventListener(type, function () { if (pressed === "pointer") { pressed = null; release(); } }, true);
    });
    document.addEventListener("pointerleave", function (event) {
      if (hold && event.target === hold.el && !hold.el.classList.contains("held")) release();
    }, true);
    document.addEventListener("contextmenu", function (event) { if (hold) event.preventDefault(); }, true);

    var KEYS = {k: "toggle", j: "back", arrowleft: "back", l: "forward", arrowright: "forward",
      p: "prev", n: "next", "[": "slower", "]": "faster", "?": "help", t: "time"};
    var STEPS = {ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30, Home: -1e9, End: 1e9};
    document.addEventListener("keydown", function (event) {
      var key = event.key, el = event.target, tag = el.tagName, enter = key === " " || key === "Enter";
      var native = /^(BUTTON|A|SUMMARY)$/.test(tag), target, name;
      if (event.ctrlKey || event.altKey || event.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(tag) || el.isContentEditable ||
          document.querySelector("dialog[open]")) return;
      if (prefs.scanMs) {
        if (enter && scanOn()) {
          event.preventDefault();
          pressed = key.toLowerCase();
          target = !event.repeat && switched(actionFor(scan.el));
          if (target) press(target, key);
          return;
        }
        scanFrom(5000); /* the controls are in use another way, so scanning waits */
      }
      if (el === seek && key in STEPS) {
        target = {el: seek, fn: function () { seekTo(audio.currentTime + STEPS[key]); }};
      } else if (native && enter) {
        target = actionFor(el);
        if (!prefs.holdMs || !target || tag === "A" && key === " ") {
          if (event.repeat) event.preventDefault(); /* a held Enter would click again and again */
          return;
        }
      } else {
        name = key === " " ? "toggle" : KEYS[key.toLowerCase()];
        if (!name || !prefs.shortcuts) return;
        target = {el: buttonFor(name), fn: actions[name]};
      }
      event.preventDefault();
      if (!event.repeat) press(target, key); /* a held key never repeats an action */
    }, true);
    document.addEventListener("keyup", function (event) {
      if (event.key.toLowerCase() !== pressed) return;
      pressed = null;
      event.preventDefault(); /* Space on a button would click it on release */
      release();
    }, true);
    window.addEventListener("blur", function () { pressed = null; release(); });

    /* Back and Forward between chapters; a move inside the page (the skip
       link's #player) must not reload the chapter that is playing. */
    window.addEventListener("popstate", function () {
      if (location.pathname !== wantedPath) goChapter(location.href, null, false);
    });

    audio.addEventListener("play", function () {
      showPlayState();
      sleep.tick = Date.now();
      if (!switching && spokenState !== "playing") announce("Playing");
      spokenState = "playing";
    });
    audio.addEventListener("pause", function () {
      showPlayState();
      savePosition(true);
      if (!switching && !audio.ended && spokenState !== "paused") announce("Paused");
      if (!switching) spokenState = "paused";
    });
    audio.addEventListener("timeupdate", function () { render(); savePosition(false); sleepTick(); });
    ["seeked", "durationchange", "loadedmetadata"].forEach(function (type) {
      audio.addEventListener(type, function () { lastWhole = -1; render(); });
    });
    audio.addEventListener("ended", function () {
      savePosition(true);
      if (main.dataset.nextUrl && sleep.mode !== "chapter") return goChapter(main.dataset.nextUrl, null);
      spokenState = "paused";
      if (sleep.mode === "0") return announce("End of the guide");
      setSleep("0");
      announce("Sleep timer: paused at the end of the chapter");
    });
    audio.addEventListener("error", function () {
      if (switching) { switching = false; announce("This chapter could not be loaded"); }
    });
    window.addEventListener("pagehide", function () { savePosition(true); });

    /* After a fallback navigation, put focus back on the control that was used. */
    var restore = "", resume = false;
    try {
      restore = sessionStorage.getItem(STORE + "focus") || "";
      resume = sessionStorage.getItem(STORE + "autoplay") === "1";
      sessionStorage.removeItem(STORE + "focus");
      sessionStorage.removeItem(STORE + "autoplay");
    } catch (e) { /* ignore */ }
    if (restore && $(restore)) $(restore).focus();
    if (prefs.scanMs) scanFrom(0);
    chapterReady(resume, resume ? main.dataset.label : "");
  }
})();
