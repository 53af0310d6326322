#!/usr/bin/env node
// axe-core on a few pages of a built site, in headless Chromium; run by scripts/validate.sh.
//
//   node scripts/validate/axe.js ORIGIN BASE_URL PAGES_TSV REPORT_DIR
//
//   ORIGIN     where the built site is served (http://127.0.0.1:PORT, by python3 -m http.server)
//   BASE_URL   the site's public address: the browser's requests to it go to ORIGIN instead, so
//              absolute self-links and a base path (https://example.org/news/) work; requests to
//              any other host are refused, so nothing leaves the machine
//   PAGES_TSV  "name<TAB>path" lines, path relative to BASE_URL (from sitecheck.py axe-pages)
//   REPORT_DIR a11y.txt (every violation), a11y.json (axe's raw results) and NAME.png go there
//
// axe runs every rule it enables by default (WCAG 2.x A/AA and its best practices). Violations of
// impact serious or critical are errors, moderate and minor ones warnings; a color-contrast check
// that axe could not decide is a warning. Prints one summary line; exit 0 even with errors (the
// line says), 2 when the check itself could not run. playwright-core and axe-core are the copies
// scripts/install_browser_tests.sh puts in tests/browser/node_modules; Chromium is CHROME_PATH
// (default /usr/bin/chromium).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');

const fromBrowserTests = createRequire(path.join(__dirname, '..', '..', 'tests', 'browser', 'package.json'));
const { chromium } = fromBrowserTests('playwright-core');
const AXE_SOURCE = fs.readFileSync(fromBrowserTests.resolve('axe-core/axe.min.js'), 'utf8');

const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const SERIOUS = new Set(['serious', 'critical']);

/// The URL `url` is fetched from: the public base URL's requests go to the local server, with the
/// base path replaced by `/`; the local server's own; null for anything else (refused).
function localFor(url, origin, base) {
  const u = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(u.protocol)) return url;
  for (const b of [base, new URL(base.pathname, origin)]) {
    if (u.origin === b.origin && (u.pathname + '/').startsWith(b.pathname)) {
      return new URL(u.pathname.slice(b.pathname.length - 1) + u.search, origin).href;
    }
  }
  return null;
}

async function main() {
  const [origin, baseArg, pagesTsv, reportDir] = process.argv.slice(2);
  if (!reportDir) {
    console.error('usage: node axe.js ORIGIN BASE_URL PAGES_TSV REPORT_DIR');
    process.exit(2);
  }
  const base = new URL(baseArg.endsWith('/') ? baseArg : `${baseArg}/`);
  const pages = fs.readFileSync(pagesTsv, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  const errors = [];
  const warnings = [];
  const raw = {};
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pamphlet-validate-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', headless: true, args: CHROME_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  try {
    await ctx.route('**/*', async (route) => {
      const target = localFor(route.request().url(), origin, base);
      if (target === null) return route.abort();
      if (target === route.request().url()) return route.continue();
      try {
        return route.fulfill({ response: await route.fetch({ url: target }) });
      } catch (e) {
        return route.abort();
      }
    });
    for (const [name, rel = ''] of pages) {
      // The page is opened at its public address, so its relative links resolve as on the host.
      const url = new URL(rel, base).href;
      const page = await ctx.newPage();
      try {
        const resp = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
        if (!resp || resp.status() !== 200) errors.push(`${name} ${url}: status ${resp ? resp.status() : 'none'}`);
        // Scripts that fill the page (search results) run before axe looks.
        await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
        await page.addScriptTag({ content: AXE_SOURCE });
        const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations', 'incomplete'] }));
        raw[name] = { url, violations: res.violations, incomplete: res.incomplete };
        for (const v of res.violations) {
          for (const n of v.nodes) {
            const line = `${name} ${url}: ${v.id} (${v.impact}) ${n.target.join(' ')}: ${v.help}`;
            (SERIOUS.has(v.impact) ? errors : warnings).push(line);
          }
        }
        for (const v of res.incomplete.filter((x) => x.id === 'color-contrast')) {
          for (const n of v.nodes) warnings.push(`${name} ${url}: color-contrast undecided for ${n.target.join(' ')}`);
        }
        await page.screenshot({ path: path.join(reportDir, `${name}.png`), fullPage: true });
      } catch (e) {
        errors.push(`${name} ${url}: could not check: ${e.message.split('\n')[0]}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const report = path.join(reportDir, 'a11y.txt');
  fs.writeFileSync(path.join(reportDir, 'a11y.json'), JSON.stringify(raw, null, 1));
  fs.writeFileSync(report, [`a11y: checked=${pages.length} errors=${errors.length} warnings=${warnings.length}`,
    ...errors.map((e) => `error: ${e}`), ...warnings.map((w) => `warning: ${w}`)].join('\n') + '\n');
  let details = `pages: ${pages.map((p) => p[0]).join(', ')}`;
  const first = errors[0] || warnings[0];
  if (first) details += `; first: ${first.slice(0, 160)} (all in ${report})`;
  console.log(`${'a11y'.padEnd(8)}  checked=${pages.length} errors=${errors.length} warnings=${warnings.length}  ${details}`);
}

main().catch((e) => {
  console.log(`${'a11y'.padEnd(8)}  checked=0 errors=1 warnings=0  axe could not run: ${String(e.message || e).split('\n')[0]}`);
  process.exit(2);
});
