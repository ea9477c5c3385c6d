import { Browser, Page, expect } from '@playwright/test';
import { Account, expectDashboard, newAccount, signUp } from './accounts';
import { emailsTo } from './mail';

/** Opens the invite dialog on the members page and invites `email`. */
export async function invite(page: Page, email: string, role: 'member' | 'admin' = 'member') {
  await page.goto('/members');
  await page.getByRole('link', { name: 'Invite people' }).click();
  const dialog = page.getByRole('dialog', { name: /Invite people to/ });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Email address').fill(email);
  if (role === 'admin') await dialog.getByLabel('Role').selectOption('admin');
  await dialog.getByRole('button', { name: 'Invite' }).click();
  return dialog;
}

/** The members table of the members page. */
export function membersTable(page: Page) {
  return page.getByRole('region', { name: 'Members', exact: true });
}

/** Closes the "Invitation sent" dialog that follows a successful invitation. */
export async function closeSent(page: Page) {
  const sent = page.getByRole('dialog', { name: 'Invitation sent' });
  await sent.getByRole('link', { name: 'Done' }).click();
  await expect(sent).toBeHidden();
}

/** The pending-invitations table of the members page. */
export function pendingInvitations(page: Page) {
  return page.getByRole('region', { name: 'Pending invitations' });
}

/** The meter of one limit setting on the dashboard. */
export function meter(page: Page, setting: string) {
  return page.getByRole('region', { name: 'Usage and limits' }).getByRole('group', { name: setting });
}

/** Sets a limit in place from the dashboard's meter (its editor stays open after an error). */
export async function setLimit(page: Page, setting: string, value: number) {
  const m = meter(page, setting);
  if (!(await m.getByRole('spinbutton').isVisible())) await m.getByText('Edit limit').click();
  await m.getByRole('spinbutton').fill(String(value));
  await m.getByRole('button', { name: 'Save' }).click();
}

/**
 * A second person, in a browser page of their own, who joins `admin`'s organization as
 * `role`: the admin invites them, they sign up, confirm their address from the email (the
 * app shows no invitations to an unconfirmed address), and accept in the app.
 */
export async function joinAs(
  browser: Browser,
  admin: Page,
  organization: string,
  role: 'member' | 'admin',
  prefix = 'member',
): Promise<{ page: Page; account: Account }> {
  const account = newAccount(prefix);
  await invite(admin, account.email, role);
  await closeSent(admin);
  await expect(pendingInvitations(admin)).toContainText(account.email);

  const page = await browser.newPage();
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await confirmAddress(page, account.email);
  await page.goto('/');
  await page.getByRole('link', { name: /Invitations/ }).click();
  const card = page.getByRole('listitem', { name: organization });
  await card.getByRole('button', { name: 'Accept' }).click();
  await expectDashboard(page, organization);
  return { page, account };
}

/** Opens the confirmation link emailed to `email` and presses its button. */
export async function confirmAddress(page: Page, email: string) {
  const [confirmation] = (await emailsTo(email))
    .filter((e) => e.subject === 'Confirm your email address for orgspace')
    .slice(-1);
  expect(confirmation, `a confirmation email to ${email}`).toBeTruthy();
  const link = confirmation.text.match(/https?:\/\/\S+\/verify\/[A-Za-z0-9_-]{43}/);
  expect(link, `a confirmation link in: ${confirmation.text}`).not.toBeNull();
  await page.goto(link![0]);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByRole('heading', { name: 'Your address is confirmed' })).toBeVisible();
}
