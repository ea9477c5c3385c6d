// What a browser downloads from /pkg/ on its first visit to a page, signed in: Debian's
// Chromium (through the end-to-end tests' playwright-core) opens the page with an empty cache
// and waits until the network is idle, which, for a hydrated page, is after the page's own
// chunks of the WASM bundle have loaded. Prints one /pkg/ path per line.
//
// Then the same browser comes back (a new tab, same cache) and opens the page again; when a
// file is given, it gets how many of the /pkg/ files of that second visit were asked of the
// server (a revalidation counts) and how many the page used, as `ASKED USED`.
//
//     node bench/first_visit.cjs BASE_URL COOKIE_NAME=VALUE PATH [SECOND_VISIT_FILE]
const path = require('path');
const { chromium } = require(path.join(__dirname, '..', 'end2end', 'node_modules', 'playwright-core'));

(async () => {
  const [base, cookie, page_path, second_visit_file] = process.argv.slice(2);
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

    if (second_visit_file) {
      const again = await context.newPage();
      const cdp = await context.newCDPSession(again);
      await cdp.send('Network.enable');
      const pkg = new Map();
      const fromCache = new Set();
      cdp.on('Network.requestServedFromCache', (e) => fromCache.add(e.requestId));
      cdp.on('Network.responseReceived', (e) => {
        if (new URL(e.response.url).pathname.startsWith('/pkg/')) pkg.set(e.requestId, e.response);
      });
      await again.goto(base + page_path, { waitUntil: 'networkidle' });
      const asked = [...pkg].filter(([id, r]) => !fromCache.has(id) && !r.fromDiskCache).length;
      require('fs').writeFileSync(second_visit_file, `${asked} ${pkg.size}\n`);
    }
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
