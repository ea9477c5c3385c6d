import { Page } from '@playwright/test';
import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signOut, signUp } from './helpers/accounts';
import { invite, membersTable, meter, pendingInvitations, setLimit } from './helpers/organizations';
import { emailsTo, linkIn } from './helpers/mail';
import { expireInvitation } from './helpers/db';

/** Invites `email` from the members page; answers the link the email carries. */
async function inviteByEmail(page: Page, email: string, role: 'member' | 'admin' = 'member') {
  await invite(page, email, role);
  // The dialog offers the link once, right after sending.
  const dialog = page.getByRole('dialog', { name: 'Invitation sent' });
  await expect(dialog).toContainText(`We emailed ${email} a link to join.`);
  const shown = await dialog.getByLabel('Invitation link').inputValue();
  await dialog.getByRole('link', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  const [email_] = (await emailsTo(email)).slice(-1);
  expect(linkIn(email_)).toBe(shown);
  return { link: shown, email: email_ };
}

test('a new person signs up through the emailed link and lands in the organization', async ({ page, browser, request }) => {
  const admin = newAccount('host');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const invitee = `newcomer-${Date.now()}@example.com`;
  const { link, email } = await inviteByEmail(page, invitee, 'admin');

  // The email says who invited whom to what, with the link and its expiry.
  expect(email.subject).toBe(`${admin.name} invited you to ${admin.organization} on orgspace`);
  expect(email.text).toContain(`${admin.name} (${admin.email}) invited you to join ${admin.organization} as an admin`);
  expect(email.text).toContain(`for ${invitee} only, works once, and expires on`);
  expect(email.html).toContain('Open the invitation');

  // Opening the link with plain GETs (a mail scanner) changes nothing.
  for (let i = 0; i < 2; i++) {
    const r = await request.get(link);
    expect(r.status()).toBe(200);
    expect(r.headers()['referrer-policy']).toBe('same-origin');
    expect(await r.text()).toContain(`Join ${admin.organization}`);
  }
  await page.goto('/members');
  await expect(pendingInvitations(page).getByRole('row', { name: new RegExp(invitee) })).toBeVisible();

  // The invited person, in a browser of their own, signs up from the link.
  const context = await browser.newContext();
  const guest = await context.newPage();
  await guest.goto(link);
  await expect(guest.getByRole('heading', { name: `Join ${admin.organization}` })).toBeVisible();
  await expect(guest.getByLabel('Email')).toHaveValue(invitee);
  await guest.getByLabel('Your name').fill('Newcomer Person');
  await guest.getByLabel('Password').fill('a long enough password');
  await guest.getByRole('button', { name: 'Create account and join' }).click();
  await expectDashboard(guest, admin.organization);
  await expect(guest.locator('.stat').filter({ hasText: 'Your role' })).toContainText('Admin');
  // No organization of their own: the switcher lists only this one.
  await guest.locator('.switcher > summary').click();
  await expect(guest.locator('.switcher-menu')).toContainText(admin.organization);
  await expect(guest.locator('.switcher-menu .menu-group')).toHaveCount(1);
  await context.close();

  // The admin sees them as a member, and the invitation in the history.
  await page.goto('/members');
  await expect(membersTable(page).getByRole('row', { name: new RegExp(invitee) })).toContainText('Admin');
  await expect(page.getByRole('region', { name: 'Past invitations' })).toContainText('Accepted');
});

test('an existing user signs in from the link and accepts; someone else is told it is not theirs', async ({ page, browser }) => {
  const admin = newAccount('lead');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);

  const existing = newAccount('existing');
  const context = await browser.newContext();
  const other = await context.newPage();
  await signUp(other, existing);
  await expectDashboard(other, existing.organization);
  await signOut(other);

  const { link } = await inviteByEmail(page, existing.email);

  // Signed in as someone else: told so, and offered to sign out and continue.
  const stranger = newAccount('stranger');
  await signUp(other, stranger);
  await expectDashboard(other, stranger.organization);
  await other.goto(link);
  await expect(other.getByRole('status')).toContainText(
    `This invitation is for ${existing.email}, but you are signed in as ${stranger.email}.`,
  );
  await expect(other.getByRole('button', { name: 'Accept invitation' })).toHaveCount(0);
  await other.getByRole('button', { name: 'Sign out and continue' }).click();

  // Signed out: the sign-up form, and a way to sign in instead.
  await other.getByRole('link', { name: 'Sign in to accept' }).click();
  await expect(other).toHaveURL(/\/signin\?next=/);
  await other.getByLabel('Email').fill(existing.email);
  await other.getByLabel('Password').fill(existing.password);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(link);
  await other.getByRole('button', { name: 'Accept invitation' }).click();
  await expectDashboard(other, admin.organization);
  await expect(other.locator('.stat').filter({ hasText: 'Your role' })).toContainText('Member');
  await context.close();
});

