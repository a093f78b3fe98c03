/* Find in the transcript: the sentences of this chapter with the words
   sought, listed as buttons that play from there (input.js sends their
   data-start-ms as a seek). Without JavaScript the same form asks the
   server, which lists them in the page the same way, as links. */
import {$, announce, plural} from "./bus.js";
import {stylesheet} from "./sheet.js";
import {sentences} from "./transcript.js";

const words = (text) => text.toLowerCase().normalize("NFKC").replace(/\s+/g, " ").trim();

/* The same list the server renders without JavaScript, with buttons that play. */
export async function find(query) {
  await stylesheet("search.css").catch(() => {}); /* unstyled rather than none */
  const results = $("search-results"), sought = words(query);
  results.replaceChildren();
  if (!sought) return;
  const hits = sentences().filter((s) => words(s.el.textContent).includes(sought));
  const heading = document.createElement("h3");
  heading.textContent = hits.length ? plural(hits.length, "sentence") + " with “" + query.trim() + "”"
    : "No sentence in this chapter has “" + query.trim() + "”";
  results.append(heading);
  if (hits.length) {
    const list = document.createElement("ol");
    list.className = "hits";
    for (const hit of hits) {
      const item = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.className = "hit";
      button.dataset.startMs = hit.start;
      button.textContent = hit.el.textContent;
      item.append(button);
      list.append(item);
    }
    results.append(list);
  }
  announce(heading.textContent);
}

