import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signIn, signOut, signUp } from './helpers/accounts';

test('sign up, see the new organization and workspace, sign out, sign in again', async ({ page }) => {
  const account = newAccount('ada');
  await signUp(page, account);
  await expectDashboard(page, account.organization);

  // The dashboard shows the role and the first workspace, the header where we are.
  await expect(page.locator('.stat').filter({ hasText: 'Your role' })).toContainText('Admin');
  const workspaces = page.getByRole('region', { name: 'Workspaces' });
  await expect(workspaces.getByRole('listitem')).toHaveCount(1);
  await expect(workspaces.getByRole('listitem').first()).toContainText('Main');
  const switcher = page.locator('.switcher > summary');
  await expect(switcher).toContainText(account.organization);
  await expect(switcher).toContainText('Main');
  await expect(page.locator('.user-menu > summary')).toContainText(account.name);
  await expect(page).toHaveTitle(`${account.organization} · orgspace`);

  await signOut(page);
  // Signed out, the dashboard sends us to sign in.
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);

  await signIn(page, account.email, account.password);
  await expectDashboard(page, account.organization);
});

test('the switcher lists every workspace the user reaches, grouped by organization', async ({ page }) => {
  const account = newAccount('switch');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await page.locator('.switcher > summary').click();
  const group = page.getByRole('group', { name: account.organization });
  await expect(group).toBeVisible();
  await expect(group.getByRole('button', { name: /Main/ })).toHaveAttribute('aria-current', 'true');
  await expect(group).toContainText('Admin');
  // Choosing the current workspace again keeps everything in place and closes the menu.
  await group.getByRole('button', { name: /Main/ }).click();
  await expect(page.locator('.switcher')).not.toHaveAttribute('open', '');
  await expectDashboard(page, account.organization);
});

test('a wrong password shows the message and keeps the form', async ({ page }) => {
  const account = newAccount('wrongpw');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await signOut(page);

  await signIn(page, account.email, 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByLabel('Email')).toHaveValue(account.email);

  // An unknown email answers exactly the same.
  await signIn(page, `nobody-${account.email}`, 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
});

test('a duplicate email is refused beside the email field', async ({ page, browser }) => {
  const account = newAccount('dup');
  await signUp(page, account);
  await expectDashboard(page, account.organization);

  const other = await browser.newPage();
  await signUp(other, { ...newAccount('dup2'), email: account.email.toUpperCase() });
  const field = other.locator('.field').filter({ has: other.getByLabel('Work email') });
  await expect(field).toContainText('An account with this email already exists. Sign in, or reset your password if you forgot it.');
  await expect(other.getByLabel('Work email')).toHaveAttribute('aria-invalid', 'true');
  await expect(other).toHaveURL(/\/signup$/);
  await other.close();
});

test('the form explains bad input before sending it', async ({ page }) => {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill('Short Password');
  await page.getByLabel('Work email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  await expect(page.getByText('Enter an organization name.')).toBeVisible();
  // What was typed is still there.
  await expect(page.getByLabel('Your name')).toHaveValue('Short Password');
});

test('signing in returns to the page that asked for it', async ({ page }) => {
  const account = newAccount('next');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await signOut(page);
  await page.goto('/workspaces');
  await expect(page).toHaveURL(/\/signin\?next=\/workspaces$/);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/workspaces$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Workspaces' })).toBeVisible();
  await expect(page.getByRole('region', { name: account.organization })).toContainText('Main');
});

test('an unknown address shows a clear page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'This page does not exist' })).toBeVisible();
});

test('changing the password needs the current one, and the new one signs in', async ({ page }) => {
  const account = newAccount('passwd');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await page.locator('.user-menu > summary').click();
  await page.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Account' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Profile' }).getByLabel('Email')).toHaveValue(account.email);

  const password = page.getByRole('region', { name: 'Password' });
  const newPassword = `${account.password}-renewed`;
  // Too short: said in the browser, before sending.
  await password.getByLabel('Current password').fill(account.password);
  await password.getByLabel('New password').fill('short');
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByText('Use at least 8 characters.')).toBeVisible();
  // A wrong current password: said by the server, beside its field.
  await password.getByLabel('Current password').fill('not my password');
  await password.getByLabel('New password').fill(newPassword);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByText('That is not your current password.')).toBeVisible();
  await password.getByLabel('Current password').fill(account.password);
  await password.getByRole('button', { name: 'Change password' }).click();
  await expect(password.getByRole('status')).toContainText('Your password is changed.');
  await expect(password.getByLabel('New password')).toHaveValue('');

  await signOut(page);
  await signIn(page, account.email, account.password);
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await signIn(page, account.email, newPassword);
  await expectDashboard(page, account.organization);
});

test('after ten wrong passwords the account waits, and the form says for how long', async ({ page }) => {
  const account = newAccount('locked');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await signOut(page);
  for (let i = 0; i < 10; i++) {
    await signIn(page, account.email, `wrong password ${i}`);
    await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  }
  await signIn(page, account.email, account.password);
  await expect(page.getByRole('alert')).toHaveText(/^Too many attempts\. Please wait \d+ seconds and try again\.$/);
  await expect(page).toHaveURL(/\/signin/);
});

test('signing out everywhere else ends the other browser\'s session, not this one', async ({ page, browser }) => {
  const account = newAccount('elsewhere');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  const other = await browser.newContext();
  const phone = await other.newPage();
  await signIn(phone, account.email, account.password);
  await expectDashboard(phone, account.organization);

  await page.goto('/settings/account');
  const sessions = page.getByRole('region', { name: 'Sessions' });
  await sessions.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(sessions.getByRole('status')).toHaveText('You are signed out everywhere else.');

  await phone.goto('/members');
  await expect(phone).toHaveURL(/\/signin\?next=/);
  await page.goto('/members');
  await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
  await other.close();
});
