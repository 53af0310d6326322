// Queries a built Pagefind bundle from Node, the way the browser does, for tests/it/search.rs.
// usage: node pagefind_query.mjs OUTPUT_DIR QUERY...
// The parts of a split index are merged in, as the search page does: it lists them in its
// form's data-parts, and its data-bundle gives the site's path prefix to strip from them.
// Prints {"QUERY": [{"url", "title", "excerpt"}...], ...} as JSON.
// Node's fetch cannot read file: URLs, so fetch is replaced by one that reads the bundle's
// files from disk (query strings, which Pagefind adds for cache busting, are dropped).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [outputDir, ...queries] = process.argv.slice(2);
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
const pagefind = await import(pathToFileURL(path.join(outputDir, "pagefind", "pagefind.js")).href);
// In a browser the bundle's folder gives the base URL; here results keep their site paths.
await pagefind.options({ baseUrl: "/" });
await pagefind.init();
const searchPage = await readFile(path.join(outputDir, "search", "index.html"), "utf8").catch(() => "");
const attribute = (name) => (searchPage.match(new RegExp(`${name}="([^"]*)"`)) || [])[1] || "";
const prefix = new URL(attribute("data-bundle") || "/pagefind/pagefind.js", "http://site/").pathname
  .replace(/pagefind\/pagefind\.js$/, "");
for (const part of attribute("data-parts").split(" ").filter(Boolean)) {
  const local = path.join(outputDir, new URL(part, "http://site/").pathname.slice(prefix.length));
  await pagefind.mergeIndex(pathToFileURL(local).href + "/", { baseUrl: "/" });
}
const found = {};
for (const query of queries) {
  const search = await pagefind.search(query);
  const results = await Promise.all(search.results.map((r) => r.data()));
  found[query] = results.map((r) => ({ url: r.url, title: r.meta.title, excerpt: r.excerpt }));
}
console.log(JSON.stringify(found));
