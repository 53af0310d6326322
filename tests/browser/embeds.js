#!/usr/bin/env node
// Embed cards in a real browser (issue 20): opens a page of a built site whose body has a
// YouTube URL alone on its line, logs every request the page makes, and fails unless
//   - after the page has loaded, there is no <iframe> and no request went to another host;
//   - the card's button is visible (the click script ran) and, once clicked, an <iframe> from
//     https://www.youtube-nocookie.com with referrerpolicy="no-referrer" and a sandbox is in the
//     page, and the only other host asked for anything is that one.
// Run by tests/it/browser.rs (`embeds_load_nothing_until_clicked`); by hand:
//
//   node tests/browser/embeds.js --site BUILT_DIR --base-url URL --page /path/
//
// Requests to the base URL are answered from BUILT_DIR; every other request is logged and
// refused, so nothing leaves the machine. Prints what it saw as JSON; exits 1 on a problem, 2
// when the check could not run. Chromium: CHROME_PATH, default /usr/bin/chromium.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp' };
const PLAYER_ORIGIN = 'https://www.youtube-nocookie.com';

function args() {
  const a = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) a[argv[i].replace(/^--/, '')] = argv[i + 1];
  if (!a.site || !a['base-url'] || !a.page) {
    console.error('usage: node embeds.js --site DIR --base-url URL --page /path/');
    process.exit(2);
  }
  return a;
}

function fromDisk(site, base, url) {
  let rel = decodeURIComponent(url.pathname.slice(base.pathname.length - 1));
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(site, path.normalize(rel));
  if (file.startsWith(path.resolve(site) + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    return { status: 200, contentType: TYPES[path.extname(file)] || 'application/octet-stream', body: fs.readFileSync(file) };
  }
  return { status: 404, contentType: 'text/plain', body: 'not found' };
}

async function main() {
  const a = args();
  const site = path.resolve(a.site);
  const base = new URL(a['base-url'].endsWith('/') ? a['base-url'] : `${a['base-url']}/`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pamphlet-embeds-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', headless: true, args: CHROME_ARGS,
  });
  const elsewhere = [];
  const problems = [];
  const report = {};
  try {
    await ctx.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) return route.fulfill(fromDisk(site, base, url));
      if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(new URL(base.pathname.slice(0, -1) + a.page, base.origin).href, { waitUntil: 'networkidle' });
    report.iframesOnLoad = await page.locator('iframe').count();
    report.requestsElsewhereOnLoad = [...elsewhere];
    if (report.iframesOnLoad !== 0) problems.push(`${report.iframesOnLoad} <iframe> before any click`);
    if (elsewhere.length) problems.push(`requests to other hosts before any click: ${elsewhere.join(', ')}`);
    const button = page.locator('figure.embed button.embed-play').first();
    report.buttonVisible = await button.isVisible();
    if (!report.buttonVisible) problems.push('the card has no visible button (did embeds.js run?)');
    else {
      await button.click();
      const frame = page.locator('figure.embed iframe');
      await frame.waitFor({ state: 'attached', timeout: 10000 });
      report.iframe = await frame.evaluate((f) => ({
        src: f.getAttribute('src'), referrerpolicy: f.getAttribute('referrerpolicy'), sandbox: f.getAttribute('sandbox'),
      }));
      // The player's request is what the click is for; wait until the browser asked for it.
      for (let i = 0; i < 100 && !elsewhere.some((u) => u.startsWith(`${PLAYER_ORIGIN}/`)); i++) {
        await page.waitForEvent('requestfailed', { timeout: 100 }).catch(() => {});
      }
      report.requestsElsewhereAfterClick = [...elsewhere];
      if (!report.iframe.src || !report.iframe.src.startsWith(`${PLAYER_ORIGIN}/embed/`)) problems.push(`iframe src ${report.iframe.src}`);
      if (report.iframe.referrerpolicy !== 'no-referrer') problems.push(`referrerpolicy ${report.iframe.referrerpolicy}`);
      if (!report.iframe.sandbox || !report.iframe.sandbox.includes('allow-scripts')) problems.push(`sandbox ${report.iframe.sandbox}`);
      const hosts = [...new Set(elsewhere.map((u) => new URL(u).origin))];
      if (hosts.length !== 1 || hosts[0] !== PLAYER_ORIGIN) problems.push(`after the click, requests went to ${hosts.join(', ') || 'nowhere'}`);
    }
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(report, null, 2));
  for (const p of problems) console.log(`problem: ${p}`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
