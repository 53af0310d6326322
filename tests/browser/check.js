#!/usr/bin/env node
// Opens every page kind of a built site in headless Chromium at 360 and 1280 px and fails
// when anything sticks out sideways, and (with --axe) when axe finds a WCAG A/AA violation on
// any of them; runs the search pages again under `pamphlet serve` (whose index is built in the
// background), then opens a page under its error overlay and runs axe on the overlay. Run by tests/it/browser.rs (see there); can be run by hand:
//
//   node tests/browser/check.js --site BUILT_DIR --base-url URL --pages PAGES_JSON [--axe yes]
//                               [--pamphlet BIN --root SITE_ROOT] [--shots DIR]
//
//   --site      a site built with `pamphlet build --base-url URL --output BUILT_DIR`
//   --base-url  that URL: the browser's requests to it are answered from BUILT_DIR, so the site
//               is never served over the network and every other request is refused
//   --pages     the pages to open: a JSON list of [name, path, kind, lang?], kind being the
//               page's `kind-*` body class, which the page must have (a search page's path
//               carries its query, and the search must find something), and lang, when given,
//               the `<html lang>` it must have
//   --axe yes   also run axe-core's WCAG 2.x A and AA rules on each page at both widths, after
//               its scripts ran (a search page's results are in); any violation, or a colour
//               contrast axe could not decide, is a problem
//   --pamphlet  the binary; with --root (the example site: BROKEN and OVERLAY_PAGES below name
//               its pages), also runs --pages' search pages under `pamphlet serve`, run on a copy
//               of SITE_ROOT (the site itself is never modified), then checks its error overlay
//               with one article broken
//   --shots     where full-page screenshots go (NAME-WIDTH.png), for a person to look at
//
// "Sticks out" means: the document is wider than the viewport (scrollWidth > clientWidth), or
// an element reaches past its left or right edge without a scrolling or clipping ancestor (a
// wide table or code block that scrolls inside itself is fine). Each such outermost element is
// named, with its position.
//
// Prints one line per page and width, then every problem; exits 1 when there is one, 2 when the
// check itself could not run. Chromium: CHROME_PATH, default /usr/bin/chromium.
'use strict';
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const WIDTHS = [360, 1280];
const HEIGHT = 800;
// The flags the machine notes give for a sandboxed, offline Chromium.
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];
// The article broken for the overlay, and how: a date that is not one (an error with a line,
// so the overlay also quotes the source).
const BROKEN = { file: 'content/2024/05/verify-your-downloads.md', from: /^date: .*$/m, to: 'date: the day after tomorrow' };
const OVERLAY_PAGES = [
  ['overlay', '/2024/05/verify-your-downloads/'],
  ['overlay-urdu', '/2025/02/ڈیجیٹل-حقوق/'],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.xml': 'application/xml', '.txt': 'text/plain',
  '.wasm': 'application/wasm',
};

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) usage(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  if (!args.site || !args['base-url'] || !args.pages) usage('--site, --base-url and --pages are required');
  if (!!args.pamphlet !== !!args.root) usage('--pamphlet and --root go together');
  return args;
}

function usage(why) {
  console.error(`check.js: ${why}\nusage: node check.js --site DIR --base-url URL --pages JSON [--pamphlet BIN --root DIR] [--shots DIR]`);
  process.exit(2);
}

