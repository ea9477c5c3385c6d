import { Page } from '@playwright/test';
import { test, expect, hydrated } from './helpers/fixtures';
import { Email, emailsTo } from './helpers/mail';
import { expectDashboard, newAccount, signIn, signUp } from './helpers/accounts';
import { inviteOnlyURL } from '../playwright.config';

/** The newest email to `address` whose subject is `subject`. */
async function newest(address: string, subject: string, count = 1): Promise<Email> {
  let found: Email | undefined;
  await expect
    .poll(async () => {
      const all = await emailsTo(address);
      found = all.filter((e) => e.subject === subject).slice(-1)[0];
      return all.filter((e) => e.subject === subject).length;
    }, { message: `"${subject}" to ${address}`, timeout: 20_000 })
    .toBeGreaterThanOrEqual(count);
  return found!;
}

/** The link under `/{path}/` an email carries. */
function linkOf(email: Email, path: string): string {
  const m = email.text.match(new RegExp(`https?://\\S+/${path}/[A-Za-z0-9_-]{43}`));
  expect(m, `a ${path} link in: ${email.text}`).not.toBeNull();
  return m![0];
}

async function resetThroughEmail(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account uses that address, we have sent it a link');
  const link = linkOf(await newest(email, 'Reset your orgspace password'), 'reset-password');
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password').fill(password);
  await page.getByRole('button', { name: 'Set my new password' }).click();
  await expect(page.getByRole('heading', { name: 'Your password is changed' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('API keys keep working');
  return link;
}

test('a new account confirms its address from the emailed link, and the banner goes', async ({ page }) => {
  const ada = newAccount('confirm');
  await signUp(page, ada);
  await expectDashboard(page, ada.organization);
  const banner = page.getByRole('status').filter({ hasText: 'Confirm your email address' });
  await expect(banner).toContainText(`we sent a link to ${ada.email}`);
  await expect(banner.getByRole('button', { name: 'Send the email again' })).toBeVisible();

  const email = await newest(ada.email, 'Confirm your email address for orgspace');
  expect(email.html).toContain('Confirm my address');
  const link = linkOf(email, 'verify');
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByRole('heading', { name: 'Your address is confirmed' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to orgspace' }).click();
  await expectDashboard(page, ada.organization);
  await expect(page.getByRole('heading', { level: 1, name: ada.organization })).toBeVisible();
  await expect(page.getByText('Confirm your email address:')).toHaveCount(0);
  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This confirmation link was already used' })).toBeVisible();
});

test('a reset link sets a new password and signs out every browser that was signed in', async ({ page, browser }) => {
  const bob = newAccount('forgetful');
  await signUp(page, bob);
  await expectDashboard(page, bob.organization);

  const elsewhere = await (await browser.newContext()).newPage();
  const link = await resetThroughEmail(elsewhere, bob.email, 'a brand new password');

  // The old session is over; the old password is refused; the new one signs in.
  await page.goto('/members');
  await expect(page).toHaveURL(/\/signin\?next=(%2F|\/)members$/);
  await signIn(page, bob.email, bob.password);
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await signIn(page, bob.email, 'a brand new password');
  await expectDashboard(page, bob.organization);
  // The reset proved the inbox: no banner.
  await expect(page.getByText('Confirm your email address:')).toHaveCount(0);
  await elsewhere.goto(link);
  await expect(elsewhere.getByRole('heading', { name: 'This reset link was already used' })).toBeVisible();
  await elsewhere.context().close();
});

test('the owner of an address takes it back from someone who signed up with it first', async ({ page, browser }) => {
  const squatter = newAccount('owner');
  await signUp(page, squatter);
  await expectDashboard(page, squatter.organization);

  // The real owner tries to sign up: told to sign in or reset, and told by email.
  const owner = await (await browser.newContext()).newPage();
  await signUp(owner, { ...newAccount('real'), email: squatter.email });
  await expect(owner.getByText('An account with this email already exists. Sign in, or reset your password if you forgot it.')).toBeVisible();
  const notice = await newest(squatter.email, 'Someone tried to create an orgspace account with your address');
  expect(notice.text).toContain('nothing changed');

  await resetThroughEmail(owner, squatter.email, 'the real owner password');
  await signIn(owner, squatter.email, 'the real owner password');
  await expect(owner).toHaveURL(/\/$/);
  // The squatter's session ended, and their password no longer works.
  await page.reload();
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, squatter.email, squatter.password);
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await owner.context().close();
});

test('invite-only: a plain sign-up is refused, an invitation link makes the account', async ({ page, browser }) => {
  // The instance's first account can always be made; a rerun of this test signs in to it.
  const admin = { name: 'Gate Keeper', email: 'gatekeeper@example.com', password: 'gate keeper password', organization: 'Gated' };
  await page.goto(`${inviteOnlyURL}/signup`);
  if (await page.getByText('Accounts here are made through invitations').count()) {
    await page.goto(`${inviteOnlyURL}/signin`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  } else {
    await page.getByLabel('Your name').fill(admin.name);
    await page.getByLabel('Work email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByLabel('Organization name').fill(admin.organization);
    await page.getByRole('button', { name: 'Create account' }).click();
  }
  await expect(page.getByRole('heading', { level: 1, name: admin.organization })).toBeVisible();

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${inviteOnlyURL}/signin`);
  await hydrated(visitor);
  await expect(visitor.getByText('Accounts here are made through invitations.')).toBeVisible();
  await expect(visitor.getByRole('link', { name: 'Create an account' })).toHaveCount(0);
  await visitor.goto(`${inviteOnlyURL}/signup`);
  await hydrated(visitor);
  await visitor.getByLabel('Your name').fill('Uninvited');
  await visitor.getByLabel('Work email').fill(`uninvited-${Date.now()}@example.com`);
  await visitor.getByLabel('Password').fill('a long enough password');
  await visitor.getByLabel('Organization name').fill('Nope');
  await visitor.getByRole('button', { name: 'Create account' }).click();
  await expect(visitor.getByText('Accounts here are made through invitations: ask an admin').first()).toBeVisible();
  await expect(visitor).toHaveURL(/\/signup/);

  // Invited, the same person signs up through the link.
  const invitee = `invited-${Date.now()}@example.com`;
  await page.goto(`${inviteOnlyURL}/members`);
  await page.getByRole('link', { name: 'Invite people' }).click();
  const dialog = page.getByRole('dialog', { name: /Invite people to/ });
  await dialog.getByLabel('Email address').fill(invitee);
  await dialog.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByRole('dialog', { name: 'Invitation sent' })).toBeVisible();
  const email = await newest(invitee, `${admin.name} invited you to ${admin.organization} on orgspace`);
  const link = email.text.match(/https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/)![0];
  await visitor.goto(link);
  await hydrated(visitor);
  await visitor.getByLabel('Your name').fill('Invited Person');
  await visitor.getByLabel('Password').fill('a long enough password');
  await visitor.getByRole('button', { name: 'Create account and join' }).click();
  await expect(visitor.getByRole('heading', { level: 1, name: admin.organization })).toBeVisible();
  await expect(visitor.getByText('Confirm your email address:')).toHaveCount(0);
  await visitor.context().close();
});
