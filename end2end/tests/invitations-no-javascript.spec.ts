import { test, expect } from './helpers/fixtures';
import { newAccount, signUp, expectDashboard } from './helpers/accounts';
import { invite } from './helpers/organizations';
import { emailsTo, linkIn } from './helpers/mail';

test.use({ javaScriptEnabled: false });

test('a new person signs up through the emailed link without JavaScript', async ({ page, browser }) => {
  const admin = newAccount('plainhost');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const invitee = `plain-${Date.now()}@example.com`;
  await invite(page, invitee);
  const [email] = await emailsTo(invitee);
  const link = linkIn(email);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const guest = await context.newPage();
  await guest.goto(link);
  await expect(guest.getByRole('heading', { name: `Join ${admin.organization}` })).toBeVisible();
  // A mistake first: the form comes back with the message, and the link still works.
  await guest.getByLabel('Your name').fill('Plain Person');
  await guest.getByLabel('Password').fill('short');
  await guest.getByRole('button', { name: 'Create account and join' }).click();
  await expect(guest.getByText('Use at least 8 characters.')).toBeVisible();
  await guest.getByLabel('Your name').fill('Plain Person');
  await guest.getByLabel('Password').fill('a long enough password');
  await guest.getByRole('button', { name: 'Create account and join' }).click();
  await expectDashboard(guest, admin.organization);
  await context.close();
});
