import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signUp } from './helpers/accounts';
import { closeSent, invite, joinAs, membersTable, meter, pendingInvitations, setLimit } from './helpers/organizations';

test('an admin invites a member and sees the pending invitation', async ({ page }) => {
  const admin = newAccount('inviter');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  await expect(meter(page, 'Members')).toContainText('1 / 50 members');

  const email = `invitee-${Date.now()}@example.com`;
  await invite(page, email, 'admin');
  await closeSent(page);
  const row = pendingInvitations(page).getByRole('row', { name: new RegExp(email) });
  await expect(row).toContainText('Admin');
  await expect(row).toContainText(admin.name);

  // It counts toward Members.
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(meter(page, 'Members')).toContainText('2 / 50 members');
  await expect(meter(page, 'Members')).toContainText('1 member, 1 invited');

  // Revoking it, after a confirmation, takes it away.
  await page.getByRole('link', { name: 'Members' }).click();
  await page.getByRole('link', { name: `Revoke the invitation to ${email}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke this invitation?' });
  await expect(confirm).toContainText(email);
  await confirm.getByRole('button', { name: 'Revoke invitation' }).click();
  await expect(confirm).toBeHidden();
  await expect(pendingInvitations(page)).toContainText('No pending invitations.');
});

test('an admin sets a limit in place and the meter follows', async ({ page }) => {
  const admin = newAccount('limits');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const members = meter(page, 'Members');
  await expect(members).toContainText('1 / 50 members');
  await expect(members.getByRole('meter')).toHaveAttribute('aria-valuetext', '1 of 50 members');

  await setLimit(page, 'Members', 2);
  await expect(members).toContainText('1 / 2 members');
  await expect(members.getByRole('spinbutton')).toBeHidden(); // the editor closes once saved
  await expect(members).toHaveClass(/level-ok/); // 50%: fine

  // Above the platform's default: refused beside the field, nothing changes.
  await setLimit(page, 'Workspaces', 11);
  await expect(meter(page, 'Workspaces')).toContainText('Enter a whole number from 0 to 10.');
  await expect(meter(page, 'Workspaces')).toContainText('1 / 10 workspaces');

  // At the limit: red.
  await setLimit(page, 'Workspaces', 1);
  await expect(meter(page, 'Workspaces')).toContainText('1 / 1 workspaces');
  await expect(meter(page, 'Workspaces')).toHaveClass(/level-full/);
  await expect(meter(page, 'Workspaces')).toContainText('Limit reached');
  await expect(meter(page, 'Workspaces').getByRole('spinbutton')).toBeHidden();
  await expect(meter(page, 'Workspaces')).not.toContainText('Enter a whole number');

  // The limit holds after a reload: it was stored, not just shown.
  await page.reload();
  await expect(meter(page, 'Members')).toContainText('1 / 2 members');
});

test('inviting past the Members limit is refused with a clear message', async ({ page }) => {
  const admin = newAccount('full');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  await setLimit(page, 'Members', 1);
  await expect(meter(page, 'Members')).toContainText('1 / 1 members');
  await expect(meter(page, 'Members')).toHaveClass(/level-full/);

  const dialog = await invite(page, `toomany-${Date.now()}@example.com`);
  await expect(dialog.getByRole('alert')).toHaveText('The Members limit is reached: 1 of 1 members used.');
  await expect(dialog).toBeVisible();
  await expect(pendingInvitations(page)).toContainText('No pending invitations.');
});

test('renaming the organization changes the header at once', async ({ page }) => {
  const admin = newAccount('rename');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  await page.getByRole('link', { name: 'Organizations' }).click();
  const row = page.getByRole('listitem', { name: admin.organization });
  await row.getByText('Rename', { exact: true }).click();
  const renamed = `${admin.organization} Renamed`;
  await row.getByLabel('New name').fill(renamed);
  await row.getByRole('button', { name: 'Save name' }).click();
  await expect(page.locator('.switcher > summary')).toContainText(renamed);
  await expect(page.getByRole('listitem', { name: renamed })).toBeVisible();
});

test('a member sees no admin controls', async ({ page, browser }) => {
  const admin = newAccount('boss');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const { page: member, account } = await joinAs(browser, page, admin.organization, 'member', 'worker');

  // The dashboard: meters, but no editing.
  await expect(meter(member, 'Members')).toContainText('2 / 50 members');
  await expect(member.getByText('Edit limit')).toHaveCount(0);
  await expect(member.locator('.stat').filter({ hasText: 'Your role' })).toContainText('Member');

  // The members table: nobody's role or membership to change, only their own to leave.
  await member.getByRole('link', { name: 'Members' }).click();
  await expect(membersTable(member).getByRole('row', { name: new RegExp(admin.email) })).toBeVisible();
  await expect(member.getByRole('link', { name: /Make (admin|member)/ })).toHaveCount(0);
  await expect(member.getByRole('link', { name: /^Remove / })).toHaveCount(0);
  await expect(membersTable(member).getByRole('row', { name: new RegExp(account.email) }).getByRole('link', { name: 'Leave' })).toBeVisible();

  // Inviting: members invite members only.
  await member.getByRole('link', { name: 'Invite people' }).click();
  const dialog = member.getByRole('dialog', { name: /Invite people to/ });
  await expect(dialog.getByLabel('Role')).toHaveCount(0);
  await expect(dialog).toContainText('Only admins can invite admins.');
  await dialog.getByRole('link', { name: 'Cancel' }).click();

  // No renaming.
  await member.getByRole('link', { name: 'Organizations' }).click();
  await expect(member.getByRole('listitem', { name: admin.organization })).toBeVisible();
  await expect(member.getByRole('listitem', { name: admin.organization }).getByText('Rename')).toHaveCount(0);

  // The admin, meanwhile, has all of them.
  await page.goto('/members');
  await expect(page.getByRole('link', { name: `Make admin: ${account.name}` })).toBeVisible();
  await expect(page.getByRole('link', { name: `Remove ${account.name}` })).toBeVisible();
  await member.close();
});

test('admins change roles and remove members after a confirmation; the last admin stays', async ({ page, browser }) => {
  const admin = newAccount('chief');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);

  // Alone, the admin can neither leave nor be demoted.
  await page.goto('/members');
  await page.getByRole('link', { name: 'Leave' }).click();
  const leave = page.getByRole('dialog', { name: `Leave ${admin.organization}?` });
  await leave.getByRole('button', { name: 'Leave organization' }).click();
  await expect(leave.getByRole('alert')).toHaveText(
    'An organization needs at least one admin. Make someone else an admin first.',
  );
  await leave.getByRole('link', { name: 'Cancel' }).click();
  await expect(leave).toBeHidden();

  const { page: other, account } = await joinAs(browser, page, admin.organization, 'member', 'helper');
  await page.goto('/members');
  await page.getByRole('link', { name: `Make admin: ${account.name}` }).click();
  const promote = page.getByRole('dialog', { name: `Make ${account.name} an admin?` });
  await promote.getByRole('button', { name: 'Make admin' }).click();
  await expect(promote).toBeHidden();
  await expect(membersTable(page).getByRole('row', { name: new RegExp(account.email) })).toContainText('Admin');

  await page.getByRole('link', { name: `Remove ${account.name}` }).click();
  const remove = page.getByRole('dialog', { name: `Remove ${account.name}?` });
  await expect(remove).toContainText(`loses access to ${admin.organization}`);
  await remove.getByRole('button', { name: 'Remove member' }).click();
  await expect(remove).toBeHidden();
  await expect(membersTable(page).getByRole('row', { name: new RegExp(account.email) })).toHaveCount(0);

  // The removed member is out at their next request.
  await other.reload();
  await expect(other.locator('.switcher > summary')).not.toContainText(admin.organization);
  await other.close();
});

test('members can be searched', async ({ page, browser }) => {
  const admin = newAccount('finder');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const { page: other, account } = await joinAs(browser, page, admin.organization, 'member', 'needle');
  await other.close();
  await page.goto('/members');
  await page.getByRole('searchbox', { name: 'Search members' }).fill(account.email.toUpperCase());
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=/);
  const table = page.getByRole('region', { name: 'Members' });
  await expect(table.getByRole('row')).toHaveCount(2); // header + the match
  await expect(table).toContainText(account.name);
  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(table.getByRole('row')).toHaveCount(3);
});
