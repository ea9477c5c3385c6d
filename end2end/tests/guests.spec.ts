import { Page } from '@playwright/test';
import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signUp } from './helpers/accounts';
import { emailsTo, linkIn } from './helpers/mail';

/** Opens a workspace's page from the Workspaces page. */
async function openWorkspace(page: Page, name: string) {
  await page.getByRole('link', { name: 'Workspaces', exact: true }).click();
  await page.locator('.rows').getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^${name}`) })).toBeVisible();
}

test('a guest invited by email signs up and reaches only that workspace', async ({ page, browser }) => {
  const admin = newAccount('host');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);

  // A second workspace the guest must never see.
  await page.getByRole('link', { name: 'Workspaces', exact: true }).click();
  await page.getByRole('link', { name: `New workspace in ${admin.organization}` }).click();
  const create = page.getByRole('dialog', { name: `New workspace in ${admin.organization}` });
  await create.getByLabel('Name').fill('Secret plans');
  await create.getByRole('button', { name: 'Create workspace' }).click();
  await expect(create).toBeHidden();

  // Two channels in the organization's registry; Main shares one of them.
  for (const [name, description] of [['Satellite imagery', 'Overhead scenes'], ['Internal tooling', 'Not for guests']]) {
    await page.getByRole('link', { name: 'Channels', exact: true }).click();
    await page.getByRole('link', { name: 'Add channel' }).click();
    const add = page.getByRole('dialog', { name: 'New channel' });
    await add.getByLabel('Name').fill(name);
    await add.getByLabel('Description').fill(description);
    await add.getByRole('button', { name: 'Add channel' }).click();
    await expect(add).toBeHidden();
  }
  await openWorkspace(page, 'Main');
  await page.getByRole('link', { name: 'Choose the channels and volumes shared with this workspace' }).click();
  const share = page.getByRole('dialog', { name: 'Channels and volumes of this workspace' });
  await share.getByLabel('Satellite imagery').check();
  await share.getByRole('button', { name: 'Save' }).click();
  await expect(share).toBeHidden();
  const channels = page.getByRole('region', { name: 'Channels and volumes' });
  await expect(channels).toContainText('Satellite imagery');
  await expect(channels).not.toContainText('Internal tooling');

  // Main's limits, and no guests yet.
  await expect(page.getByRole('region', { name: 'Workspace limits' }).getByRole('group', { name: 'Guests' }))
    .toContainText('0 / 25 guests');
  const guests = page.getByRole('region', { name: 'Guests', exact: true });
  await expect(guests).toContainText('No guests yet.');

  // Invite a guest: the link is offered once, and the email carries the same link.
  const guestEmail = `guest-${Date.now()}@example.com`;
  await guests.getByRole('link', { name: 'Invite guest' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite a guest to Main' });
  await dialog.getByLabel('Email address').fill(guestEmail);
  await dialog.getByRole('button', { name: 'Invite guest' }).click();
  const sent = page.getByRole('dialog', { name: 'Invitation sent' });
  await expect(sent).toContainText(`We emailed ${guestEmail} a link to join.`);
  const shown = await sent.getByLabel('Invitation link').inputValue();
  await sent.getByRole('link', { name: 'Done' }).click();
  await expect(sent).toBeHidden();
  const pending = page.getByRole('region', { name: 'Pending guest invitations' });
  await expect(pending.getByRole('row', { name: new RegExp(guestEmail) })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Workspace limits' }).getByRole('group', { name: 'Guests' }))
    .toContainText('1 / 25 guests');
  const [email] = (await emailsTo(guestEmail)).slice(-1);
  expect(linkIn(email)).toBe(shown);
  expect(email.text).toContain(`the Main workspace of ${admin.organization}`);

  // The guest, in a browser of their own, signs up through the link.
  const context = await browser.newContext();
  const guest = await context.newPage();
  await guest.goto(shown);
  await expect(guest.getByRole('heading', { name: `Join the Main workspace of ${admin.organization}` })).toBeVisible();
  await expect(guest.getByLabel('Email')).toHaveValue(guestEmail);
  await guest.getByLabel('Your name').fill('Gus Guest');
  await guest.getByLabel('Password').fill('a long enough password');
  await guest.getByRole('button', { name: 'Create account and join' }).click();
  await expectDashboard(guest, admin.organization);
  await expect(guest.locator('.stat').filter({ hasText: 'Your role' })).toContainText('Guest');
  // Only Main, anywhere: the switcher, the Workspaces page; no members, no limits.
  await guest.locator('.switcher > summary').click();
  const menu = guest.locator('.switcher-menu');
  await expect(menu.getByRole('button', { name: 'Main' })).toBeVisible();
  await expect(menu).not.toContainText('Secret plans');
  await guest.locator('.switcher > summary').click();
  await expect(guest.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' })).toHaveCount(0);
  await expect(guest.getByRole('region', { name: 'Usage and limits' })).toHaveCount(0);
  await expect(guest.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Channels' })).toHaveCount(0);
  await openWorkspace(guest, 'Main');
  await expect(guest.getByRole('note')).toContainText('You are a guest of Main');
  // The channels of the workspace, and only those; the guest cannot choose them.
  const guestChannels = guest.getByRole('region', { name: 'Channels and volumes' });
  await expect(guestChannels).toContainText('Satellite imagery');
  await expect(guestChannels).not.toContainText('Internal tooling');
  await expect(guestChannels.getByRole('link', { name: /Choose/ })).toHaveCount(0);
  await expect(guest.getByRole('region', { name: 'Guests', exact: true })).toHaveCount(0);
  await expect(guest.getByRole('region', { name: 'Workspace limits' })).toHaveCount(0);
  await guest.getByRole('link', { name: 'Workspaces', exact: true }).click();
  await expect(guest.locator('.rows')).not.toContainText('Secret plans');
  // Not by URL either.
  await guest.goto('/members');
  await expect(guest.getByText('As a guest, you see only the workspaces you were invited to.')).toBeVisible();

  // The admin sees the guest, and removes them: the guest's access ends at their next click.
  await page.reload();
  await expect(guests.getByRole('row', { name: /Gus Guest/ })).toContainText(guestEmail);
  await expect(pending).toContainText('No pending invitations.');
  await guests.getByRole('link', { name: 'Remove Gus Guest from Main' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove Gus Guest?' });
  await remove.getByRole('button', { name: 'Remove guest' }).click();
  await expect(remove).toBeHidden();
  await expect(guests).toContainText('No guests yet.');
  await guest.goto('/');
  await expect(guest.getByRole('heading', { name: 'You are not in any organization yet' })).toBeVisible();
  await context.close();
});

test('guest invitations are revoked, and the Guests limit refuses clearly', async ({ page }) => {
  const admin = newAccount('keeper');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  await openWorkspace(page, 'Main');

  // A limit of 1 guest, set in place on the workspace's meter.
  const meter = page.getByRole('region', { name: 'Workspace limits' }).getByRole('group', { name: 'Guests' });
  await meter.getByText('Edit limit').click();
  await meter.getByRole('spinbutton').fill('1');
  await meter.getByRole('button', { name: 'Save' }).click();
  await expect(meter).toContainText('0 / 1 guests');

  const guests = page.getByRole('region', { name: 'Guests', exact: true });
  const invite = async (email: string) => {
    await guests.getByRole('link', { name: 'Invite guest' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a guest to Main' });
    await dialog.getByLabel('Email address').fill(email);
    await dialog.getByRole('button', { name: 'Invite guest' }).click();
    return dialog;
  };
  await invite(`first-${Date.now()}@example.com`);
  await page.getByRole('dialog', { name: 'Invitation sent' }).getByRole('link', { name: 'Done' }).click();
  await expect(meter).toContainText('Limit reached');

  const dialog = await invite(`second-${Date.now()}@example.com`);
  await expect(dialog.getByRole('alert')).toHaveText('The Guests limit is reached: 1 of 1 guests used.');
  await dialog.getByRole('link', { name: 'Cancel' }).click();

  // Revoking frees the room.
  const pending = page.getByRole('region', { name: 'Pending guest invitations' });
  await pending.getByRole('link', { name: /^Revoke the invitation to first-/ }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke this invitation?' });
  await revoke.getByRole('button', { name: 'Revoke invitation' }).click();
  await expect(revoke).toBeHidden();
  await expect(pending).toContainText('No pending invitations.');
  await expect(meter).toContainText('0 / 1 guests');
});
