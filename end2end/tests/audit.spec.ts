import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signUp } from './helpers/accounts';
import { closeSent, invite, joinAs, meter, setLimit } from './helpers/organizations';

test('an admin reads what changed in the audit log, filters it and exports it', async ({ page, browser }) => {
  const admin = newAccount('auditor');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  await setLimit(page, 'Members', 20);
  await expect(meter(page, 'Members')).toContainText('1 / 20 members');
  const invited = `audited-${Date.now()}@example.com`;
  await invite(page, invited, 'admin');
  await closeSent(page);

  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  const events = page.getByRole('table', { name: 'Events' });
  const rows = events.getByRole('row');
  await expect(rows).toHaveCount(3); // the heading row and two events, newest first
  await expect(rows.nth(1)).toContainText('Invited a member');
  await expect(rows.nth(1)).toContainText(invited);
  await expect(rows.nth(1)).toContainText('role: admin');
  await expect(rows.nth(1)).toContainText(admin.email);
  await expect(rows.nth(2)).toContainText('Changed a limit');
  await expect(rows.nth(2)).toContainText('limit: 50 → 20');
  await expect(rows.nth(2)).toContainText('127.0.0.1 · web');

  // Filtered by action: only the limit change; the filter stays in the address.
  const filters = page.getByRole('search', { name: 'Filter the log' });
  await filters.getByLabel('Action').selectOption({ label: 'Changed a limit' });
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/action=limit\.changed/);
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText('Changed a limit');
  // By a day with nothing in it.
  await filters.getByLabel('To', { exact: true }).fill('2020-01-01');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByText('No event matches these filters.')).toBeVisible();
  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(rows).toHaveCount(3);

  // The export downloads a CSV of the same events.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  expect(await file.failure()).toBeNull();
  const text = require('fs').readFileSync(await file.path(), 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^time,actor_name,actor_email,action,/);
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain('invitation.sent');
  expect(lines[2]).toContain('limit.changed');

  // A member has no audit log: no link, and the page says why.
  const { page: member } = await joinAs(browser, page, admin.organization, 'member', 'notauditor');
  await expect(member.getByRole('link', { name: 'Members' })).toBeVisible();
  await expect(member.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  await member.goto('/audit');
  await expect(member.getByText("Only the organization's admins can read its audit log.")).toBeVisible();
  await member.close();
});
