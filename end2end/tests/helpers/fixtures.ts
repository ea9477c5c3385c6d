import { Page, test as base, expect } from '@playwright/test';

/**
 * Waits until the page is hydrated (the app marks `<html data-hydrated>`): before that, a click
 * on a form is a plain post, which works but skips what only the hydrated page does.
 */
export async function hydrated(page: Page) {
  await expect(page.locator('html[data-hydrated]')).toBeAttached();
}

/**
 * Every test fails if the page throws, logs an error, fails to load one of its assets, or
 * gets a 5xx: a hydration failure or a missing stylesheet shows up there first, long before a
 * click stops working. Server functions answering 4xx (a wrong password is a 401) are the
 * application speaking, and pages answering 404 are checked by the tests themselves.
 */
export const test = base.extend<{ pageErrors: string[] }>({
  // With JavaScript on, `page.goto` and `page.reload` return once an HTML page is hydrated, so
  // that a test clicks what a user would see working (a user who clicks earlier gets the plain
  // form post, which the no-JavaScript tests cover).
  page: async ({ page, javaScriptEnabled }, use) => {
    if (javaScriptEnabled) {
      const settle = async (response: Awaited<ReturnType<Page['goto']>>) => {
        if (response?.headers()['content-type']?.startsWith('text/html')) await hydrated(page);
        return response;
      };
      const goto = page.goto.bind(page);
      const reload = page.reload.bind(page);
      page.goto = async (url, options) => settle(await goto(url, options));
      page.reload = async (options) => settle(await reload(options));
    }
    await use(page);
  },
  pageErrors: [
    async ({ page, javaScriptEnabled }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        // Chromium logs every 4xx/5xx response; those are judged below, with their URL.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
          errors.push(`console error: ${m.text()}`);
        }
      });
      page.on('response', (r) => {
        const status = r.status();
        const isApi = new URL(r.url()).pathname.startsWith('/api/');
        const isPage = r.request().resourceType() === 'document';
        if (status >= 500 || (status >= 400 && !isApi && !isPage)) {
          errors.push(`HTTP ${status} for ${r.url()}`);
        }
      });
      page.on('requestfailed', (r) => {
        // With JavaScript off, Chromium refuses the preloaded script: that is the point.
        if (!javaScriptEnabled && r.failure()?.errorText === 'csp') return;
        // A navigation cancels what the previous page was still loading.
        if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
        errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
      });
      await use(errors);
      expect(errors, 'the page logged errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
