/* The stylesheet of a part of the player that loads on first use (the
   dialogs, the sentences found, simple mode, the motor filters): beside the
   modules and of their version, since they share one. Resolves once it applies. */
const sheets = {};

export function stylesheet(name) {
  const href = new URL("./" + name + new URL(import.meta.url).search, import.meta.url).href;
  if (!sheets[href]) {
    const present = [...document.querySelectorAll("link[rel=stylesheet]")].find((link) => link.href === href);
    sheets[href] = present ? Promise.resolve() : new Promise((resolve, reject) => {
      const link = Object.assign(document.createElement("link"), {rel: "stylesheet", href, onload: resolve});
      link.onerror = () => { link.remove(); delete sheets[href]; reject(new Error(href)); };
      document.head.append(link);
    });
  }
  return sheets[href];
}
