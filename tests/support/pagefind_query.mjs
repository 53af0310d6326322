// Queries a built Pagefind bundle from Node, the way the browser does, for tests/it/search.rs.
// usage: node pagefind_query.mjs [--page SEARCH_PAGE] OUTPUT_DIR QUERY...
// The parts of a split index are merged in, as the search page does: it lists them in its
// form's data-parts, and its data-bundle gives the site's path prefix to strip from them.
// --page is the site path of the search page to query from (default /search/): its form gives
// the bundle and parts, and its <html lang> the language Pagefind picks its index by, as in a
// browser (`/ur/search/` has lang="ur", for which the index has no part of its own).
// A QUERY may carry filters as an address's query does, `words?category=In Media › News&year=2024`
// (no words: every page the filters keep), searched as the default theme's search page does.
// Prints {"QUERY": [{"url", "title", "excerpt"}...], ...} as JSON.
// Node's fetch cannot read file: URLs, so fetch is replaced by one that reads the bundle's
// files from disk (query strings, which Pagefind adds for cache busting, are dropped).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const pagePath = args[0] === "--page" ? args.splice(0, 2)[1] : "/search/";
const [outputDir, ...queries] = args;
globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  if (url.protocol !== "file:") {
    throw new Error(`the search bundle asked for a non-local URL: ${url}`);
  }
  url.search = "";
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    return new Response("not found", { status: 404 });
  }
};
const searchPage = await readFile(path.join(outputDir, ...pagePath.split("/").filter(Boolean), "index.html"), "utf8")
  .catch(() => "");
// Pagefind reads the page's language from document.querySelector("html").getAttribute("lang").
const lang = (searchPage.match(/<html[^>]* lang="([^"]*)"/) || [])[1];
if (lang) {
  globalThis.document = {
    currentScript: null,
    querySelector: (s) => (s === "html" ? { getAttribute: (a) => (a === "lang" ? lang : null) } : null),
  };
}
const pagefind = await import(pathToFileURL(path.join(outputDir, "pagefind", "pagefind.js")).href);
// In a browser the bundle's folder gives the base URL; here results keep their site paths.
await pagefind.options({ baseUrl: "/" });
await pagefind.init();
const attribute = (name) => (searchPage.match(new RegExp(`${name}="([^"]*)"`)) || [])[1] || "";
const prefix = new URL(attribute("data-bundle") || "/pagefind/pagefind.js", "http://site/").pathname
  .replace(/pagefind\/pagefind\.js$/, "");
for (const part of attribute("data-parts").split(" ").filter(Boolean)) {
  const local = path.join(outputDir, new URL(part, "http://site/").pathname.slice(prefix.length));
  await pagefind.mergeIndex(pathToFileURL(local).href + "/", { baseUrl: "/" });
}
const found = {};
for (const query of queries) {
  const [words, filterText] = query.split("?");
  const filters = Object.fromEntries(new URLSearchParams(filterText || ""));
  const search = await pagefind.search(words || null, { filters });
  const results = await Promise.all(search.results.map((r) => r.data()));
  found[query] = results.map((r) => ({ url: r.url, title: r.meta.title, excerpt: r.excerpt, lang: r.meta.lang }));
}
console.log(JSON.stringify(found));
