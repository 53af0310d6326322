// For tests/it/search.rs's query-equivalence test (issue 19): runs each query the way a reader's
// fresh search page does, and prints what it found and what it cost.
// usage: node pagefind_equivalence.mjs OUTPUT_DIR QUERY...
// Prints {"QUERY": {"urls": [sorted result URLs], "chunks": N}, ...} as JSON, where N is the
// number of index chunks (`.pf_index` files) the search loaded. Each query gets its own copy of
// Pagefind (the module imported under its own URL), as a reader landing on the search page
// does, so one query's loaded chunks never make another's cheaper. Parts of a split index are
// merged in as the search page does (its form's data-parts); fetch reads the bundle from disk.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [outputDir, ...queries] = process.argv.slice(2);
let chunks = 0;
globalThis.fetch = async (input) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  if (url.protocol !== "file:") {
    throw new Error(`the search bundle asked for a non-local URL: ${url}`);
  }
  url.search = "";
  if (url.pathname.endsWith(".pf_index")) {
    chunks += 1;
  }
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    return new Response("not found", { status: 404 });
  }
};
const searchPage = await readFile(path.join(outputDir, "search", "index.html"), "utf8").catch(() => "");
const attribute = (name) => (searchPage.match(new RegExp(`${name}="([^"]*)"`)) || [])[1] || "";
const prefix = new URL(attribute("data-bundle") || "/pagefind/pagefind.js", "http://site/").pathname
  .replace(/pagefind\/pagefind\.js$/, "");
const bundle = pathToFileURL(path.join(outputDir, "pagefind", "pagefind.js")).href;
const found = {};
for (const [n, query] of queries.entries()) {
  const pagefind = await import(`${bundle}?reader=${n}`);
  await pagefind.options({ baseUrl: "/" });
  await pagefind.init();
  for (const part of attribute("data-parts").split(" ").filter(Boolean)) {
    const local = path.join(outputDir, new URL(part, "http://site/").pathname.slice(prefix.length));
    await pagefind.mergeIndex(pathToFileURL(local).href + "/", { baseUrl: "/" });
  }
  chunks = 0;
  const search = await pagefind.search(query);
  const loaded = chunks;
  const results = await Promise.all(search.results.map((r) => r.data()));
  found[query] = { urls: results.map((r) => r.url).sort(), chunks: loaded };
}
console.log(JSON.stringify(found));
