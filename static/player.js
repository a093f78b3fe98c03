/* audioguide player: plain JS over a server-rendered page that already works
   without it (native <audio controls>, chapter links, downloads). */
(function () {
  "use strict";

  var STORE = "audioguide:";
  var root = document.documentElement;
  var CHOICES = {
    theme: ["auto", "dark", "light", "contrast"],
    textSize: [100, 125, 150, 175, 200],
    debounceMs: [0, 300, 600, 1000]
  };
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

  /* Saved preferences are untrusted input: keep only known values. */
  function readPrefs() {
    var p = load("prefs", {}) || {};
    var clean = {theme: "auto", textSize: 100, shortcuts: true, autoScroll: true, debounceMs: 0, rate: 1, volume: 1};
    Object.keys(CHOICES).forEach(function (k) { if (CHOICES[k].indexOf(p[k]) >= 0) clean[k] = p[k]; });
    if (typeof p.shortcuts === "boolean") clean.shortcuts = p.shortcuts;
    if (typeof p.autoScroll === "boolean") clean.autoScroll = p.autoScroll;
    if (typeof p.rate === "number" && p.rate >= 0.5 && p.rate <= 2) clean.rate = Math.round(p.rate * 4) / 4;
    if (typeof p.volume === "number" && p.volume >= 0 && p.volume <= 1) clean.volume = Math.round(p.volume * 10) / 10;
    return clean;
  }

  /* Runs before the body is parsed, so the saved theme applies to the first paint. */
  function applyLook() {
    root.setAttribute("data-theme", prefs.theme);
    root.setAttribute("data-text-size", String(prefs.textSize));
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
    var controls = $("controls"), seek = $("seek"), fill = $("seek-fill");
    var elapsed = $("elapsed"), total = $("total"), playButton = $("btn-play");
    var announcer = $("announcer");
    var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    var segments = [], current = -1, lastWhole = -1, lastSaved = 0;
    var switching = false, wantPlay = false, loadToken = 0, spokenState = "paused", lastAction = {}, announceTimer = 0;

    /* ---- setup: swap the native controls for ours ---- */
    audio.removeAttribute("controls");
    controls.hidden = false;
    document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
    upgradeTranscript();
    setRate(prefs.rate, true);
    setVolume(prefs.volume, true);
    updateEdges();
    history.replaceState({audioguide: true}, "", location.href);

    var actions = {
      toggle: function () { if (audio.paused) play(); else audio.pause(); },
      back: function () { seekTo(audio.currentTime - 10); },
      forward: function () { seekTo(audio.currentTime + 30); },
      prev: function () { goChapter(main.dataset.prevUrl, "btn-prev"); },
      next: function () { goChapter(main.dataset.nextUrl, "btn-next"); },
      slower: function () { setRate(prefs.rate - 0.25); },
      faster: function () { setRate(prefs.rate + 0.25); },
      quieter: function () { setVolume(prefs.volume - 0.1); },
      louder: function () { setVolume(prefs.volume + 0.1); },
      help: function () { openDialog($("help-dialog")); },
      settings: function () { openDialog($("settings-dialog")); }
    };

    /* Tremor: optionally ignore a second press of the same thing too soon after. */
    function run(name, fn) {
      var now = Date.now();
      if (prefs.debounceMs && now - (lastAction[name] || 0) < prefs.debounceMs) return;
      lastAction[name] = now;
      fn();
    }

    function announce(text) {
      clearTimeout(announceTimer);
      announcer.textContent = "";
      announceTimer = setTimeout(function () { announcer.textContent = text; }, 150);
    }

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
      disable($("btn-prev"), !main.dataset.prevUrl);
      disable($("btn-next"), !main.dataset.nextUrl);
    }

    function showPlayState() {
      var playing = !audio.paused;
      playButton.dataset.state = playing ? "playing" : "paused";
      playButton.querySelector(".label").textContent = playing ? "Pause" : "Play";
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
      ["chapter-head", "transcript-body"].forEach(function (id) {
        $(id).replaceWith(document.importNode(doc.getElementById(id), true));
      });
      upgradeTranscript();
      document.querySelectorAll(".chapter-link").forEach(function (link) {
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
      [["play", "toggle"], ["pause", "toggle"], ["seekbackward", "back"], ["seekforward", "forward"],
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
        if (opener && opener.isConnected && opener !== document.body) opener.focus();
      }, {once: true});
      dialog.showModal();
    }
    document.querySelectorAll("dialog [data-close]").forEach(function (button) {
      button.addEventListener("click", function () { button.closest("dialog").close(); });
    });

    var settings = $("settings-dialog");
    function syncSettings() {
      settings.querySelectorAll("input").forEach(function (input) {
        var value = prefs[input.name];
        if (input.type === "checkbox") input.checked = !!value;
        else input.checked = String(value) === input.value;
      });
    }
    settings.addEventListener("change", function (event) {
      var input = event.target, name = input.name;
      if (input.type === "checkbox") prefs[name] = input.checked;
      else prefs[name] = name === "theme" ? input.value : Number(input.value);
      save("prefs", prefs);
      applyLook();
    });

    /* ---- events ---- */
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button || button.getAttribute("aria-disabled") === "true") {
        if (button && (button.id === "btn-prev" || button.id === "btn-next")) actions[button.dataset.action]();
        return;
      }
      run(button.dataset.action, actions[button.dataset.action]);
    });

    main.addEventListener("click", function (event) {
      var sentence = event.target.closest("button.seg");
      if (sentence) {
        run("sentence", function () {
          seekTo(Number(sentence.dataset.startMs) / 1000);
          play();
        });
        return;
      }
      var link = event.target.closest("a.chapter-link");
      if (link && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
        event.preventDefault();
        if (link.dataset.number !== main.dataset.chapter) goChapter(link.href, link.id);
      }
    });

    seek.addEventListener("click", function (event) {
      var r = seek.getBoundingClientRect();
      seekTo((event.clientX - r.left) / r.width * duration());
    });
    seek.addEventListener("keydown", function (event) {
      var steps = {ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30};
      if (event.ctrlKey || event.altKey || event.metaKey) return;
      if (event.key in steps) seekTo(audio.currentTime + steps[event.key]);
      else if (event.key === "Home") seekTo(0);
      else if (event.key === "End") seekTo(duration());
      else return;
      event.preventDefault();
      event.stopPropagation();
    });

    var KEYS = {k: "toggle", j: "back", arrowleft: "back", l: "forward", arrowright: "forward",
      p: "prev", n: "next", "[": "slower", "]": "faster", "?": "help"};
    document.addEventListener("keydown", function (event) {
      if (!prefs.shortcuts || event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
      if (document.querySelector("dialog[open]")) return;
      var target = event.target, tag = target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) return;
      var name;
      if (event.key === " ") {
        if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return;
        name = "toggle";
      } else {
        name = KEYS[event.key.toLowerCase()];
      }
      if (!name) return;
      event.preventDefault();
      if (event.repeat) return; /* a held key never repeats an action */
      run(name, actions[name]);
    });

    window.addEventListener("popstate", function () { goChapter(location.href, null, false); });

    audio.addEventListener("play", function () {
      showPlayState();
      if (!switching && spokenState !== "playing") announce("Playing");
      spokenState = "playing";
    });
    audio.addEventListener("pause", function () {
      showPlayState();
      savePosition(true);
      if (!switching && !audio.ended && spokenState !== "paused") announce("Paused");
      if (!switching) spokenState = "paused";
    });
    audio.addEventListener("timeupdate", function () { render(); savePosition(false); });
    ["seeked", "durationchange", "loadedmetadata"].forEach(function (type) {
      audio.addEventListener(type, function () { lastWhole = -1; render(); });
    });
    audio.addEventListener("ended", function () {
      savePosition(true);
      if (main.dataset.nextUrl) goChapter(main.dataset.nextUrl, null);
      else { spokenState = "paused"; announce("End of the guide"); }
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
    chapterReady(resume, resume ? main.dataset.label : "");
  }
})();
