#!/usr/bin/env node
// What a phone downloads in images (issue 17): opens one page of a built site in headless
// Chromium at 360 CSS pixels wide, device pixel ratio 1, and adds up the bytes of every image
// the page loads on first load (lazy images below the fold only when the browser fetches them,
// as it would for a reader). Run by tests/it/browser.rs; by hand:
//
//   node tests/browser/image_bytes.js --site BUILT_DIR --base-url URL --page PATH [--width 360]
//
//   --site      a site built with `pamphlet build --base-url URL --output BUILT_DIR`
//   --base-url  that URL: requests to it are answered from BUILT_DIR, every other one refused
//   --page      the page's path under the base URL (`/2026/06/privacy-week-2026/`)
//
// Prints one JSON object: {"featured": {"url", "bytes"}, "images": [{"url", "bytes"}],
// "total": bytes}. The featured image is the page's `fetchpriority="high"` image, as the
// browser chose it from its srcset (`currentSrc`). Exits 2 when the measurement could not run.
// Chromium: CHROME_PATH, default /usr/bin/chromium.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp',
  '.gif': 'image/gif', '.avif': 'image/avif', '.xml': 'application/xml', '.txt': 'text/plain',
};

function parseArgs(argv) {
  const args = { width: '360' };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) usage(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  if (!args.site || !args['base-url'] || !args.page) usage('--site, --base-url and --page are required');
  return args;
}

function usage(why) {
  console.error(`image_bytes.js: ${why}\nusage: node image_bytes.js --site DIR --base-url URL --page PATH [--width 360]`);
  process.exit(2);
}

/// The file under `site` a request for `url` names (`/x/` is `/x/index.html`), or null.
function fileFor(site, base, url) {
  let rel = decodeURIComponent(url.pathname.slice(base.pathname.length - 1));
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(site, path.normalize(rel));
  const inside = file.startsWith(path.resolve(site) + path.sep);
  return inside && fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const base = new URL(args['base-url']);
  const site = path.resolve(args.site);
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: CHROME_ARGS });
  try {
    const ctx = await browser.newContext({ viewport: { width: Number(args.width), height: 800 }, deviceScaleFactor: 1 });
    const loaded = new Map();
    await ctx.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== base.origin) return route.abort();
      const file = fileFor(site, base, url);
      if (!file) return route.fulfill({ status: 404, body: 'not found' });
      const body = fs.readFileSync(file);
      const type = TYPES[path.extname(file)] || 'application/octet-stream';
      if (type.startsWith('image/')) loaded.set(url.href, body.length);
      return route.fulfill({ status: 200, contentType: type, body });
    });
    const page = await ctx.newPage();
    const resp = await page.goto(new URL(args.page.replace(/^\//, ''), base).href, { waitUntil: 'load', timeout: 30000 });
    if (!resp || resp.status() !== 200) throw new Error(`${args.page}: status ${resp ? resp.status() : 'none'}`);
    await page.waitForLoadState('networkidle');
    const featured = await page.evaluate(() => {
      const img = document.querySelector('img[fetchpriority="high"]');
      return img ? img.currentSrc : null;
    });
    const images = [...loaded].map(([url, bytes]) => ({ url, bytes }));
    const total = images.reduce((sum, i) => sum + i.bytes, 0);
    const result = { featured: featured ? { url: featured, bytes: loaded.get(featured) ?? null } : null, images, total };
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`image_bytes.js: ${e.stack || e}`);
  process.exit(2);
});
