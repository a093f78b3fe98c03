/* Search on the library's home page, as you type. The index (every guide's
   title, chapter titles and sentences) is fetched the first time the search
   box is used, never before. The rules are the server's (web/finder.py):
   a guide is found when every word sought begins a word in it; titles first; for each
   guide, the chapters whose titles hold every word and the first sentences
   that do. Without JavaScript the same form asks the server (or, in a static
   export, the A-to-Z list below is the way in). */
const form = document.getElementById("library-search");
const box = document.getElementById("library-q");
const results = document.getElementById("library-results");
const status = document.getElementById("library-status");
const QUERY_LIMIT = 100, MAX_RESULTS = 20, MAX_PLACES = 3, MAX_LOOKS = 100;

/* As web/finder.py folds: lower case, no accents, only letters and figures,
   each word with one space before it, so a word is sought at a word's start. */
const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^\p{L}\p{N}]+/gu, " ")
  .toLowerCase().split(" ").filter(Boolean).map((w) => " " + w).join("");
const words = (query) => fold(query.slice(0, QUERY_LIMIT)).split(" ").filter(Boolean).map((w) => " " + w);
const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");

let loading = null;

function prepare(data) {
  return data.guides.map((guide) => {
    const lines = guide.sentences.map((s) => fold(s[2]));
    const starts = [];
    let at = 0;
    for (const line of lines) { starts.push(at); at += line.length + 1; }
    const title = fold(guide.title), chapters = guide.chapters.map((c) => fold(c.title)), text = lines.join("\n");
    return {...guide, folded: title, chapterTitles: chapters, text, starts, everything: [title, ...chapters, text].join("\n")};
  });
}

function load() {
  if (!loading) {
    loading = fetch(form.dataset.index).then((r) => {
      if (!r.ok) throw new Error("index " + r.status);
      return r.json();
    }).then(prepare);
    loading.catch(() => { loading = null; });
  }
  return loading;
}

function lineAt(guide, at) {
  let low = 0, high = guide.starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (guide.starts[mid] <= at) low = mid; else high = mid - 1;
  }
  return low;
}

function sentencesWith(guide, sought) {
  const anchor = sought.reduce((a, b) => (b.length > a.length ? b : a));
  const found = [];
  let position = 0;
  for (let look = 0; look < MAX_LOOKS && found.length < MAX_PLACES; look++) {
    const at = guide.text.indexOf(anchor, position);
    if (at < 0) break;
    const number = lineAt(guide, at), end = guide.text.indexOf("\n", at);
    const line = guide.text.slice(guide.starts[number], end >= 0 ? end : guide.text.length);
    if (sought.every((w) => line.includes(w))) found.push(guide.sentences[number]);
    position = end >= 0 ? end + 1 : guide.text.length;
  }
  return found;
}

export function search(guides, query) {
  const sought = words(query);
  if (!sought.length) return null;
  const phrase = sought.join("");
  const inTitle = (g) => sought.every((w) => g.folded.includes(w));
  const rank = (g) => (g.folded.includes(phrase) ? 0 : inTitle(g) ? 1 : 2);
  const matching = guides.filter((g) => sought.every((w) => g.everything.includes(w)));
  matching.sort((a, b) => rank(a) - rank(b));
  const hits = matching.slice(0, MAX_RESULTS).map((guide) => ({
    guide,
    chapters: guide.chapters.filter((c, i) => sought.every((w) => guide.chapterTitles[i].includes(w))).slice(0, MAX_PLACES),
    sentences: sentencesWith(guide, sought),
  }));
  return {hits, total: matching.length};
}

function element(tag, attributes, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) if (value) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

/* The same markup the server renders for ?q= (templates/library.html). */
function render(found, query) {
  const shown = query.trim();
  const heading = element("h2", {id: "results-heading"},
    found.total ? plural(found.total, "guide") + " found for “" + shown + "”" : "No guide has “" + shown + "”");
  const parts = [heading];
  if (found.total > found.hits.length) {
    parts.push(element("p", {class: "meta"}, "The first " + found.hits.length + " are shown; add a word to narrow the search."));
  }
  const list = element("ol", {class: "found"});
  for (const hit of found.hits) {
    const guide = hit.guide;
    const item = element("li", null, element("a", {class: "guide-link", href: guide.url},
      element("span", {class: "name", lang: guide.language}, guide.title)));
    if (hit.chapters.length || hit.sentences.length) {
      const places = element("ul", {class: "places"});
      for (const chapter of hit.chapters) {
        places.append(element("li", null, element("a", {class: "place", href: chapter.url}, "Chapter: " + chapter.title)));
      }
      for (const [number, start, written] of hit.sentences) {
        const chapter = guide.chapters[number];
        places.append(element("li", null, element("a", {class: "place", href: chapter.url + "?t=" + start / 1000 + "#player"},
          "“" + written + "” ", element("span", {class: "where"}, "in " + chapter.title))));
      }
      item.append(places);
    }
    list.append(item);
  }
  if (found.hits.length) parts.push(list);
  results.replaceChildren(...parts);
  results.hidden = false;
  status.textContent = heading.textContent;
}

let asked = 0;

async function run(query, {focus = false} = {}) {
  const ticket = ++asked;
  if (!words(query).length) {
    results.replaceChildren();
    results.hidden = true;
    status.textContent = "";
    return;
  }
  let guides;
  try {
    guides = await load();
  } catch (error) {
    if (ticket !== asked) return;
    results.replaceChildren(element("h2", {id: "results-heading"}, "Search is not available just now; every guide is listed below, A to Z."));
    results.hidden = false;
    status.textContent = results.textContent;
    return;
  }
  if (ticket !== asked) return;  // a later keystroke has its own answer
  render(search(guides, query), query);
  if (focus) results.focus();
}

if (form && box && results) {
  form.hidden = false;  // a static export offers the box only with this script
  box.addEventListener("focus", () => { load().catch(() => {}); }, {once: true});
  box.addEventListener("input", () => run(box.value));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = box.value.slice(0, QUERY_LIMIT);
    history.replaceState(null, "", query.trim() ? "?q=" + encodeURIComponent(query) : location.pathname);
    run(query, {focus: true});
  });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial && results.hidden) {  // a static export's ?q=: the server could not answer it
    box.value = initial.slice(0, QUERY_LIMIT);
    run(box.value);
  }
}
