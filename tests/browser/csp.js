#!/usr/bin/env node
// Opens every HTML page of a built site in headless Chromium, served with the security headers
// the build wrote to `_headers` (issue 20), and fails when the browser reports a single
// Content-Security-Policy violation (`securitypolicyviolation` events, and the console's CSP
// messages as a second witness), when a page asks another host for anything on load, or when a
// script throws. Search pages (from --pages, kind "search") run their query and must find
// something: Pagefind's JavaScript and WebAssembly run under the policy too. Run by
// tests/it/browser.rs; by hand:
//
//   node tests/browser/csp.js --site BUILT_DIR --base-url URL [--pages PAGES_JSON]
//
//   --site      a site built with `pamphlet build --base-url URL --output BUILT_DIR` (with its
//               `_headers`: hosting netlify, cloudflare or generic)
//   --base-url  that URL: the browser's requests to it are answered from BUILT_DIR with the
//               headers of `_headers`; every other request is refused and reported
//   --pages     a JSON list of [name, path, kind] (tests/browser/example-pages.json): its search
//               pages are opened with their query, besides every page of the folder
//
// Prints one line per page; exits 1 on a problem, 2 when the check itself could not run.
// Chromium: CHROME_PATH, default /usr/bin/chromium.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.xml': 'application/xml', '.txt': 'text/plain',
  '.wasm': 'application/wasm', '.pdf': 'application/pdf',
};

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) usage(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  if (!args.site || !args['base-url']) usage('--site and --base-url are required');
  return args;
}

function usage(why) {
  console.error(`csp.js: ${why}\nusage: node csp.js --site DIR --base-url URL [--pages JSON]`);
  process.exit(2);
}

/// The headers of the `/*` block of a Netlify-style `_headers` file (the only block pamphlet writes).
function readHeaders(site, base) {
  const file = path.join(site, '_headers');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: build with hosting netlify, cloudflare or generic`);
  const headers = {};
  let inBlock = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) { inBlock = line.trim() === `${base.pathname}*`; continue; }
    const at = line.indexOf(':');
    if (inBlock && at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  if (!headers['content-security-policy']) throw new Error(`${file} has no Content-Security-Policy for ${base.pathname}*`);
  return headers;
}

/// Answers a request for `url` from the built site folder with the site's headers, as a static
/// host reading `_headers` does: `/x/` is `/x/index.html`; a missing file is the 404 page.
function fromDisk(site, base, url, headers) {
  let rel = decodeURIComponent(url.pathname.slice(base.pathname.length - 1));
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(site, path.normalize(rel));
  const ok = file.startsWith(path.resolve(site) + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
  const served = ok ? file : path.join(site, '404.html');
  return {
    status: ok ? 200 : 404,
    headers: { ...headers, 'content-type': TYPES[path.extname(served)] || 'application/octet-stream' },
    body: fs.readFileSync(served),
  };
}

/// Every HTML page of the built folder, as site paths (`/a/` for `a/index.html`).
function allPages(site) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) { if (entry.name !== 'pagefind') walk(full); continue; }
      if (!entry.name.endsWith('.html')) continue;
      const rel = '/' + path.relative(site, full).split(path.sep).join('/');
      out.push(rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel);
    }
  };
  walk(site);
  return out.sort();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const site = path.resolve(args.site);
  const base = new URL(args['base-url'].endsWith('/') ? args['base-url'] : `${args['base-url']}/`);
  const headers = readHeaders(site, base);
  const pages = allPages(site).map((rel) => [rel, rel, null]);
  if (args.pages) {
    for (const [name, rel, kind] of JSON.parse(fs.readFileSync(args.pages, 'utf8'))) {
      if (kind === 'search') pages.push([name, rel, 'search']);
    }
  }
  const started = Date.now();
  const problems = [];
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pamphlet-csp-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', headless: true, args: CHROME_ARGS,
  });
  // Runs before any script of the page, and is not itself subject to the page's policy. Each
  // violation is reported on the console, which outlives a page that navigates on (an old
  // address's redirect page does).
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.log(`pamphlet-csp-violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}` +
        (e.sample ? ` (${e.sample})` : '') + (e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : ''));
    });
  });
  let current = null;
  await ctx.route('**/*', (route) => {
    const url = new URL(route.request().url());
    // An old address's page sends the browser on with <meta http-equiv="refresh">: the page it
    // names is checked on its own, so the browser stays where it was sent.
    if (route.request().isNavigationRequest() && current && current.loaded) return route.abort();
    if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) {
      return route.fulfill(fromDisk(site, base, url, headers));
    }
    if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    if (current) current.notes.push(`asked another host: ${url.href}`);
    return route.abort();
  });
  try {
    for (const [name, rel, kind] of pages) {
      const url = new URL(base.pathname.slice(0, -1) + rel, base.origin).href;
      const page = await ctx.newPage();
      current = { notes: [] };
      const notes = current.notes;
      page.on('console', (m) => {
        const said = m.text();
        if (said.startsWith('pamphlet-csp-violation: ')) notes.push(`violation: ${said.slice(24)}`);
        else if (/Content.Security.Policy/i.test(said)) notes.push(`console: ${said}`);
      });
      page.on('pageerror', (e) => notes.push(`script error: ${e.message}`));
      try {
        await page.goto(url, { waitUntil: 'load', timeout: 30000 });
        current.loaded = true;
        if (kind === 'search') {
          await page.waitForFunction(() => document.querySelector('#search-results li')
            || /could not|No results|failed/i.test(document.getElementById('search-status').textContent), null, { timeout: 20000 })
            .catch(() => {});
          const found = await page.locator('#search-results li').count();
          if (found === 0) current.notes.push(`the search found nothing: "${await page.locator('#search-status').textContent()}"`);
        }
        // Let late reports (a lazily loaded image, a deferred script) arrive: a frame and a task
        // later. A redirect page has navigated on by now; the page it went to was checked too.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))))
          .catch((e) => { if (!/navigation|destroyed/.test(e.message)) throw e; });
      } catch (e) {
        current.notes.push(`could not load: ${e.message}`);
      } finally {
        await page.close();
      }
      for (const n of current.notes) problems.push(`${name}: ${n}`);
      console.log(`${current.notes.length ? 'FAIL' : 'ok  '} ${name}${current.notes.length ? ': ' + current.notes.join('; ') : ''}`);
    }
  } finally {
    current = null;
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${pages.length} pages checked under the site's policy in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  if (problems.length) {
    console.log(`\n${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(`csp.js could not run: ${e.stack || e}`); process.exit(2); });
