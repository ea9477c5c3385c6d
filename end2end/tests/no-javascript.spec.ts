import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signIn, signUp } from './helpers/accounts';

// Every form is a plain HTML form first: with JavaScript off, the server does it all.
test.use({ javaScriptEnabled: false });

test('sign up, sign out and sign in without JavaScript', async ({ page }) => {
  const account = newAccount('nojs');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await expect(page.locator('.switcher > summary')).toContainText('Main');

  // The user menu is a <details>: it opens without JavaScript too.
  await page.locator('.user-menu > summary').click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);

  await signIn(page, account.email, account.password);
  await expectDashboard(page, account.organization);
});

test('a wrong password shows the message without JavaScript', async ({ page }) => {
  const account = newAccount('nojswrong');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await page.locator('.user-menu > summary').click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();

  await signIn(page, account.email, 'definitely wrong');
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
});

test('a duplicate email shows the message without JavaScript', async ({ page, browser }) => {
  const account = newAccount('nojsdup');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  const other = await browser.newPage({ javaScriptEnabled: false });
  await signUp(other, { ...newAccount('nojsdup2'), email: account.email });
  await expect(other.getByText('An account with this email already exists. Sign in, or reset your password if you forgot it.')).toBeVisible();
  await other.close();
});
