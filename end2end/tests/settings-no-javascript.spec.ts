import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signIn, signOut, signUp } from './helpers/accounts';

test.use({ javaScriptEnabled: false });

test('make an API key, see it once, and delete it without JavaScript', async ({ page }) => {
  const account = newAccount('plainkey');
  await signUp(page, account);
  await expectDashboard(page, account.organization);

  await page.goto('/settings/api-keys');
  await page.getByRole('link', { name: 'New API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API key' });
  await dialog.getByLabel('Name').fill('Cron job');
  await dialog.getByRole('button', { name: 'Create key' }).click();

  // The server sends the browser to a page that shows the key, once.
  await expect(page).toHaveURL(/\/settings\/api-keys\?created$/);
  const created = page.getByRole('dialog', { name: 'API key created' });
  const key = await created.getByLabel('API key').inputValue();
  expect(key).toMatch(/^osk_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole('table', { name: 'API keys' })).toContainText(key.slice(0, 12));
  // Reloaded, it is gone for good.
  await page.reload();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await page.content()).not.toContain(key);
  const answer = await page.request.post('/graphql', {
    headers: { apikey: key },
    data: { query: '{ getCurrentUser { email } }' },
  });
  expect((await answer.json()).data.getCurrentUser.email).toBe(account.email);

  await page.getByRole('link', { name: 'Delete Cron job' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByText('No API keys yet.')).toBeVisible();
});

test('change the password without JavaScript', async ({ page }) => {
  const account = newAccount('plainpw');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await page.goto('/settings/account');
  const password = page.getByRole('region', { name: 'Password' });
  await password.getByLabel('Current password').fill('not my password');
  await password.getByLabel('New password').fill(`${account.password}-2`);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('That is not your current password.')).toBeVisible();
  await page.goto('/settings/account');
  await password.getByLabel('Current password').fill(account.password);
  await password.getByLabel('New password').fill(`${account.password}-2`);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/settings\/account\?done=password$/);
  await expect(password.getByRole('status')).toContainText('Your password is changed.');

  await signOut(page);
  await signIn(page, account.email, `${account.password}-2`);
  await expectDashboard(page, account.organization);
});

test('sign out everywhere else without JavaScript', async ({ page, browser }) => {
  const account = newAccount('plainelsewhere');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  const other = await browser.newContext({ javaScriptEnabled: false });
  const phone = await other.newPage();
  await signIn(phone, account.email, account.password);
  await expectDashboard(phone, account.organization);

  await page.goto('/settings/account');
  const sessions = page.getByRole('region', { name: 'Sessions' });
  await expect(sessions.getByRole('status')).toHaveCount(0);
  await sessions.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(page).toHaveURL(/\/settings\/account\?done=elsewhere$/);
  await expect(sessions.getByRole('status')).toHaveText('You are signed out everywhere else.');

  await phone.goto('/members');
  await expect(phone).toHaveURL(/\/signin\?next=/);
  await other.close();
});
