import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

// The release build under test (scripts/build) and a fresh database for this run.
const target = resolve(__dirname, '..', process.env.CARGO_TARGET_DIR ?? 'target');
const port = Number(process.env.E2E_PORT ?? 3210);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 1925);
const mailPort = Number(process.env.E2E_MAIL_PORT ?? 1980);
process.env.E2E_DATA ??= mkdtempSync(join(tmpdir(), 'orgspace-e2e-'));
// E2E_DATABASE_URL selects PostgreSQL (the test script creates a fresh database for it).
const databaseUrl =
  process.env.E2E_DATABASE_URL ?? `sqlite://${join(process.env.E2E_DATA, 'e2e.db')}`;
export const baseURL = `http://127.0.0.1:${port}`;
// A second orgspace with `--sign-up invite-only`, on a SQLite file of its own.
const invitePort = Number(process.env.E2E_INVITE_PORT ?? port + 1);
export const inviteOnlyURL = `http://127.0.0.1:${invitePort}`;
export const mailURL = `http://127.0.0.1:${mailPort}`;

export default defineConfig({
  testDir: './tests',
  globalTeardown: './global-teardown.ts',
  outputDir: './test-results',
  // The longest tests (several people, several emails) take about 25 s on an idle 2-core
  // machine; each step still fails after 10 s.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  // In CI a test that fails is run once more and reported as flaky if it then passes: a rare
  // timing accident should not sink a run, and must still be seen.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright cannot download its own browser here.
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `node_modules/.bin/maildev --smtp ${smtpPort} --web ${mailPort} --ip 127.0.0.1 --web-ip 127.0.0.1`,
      url: `${mailURL}/api/email`,
      reuseExistingServer: false,
      stdout: 'ignore',
      timeout: 30_000,
    },
    {
      command:
        `${join(target, 'release', 'orgspace')} --addr 127.0.0.1:${port} ` +
        `--public-url ${baseURL} --smtp-url smtp://127.0.0.1:${smtpPort} ` +
        // Every test signs up and in from 127.0.0.1: the per-address limits would stop the
        // suite, not an attacker (tests/rate_limits_http.rs proves the limits themselves).
        `--rate-limit sign_up_address=100000/3600,sign_in_address=100000/300`,
      env: {
        DATABASE_URL: databaseUrl,
        LEPTOS_SITE_ROOT: join(target, 'site'),
        RUST_LOG: process.env.RUST_LOG ?? 'warn',
      },
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command:
        `${join(target, 'release', 'orgspace')} --addr 127.0.0.1:${invitePort} ` +
        `--public-url ${inviteOnlyURL} --smtp-url smtp://127.0.0.1:${smtpPort} --sign-up invite-only ` +
        `--rate-limit sign_up_address=100000/3600,sign_in_address=100000/300`,
      env: {
        DATABASE_URL: `sqlite://${join(process.env.E2E_DATA, 'invite-only.db')}`,
        LEPTOS_SITE_ROOT: join(target, 'site'),
        RUST_LOG: process.env.RUST_LOG ?? 'warn',
      },
      url: `${inviteOnlyURL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