test('expired, revoked, resent and used links each show their page', async ({ page, browser }) => {
  const admin = newAccount('keeper');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const visitor = await (await browser.newContext()).newPage();

  // Resent: the old link is dead, the new one works.
  const late = `late-${Date.now()}@example.com`;
  const first = await inviteByEmail(page, late);
  await page.goto('/members');
  await page.getByRole('button', { name: `Resend the invitation to ${late}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Invitation sent' });
  const resent = await dialog.getByLabel('Invitation link').inputValue();
  expect(resent).not.toBe(first.link);
  await dialog.getByRole('link', { name: 'Done' }).click();
  const emails = await emailsTo(late, 2);
  expect(linkIn(emails[emails.length - 1])).toBe(resent);
  await visitor.goto(first.link);
  await expect(visitor.getByRole('heading', { name: 'This invitation link is not valid' })).toBeVisible();
  await visitor.goto(resent);
  await expect(visitor.getByRole('heading', { name: `Join ${admin.organization}` })).toBeVisible();

  // Revoked.
  await page.getByRole('link', { name: `Revoke the invitation to ${late}` }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke this invitation?' });
  await revoke.getByRole('button', { name: 'Revoke invitation' }).click();
  await expect(revoke).toBeHidden();
  await visitor.goto(resent);
  await expect(visitor.getByRole('heading', { name: 'This invitation was withdrawn' })).toBeVisible();
  await page.goto('/members');
  await expect(page.getByRole('region', { name: 'Past invitations' }).getByRole('row', { name: new RegExp(late) })).toContainText('Revoked');

  // Declined, then used.
  const decliner = newAccount('decliner');
  const declinerPage = await (await browser.newContext()).newPage();
  await signUp(declinerPage, decliner);
  await expectDashboard(declinerPage, decliner.organization);
  const { link } = await inviteByEmail(page, decliner.email);
  await declinerPage.goto(link);
  await declinerPage.getByRole('button', { name: 'Decline' }).click();
  await expect(declinerPage.getByRole('heading', { name: 'You declined the invitation' })).toBeVisible();
  await visitor.goto(link);
  await expect(visitor.getByRole('heading', { name: 'This invitation has already been answered' })).toBeVisible();

  // Expired (a week passes), then revived by a resend.
  const slow = `slow-${Date.now()}@example.com`;
  const slowLink = (await inviteByEmail(page, slow)).link;
  expireInvitation(slow);
  await visitor.goto(slowLink);
  await expect(visitor.getByRole('heading', { name: 'This invitation has expired' })).toBeVisible();
  await expect(visitor.getByText(`Ask ${admin.name} for a new invitation`)).toBeVisible();
  await page.goto('/members');
  await expect(page.getByRole('region', { name: 'Past invitations' }).getByRole('row', { name: new RegExp(slow) })).toContainText('Expired');

  // Unknown.
  await visitor.goto('/invite/' + 'x'.repeat(43));
  await expect(visitor.getByRole('heading', { name: 'This invitation link is not valid' })).toBeVisible();
});

test('accepting over the Members limit is refused with the clear message', async ({ page, browser }) => {
  const admin = newAccount('capped');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const invitee = `capped-${Date.now()}@example.com`;
  const { link } = await inviteByEmail(page, invitee);
  await page.goto('/');
  await setLimit(page, 'Members', 1);
  await expect(meter(page, 'Members')).toContainText('2 / 1 members');

  const guest = await (await browser.newContext()).newPage();
  await guest.goto(link);
  await guest.getByLabel('Your name').fill('Too Many');
  await guest.getByLabel('Password').fill('a long enough password');
  await guest.getByRole('button', { name: 'Create account and join' }).click();
  await expect(guest.getByRole('alert')).toHaveText('The Members limit is reached: 2 of 1 members used.');
  // Nothing was created: still the sign-up form, still open.
  await guest.reload();
  await expect(guest.getByRole('button', { name: 'Create account and join' })).toBeVisible();
});