/// Answers a request for `url` from the built site folder: `/x/` is `/x/index.html`, a missing
/// file is the site's 404 page with status 404.
function fromDisk(site, base, url) {
  let rel = decodeURIComponent(url.pathname.slice(base.pathname.length - 1));
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(site, path.normalize(rel));
  if (file.startsWith(path.resolve(site) + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    return { status: 200, contentType: TYPES[path.extname(file)] || 'application/octet-stream', body: fs.readFileSync(file) };
  }
  const notFound = path.join(site, '404.html');
  return { status: 404, contentType: TYPES['.html'], body: fs.existsSync(notFound) ? fs.readFileSync(notFound) : 'not found' };
}

/// Runs in the page: the document's width against the viewport's, and the outermost elements
/// that reach past either edge without a scrolling or clipping ancestor to contain them.
function measureOverflow() {
  const root = document.documentElement;
  const width = root.clientWidth;
  const describe = (el) => {
    const name = (e) => e.localName + (e.id ? `#${e.id}` : '') +
      [...e.classList].map((c) => `.${c}`).join('');
    const chain = [];
    for (let e = el; e && e !== document.body && chain.length < 3; e = e.parentElement) chain.unshift(name(e));
    return chain.join(' > ');
  };
  const contained = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= width + 0.5 && r.left >= -0.5) continue;
    if (contained(el)) continue;
    if (out.some((o) => o.el.contains(el))) continue;
    out.push({ el, what: describe(el), left: Math.round(r.left), right: Math.round(r.right) });
  }
  return {
    width, scrollWidth: root.scrollWidth,
    offenders: out.map(({ what, left, right }) => ({ what, left, right })),
  };
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/// axe's WCAG 2.x A and AA rules on `context` of the open page (the whole document when
/// undefined): one problem per violating element, per element whose colour contrast axe could
/// not decide, and one when the contrast rule did not run at all. Also the number of rules that
/// passed, for the log.
async function runAxe(page, label, context) {
  if (!(await page.evaluate(() => !!window.axe))) {
    await page.addScriptTag({ content: fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
  }
  const res = await page.evaluate(([c, tags]) => window.axe.run(c || document,
    { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), [context, AXE_TAGS]);
  const notes = [];
  for (const v of res.violations) {
    for (const n of v.nodes) notes.push(`${label} axe: ${v.id} (${v.impact}) ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`);
  }
  // A cell of a table that scrolls sideways at 360 px is partly hidden by the scrolling box,
  // so axe cannot tell its background: scroll it into view and ask again, for it alone.
  for (const v of res.incomplete.filter((r) => r.id === 'color-contrast')) {
    for (const n of v.nodes) {
      const again = await page.evaluate(([target]) => {
        document.querySelector(target).scrollIntoView({ block: 'center', inline: 'center' });
        return window.axe.run({ include: [[target]] }, { runOnly: { type: 'rule', values: ['color-contrast'] } });
      }, [n.target[0]]);
      if (again.passes.length) continue;
      const why = again.violations.length ? again.violations[0].nodes[0].failureSummary.replace(/\s+/g, ' ')
        : 'could not be decided';
      notes.push(`${label} axe: color-contrast ${n.target.join(' ')}: ${why}`);
    }
  }
  if (![...res.passes, ...res.violations].some((r) => r.id === 'color-contrast')) {
    notes.push(`${label} axe: color-contrast did not run`);
  }
  return { notes, passed: res.passes.length, violations: res.violations.length };
}

async function checkWidths(ctx, name, url, problems, shots, before, axe) {
  for (const width of WIDTHS) {
    const page = await ctx.newPage();
    await page.setViewportSize({ width, height: HEIGHT });
    try {
      const resp = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
      const label = `${name} ${width}px`;
      const status = resp ? resp.status() : 0;
      const notes = before ? await before(page, label, status) : (status === 200 ? [] : [`status ${status}`]);
      // Fonts can change line breaks, so measure after they are in.
      await page.evaluate(() => document.fonts.ready);
      const m = await page.evaluate(measureOverflow);
      if (m.scrollWidth > m.width) notes.push(`the page is ${m.scrollWidth}px wide in a ${m.width}px viewport`);
      for (const o of m.offenders.slice(0, 8)) notes.push(`${o.what} spans ${o.left}..${o.right}px`);
      if (m.offenders.length > 8) notes.push(`… and ${m.offenders.length - 8} more elements`);
      for (const n of notes) problems.push(`${label}: ${n}`);
      // Screenshots before axe, which scrolls some tables to look at them.
      if (shots) await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
      let axeLog = '';
      if (axe) {
        const a = await runAxe(page, label);
        problems.push(...a.notes);
        axe.pages += 1;
        axe.violations += a.violations;
        axeLog = ` (axe: ${a.violations} violations, ${a.passed} rules passed)`;
        if (a.notes.length) notes.push(...a.notes);
      }
      console.log(`${notes.length ? 'FAIL' : 'ok  '} ${label} ${url}${axeLog}`);
    } finally {
      await page.close();
    }
  }
}

/// The page must be the kind it claims (the body's kind-* class); a search must find something,
/// or an empty result list would pass for a good layout.
function expectKind(kind, isSearch, lang) {
  return async (page, label, status) => {
    const notes = [];
    if (status !== (kind === '404' ? 404 : 200)) notes.push(`status ${status}`);
    const cls = await page.evaluate(() => document.body.className);
    if (!cls.split(/\s+/).includes(`kind-${kind}`)) notes.push(`body class is "${cls}", not kind-${kind}`);
    const htmlLang = await page.evaluate(() => document.documentElement.lang);
    if (lang && htmlLang !== lang) notes.push(`<html lang="${htmlLang}">, not ${lang}`);
    if (isSearch) {
      // Done when results are listed, or the status says something other than "Searching…"
      // (in the page's language: the form holds the words).
      try {
        await page.waitForFunction(() => {
          const status = document.getElementById('search-status').textContent;
          return document.querySelector('#search-results li')
            || (status && status !== document.getElementById('search-form').dataset.searching);
        }, null, { timeout: 20000 });
      } catch (e) { /* reported below */ }
      const found = await page.locator('#search-results li').count();
      if (found === 0) notes.push(`the search found nothing: "${await page.locator('#search-status').textContent()}"`);
    }
    return notes;
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/// Polls `url` until `ok(status, body)` holds (never a fixed sleep: as fast as the server is).
async function waitFor(url, ok, what, child, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pamphlet serve exited (${child.exitCode}) while waiting for ${what}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await r.text();
      if (ok(r.status, body)) return body;
      last = `status ${r.status}`;
    } catch (e) { last = String(e.cause ? e.cause.code || e.cause : e); }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (${last})`);
}

/// `pamphlet serve` on a copy of the site at `root` (the site itself is never modified), once
/// the copy built and its search index, built in the background, is served (issue 19).
async function serveCopy(pamphlet, root) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pamphlet-overlay-'));
  for (const entry of ['site.yaml', 'content', 'static', 'themes', 'templates']) {
    if (fs.existsSync(path.join(root, entry))) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  const port = await freePort();
  const child = spawn(pamphlet, ['serve', '--root', dir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { origin: `http://127.0.0.1:${port}`, dir, child, log: '' };
  server.stop = () => { if (child.exitCode === null) child.kill(); fs.rmSync(dir, { recursive: true, force: true }); };
  child.stdout.on('data', (d) => { server.log += d; });
  child.stderr.on('data', (d) => { server.log += d; });
  try {
    const article = server.origin + encodeURI(OVERLAY_PAGES[0][1]);
    await waitFor(article, (s, body) => s === 200 && !body.includes('id="pamphlet-overlay"'), 'the first build', child);
    // The line src/main.rs prints once the index is served: until then the search page finds nothing.
    await waitFor(article, () => server.log.includes('search: index updated'), 'the search index', child);
  } catch (e) {
    server.stop();
    throw new Error(`${e.message}\npamphlet serve said:\n${server.log}`);
  }
  return server;
}

/// Breaks one article of the site `server` serves, and waits for its page to show the overlay.
async function breakArticle(server) {
  const article = server.origin + encodeURI(OVERLAY_PAGES[0][1]);
  const file = path.join(server.dir, BROKEN.file);
  const text = fs.readFileSync(file, 'utf8');
  if (!BROKEN.from.test(text)) throw new Error(`${BROKEN.file} has no line to break`);
  fs.writeFileSync(file, text.replace(BROKEN.from, BROKEN.to));
  try {
    await waitFor(article, (s, body) => body.includes('id="pamphlet-overlay"'), 'the overlay', server.child);
  } catch (e) {
    throw new Error(`${e.message}\npamphlet serve said:\n${server.log}`);
  }
}

/// axe's WCAG 2.x A and AA rules on the overlay alone; color-contrast must have run on it.
async function axeOverlay(ctx, name, url, problems) {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1280, height: HEIGHT });
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    const a = await runAxe(page, name, { include: [['#pamphlet-overlay']] });
    problems.push(...a.notes);
    console.log(`${a.violations ? 'FAIL' : 'ok  '} ${name} axe (${a.passed} rules passed)`);
  } finally {
    await page.close();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const site = path.resolve(args.site);
  const base = new URL(args['base-url'].endsWith('/') ? args['base-url'] : `${args['base-url']}/`);
  if (args.shots) fs.mkdirSync(args.shots, { recursive: true });
  const started = Date.now();
  const problems = [];
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pamphlet-chromium-'));
  // axe is injected as an inline script, which the security headers `pamphlet serve` sends
  // (issue 20) rightly refuse: the policy is tests/browser/csp.js's concern, not this check's.
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', headless: true, args: CHROME_ARGS,
    bypassCSP: true,
  });
  const pageErrors = [];
  ctx.on('weberror', (e) => pageErrors.push(String(e.error().message)));
  let server = null;
  try {
    // The built site answers for its base URL; the preview server is reached directly; nothing
    // else (fonts, analytics, embeds) is fetched.
    await ctx.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) return route.fulfill(fromDisk(site, base, url));
      if (server && url.origin === server.origin) return route.continue();
      if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      return route.abort();
    });
    const axe = args.axe === 'yes' ? { pages: 0, violations: 0 } : null;
    const pages = JSON.parse(fs.readFileSync(args.pages, 'utf8'));
    for (const [name, rel, kind, lang] of pages) {
      const url = new URL(base.pathname.slice(0, -1) + rel, base.origin).href;
      await checkWidths(ctx, name, url, problems, args.shots, expectKind(kind, kind === 'search', lang), axe);
    }
    if (axe) console.log(`axe: ${axe.pages} page views (pages × widths), ${axe.violations} rule violations`);
    if (args.pamphlet) {
      let broken = false;
      try {
        server = await serveCopy(path.resolve(args.pamphlet), path.resolve(args.root));
      } catch (e) {
        problems.push(`serve: ${e.message}`);
      }
      // The search pages work in preview too: the index serve built finds what the built one does.
      for (const [name, rel, kind, lang] of server ? pages.filter((p) => p[2] === 'search') : []) {
        await checkWidths(ctx, `serve-${name}`, server.origin + encodeURI(rel), problems, args.shots, expectKind(kind, true, lang));
      }
      if (server) {
        try {
          await breakArticle(server);
          broken = true;
        } catch (e) {
          problems.push(`overlay: ${e.message}`);
        }
      }
      for (const [name, rel] of broken ? OVERLAY_PAGES : []) {
        const url = server.origin + encodeURI(rel);
        const overlayShown = async (page, label, status) =>
          ((await page.locator('#pamphlet-overlay').count()) === 1 ? [] : [`no overlay (status ${status})`]);
        await checkWidths(ctx, name, url, problems, args.shots, overlayShown);
        await axeOverlay(ctx, name, url, problems);
      }
    }
  } finally {
    await ctx.close();
    if (server) server.stop();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  for (const e of pageErrors) problems.push(`script error in a page: ${e}`);
  console.log(`checked in ${((Date.now() - started) / 1000).toFixed(1)}s${args.shots ? `; screenshots in ${args.shots}` : ''}`);
  if (problems.length) {
    console.log(`\n${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(`check.js could not run: ${e.stack || e}`); process.exit(2); });
