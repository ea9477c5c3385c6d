import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signUp } from './helpers/accounts';
import { invite, meter, pendingInvitations, setLimit } from './helpers/organizations';

test.use({ javaScriptEnabled: false });

test('invite, set a limit and revoke without JavaScript', async ({ page }) => {
  const admin = newAccount('plain');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);

  const email = `plain-${Date.now()}@example.com`;
  await invite(page, email);
  // The server sends the browser back to the page, dialog closed, with the new row.
  await expect(page).toHaveURL(/\/members$/);
  await expect(pendingInvitations(page)).toContainText(email);

  await page.goto('/');
  await setLimit(page, 'Members', 1);
  await expect(meter(page, 'Members')).toContainText('2 / 1 members');
  await expect(meter(page, 'Members')).toContainText('Over the limit');

  const dialog = await invite(page, `second-${email}`);
  await expect(dialog.getByRole('alert')).toHaveText('The Members limit is reached: 2 of 1 members used.');

  await page.goto('/members');
  await page.getByRole('link', { name: `Revoke the invitation to ${email}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke invitation' }).click();
  await expect(page).toHaveURL(/\/members$/);
  await expect(pendingInvitations(page)).toContainText('No pending invitations.');
});
