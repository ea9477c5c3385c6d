import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signUp } from './helpers/accounts';
import { setLimit } from './helpers/organizations';

test('create a workspace, switch from the header, rename it, hit the limit, delete it', async ({ page }) => {
  const admin = newAccount('builder');
  await signUp(page, admin);
  await expectDashboard(page, admin.organization);
  const switcher = page.locator('.switcher > summary');

  // Create: it becomes the current workspace, and the header says so.
  await page.getByRole('link', { name: 'Workspaces' }).click();
  await page.getByRole('link', { name: `New workspace in ${admin.organization}` }).click();
  const create = page.getByRole('dialog', { name: `New workspace in ${admin.organization}` });
  await create.getByLabel('Name').fill('Research');
  await create.getByLabel('Description').fill('Experiments and prototypes');
  await create.getByRole('button', { name: 'Create workspace' }).click();
  await expect(create).toBeHidden();
  await expect(switcher).toContainText('Research');
  const group = page.getByRole('region', { name: admin.organization });
  await expect(group).toContainText('Experiments and prototypes');

  // Switch back to Main from the header, without a reload.
  await switcher.click();
  await page.locator('.switcher-menu').getByRole('button', { name: 'Main' }).click();
  await expect(switcher).toContainText('Main');

  // Rename.
  await page.getByRole('link', { name: 'Edit Research' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Research' });
  await edit.getByLabel('Name').fill('Lab');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(group.getByText('Lab', { exact: true })).toBeVisible();

  // The Workspaces limit, set to what is used: the clear refusal, nothing created.
  await page.getByRole('link', { name: 'Overview' }).click();
  await setLimit(page, 'Workspaces', 2);
  await page.getByRole('link', { name: 'Workspaces' }).click();
  await page.getByRole('link', { name: `New workspace in ${admin.organization}` }).click();
  await create.getByLabel('Name').fill('Third');
  await create.getByRole('button', { name: 'Create workspace' }).click();
  await expect(create.getByRole('alert')).toHaveText('The Workspaces limit is reached: 2 of 2 workspaces used.');
  await create.getByRole('link', { name: 'Cancel' }).click();
  await expect(group.getByText('Third')).toHaveCount(0);

  // Delete, after a confirmation that names what goes with it.
  await page.getByRole('link', { name: 'Delete Lab' }).click();
  const remove = page.getByRole('dialog', { name: 'Delete Lab?' });
  await expect(remove).toContainText('This cannot be undone.');
  await remove.getByRole('button', { name: 'Delete workspace' }).click();
  await expect(remove).toBeHidden();
  await expect(group.getByText('Lab', { exact: true })).toHaveCount(0);
  await expect(group).toContainText('1 workspace');
});
