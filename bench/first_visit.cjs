// What a browser downloads from /pkg/ on its first visit to a page, signed in: Debian's
// Chromium (through the end-to-end tests' playwright-core) opens the page with an empty cache
// and waits until the network is idle, which, for a hydrated page, is after the page's own
// chunks of the WASM bundle have loaded. Prints one /pkg/ path per line.
//
//     node bench/first_visit.cjs BASE_URL COOKIE_NAME=VALUE PATH
const path = require('path');
const { chromium } = require(path.join(__dirname, '..', 'end2end', 'node_modules', 'playwright-core'));

(async () => {
  const [base, cookie, page_path] = process.argv.slice(2);
  const [name, value] = cookie.split(/=(.*)/s);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext();
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const fetched = new Set();
    const errors = [];
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/pkg/')) fetched.add(url.pathname);
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${url.pathname}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    await page.goto(base + page_path, { waitUntil: 'networkidle' });
    if (errors.length) throw new Error(errors.join('\n'));
    for (const p of [...fetched].sort()) console.log(p);
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
