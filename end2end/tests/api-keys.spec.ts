import { APIRequestContext, Page } from '@playwright/test';
import { test, expect } from './helpers/fixtures';
import { expectDashboard, newAccount, signOut, signUp } from './helpers/accounts';
import { sql } from './helpers/db';
import { meter } from './helpers/organizations';

/** Opens the API keys page from the user menu in the header. */
async function openApiKeys(page: Page) {
  await page.locator('.user-menu > summary').click();
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
}

/** Fills the new-key dialog (the page must be open) and sends it; answers the dialog. */
async function createKey(page: Page, name: string, reaches?: string, expires?: string) {
  await page.getByRole('link', { name: 'New API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'New API key' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Name').fill(name);
  if (reaches) await dialog.getByLabel('Reaches').selectOption({ label: reaches });
  if (expires) await dialog.getByLabel('Expires').selectOption({ label: expires });
  await dialog.getByRole('button', { name: 'Create key' }).click();
  return dialog;
}

/** A GraphQL request sent with an API key, as a script would; answers the JSON body. */
async function graphql(request: APIRequestContext, key: string, query: string) {
  const response = await request.post('/graphql', { headers: { apikey: key }, data: { query } });
  return response.json();
}

/** `Dec 29, 2026`: a day as the page shows it (UTC). */
function day(ms: number) {
  return new Date(ms).toLocaleDateString('en-US', {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('a key made on the settings page acts for its owner, reports usage, and dies when deleted', async ({ page }) => {
  const account = newAccount('keys');
  await signUp(page, account);
  await expectDashboard(page, account.organization);

  await openApiKeys(page);
  await expect(page.locator('.user-menu')).not.toHaveAttribute('open');
  const keys = page.getByRole('region', { name: 'Your keys' });
  await expect(keys).toContainText('No API keys yet.');

  // A key for the organization, for 30 days (90 is offered first).
  await page.getByRole('link', { name: 'New API key' }).click();
  const form = page.getByRole('dialog', { name: 'New API key' });
  await expect(form.getByLabel('Expires')).toHaveValue('90');
  await expect(form.getByLabel('Reaches')).toHaveValue('user');
  await form.getByLabel('Name').fill('CI uploader');
  await form.getByLabel('Reaches').selectOption({ label: `All of ${account.organization}` });
  await form.getByLabel('Expires').selectOption({ label: 'In 30 days' });
  const before = Date.now();
  await form.getByRole('button', { name: 'Create key' }).click();

  // The key, shown once, to copy.
  const created = page.getByRole('dialog', { name: 'API key created' });
  await expect(created).toContainText('Copy it now: orgspace keeps only a fingerprint of it, and will not show it again.');
  const key = await created.getByLabel('API key').inputValue();
  const after = Date.now();
  expect(key).toMatch(/^osk_[A-Za-z0-9_-]{43}$/);
  expect(key).toHaveLength(47);
  await created.getByRole('button', { name: 'Copy' }).click();
  await expect(created.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await created.getByRole('link', { name: 'Done' }).click();
  await expect(created).toBeHidden();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);

  // Listed by name, reach and prefix; never the key itself.
  const row = keys.getByRole('row', { name: /CI uploader/ });
  await expect(row).toContainText(`Organization ${account.organization}`);
  await expect(row).toContainText(key.slice(0, 12));
  await expect(row).toContainText(new RegExp(`${day(before + 30 * 86_400_000)}|${day(after + 30 * 86_400_000)}`));
  await expect(row).toContainText('Never used');
  await expect(page.locator('body')).not.toContainText(key);

  // A script with the key acts as its owner, within the organization.
  const orgs = await graphql(page.request, key, '{ getOrganizations { organizationId name role } }');
  expect(orgs.errors).toBeUndefined();
  expect(orgs.data.getOrganizations).toEqual([
    expect.objectContaining({ name: account.organization, role: 'admin' }),
  ]);
  const context = await graphql(
    page.request,
    key,
    `query { getAPIKeyContext(apiKey: "${key}") { name scope organizationId workspaceId expiresAt } }`,
  );
  expect(context.errors).toBeUndefined();
  expect(context.data.getAPIKeyContext).toMatchObject({
    name: 'CI uploader',
    scope: 'organization',
    organizationId: orgs.data.getOrganizations[0].organizationId,
    workspaceId: null,
  });
  expect(context.data.getAPIKeyContext.expiresAt).toBeTruthy();

  // It reports usage, which the dashboard's meter shows, up to the limit.
  const report = await page.request.post('/api/usage', {
    headers: { apikey: key },
    data: { setting: 'Compute Time', amount: 12.5 },
  });
  expect(report.status()).toBe(200);
  await page.getByRole('link', { name: 'Overview' }).click();
  await expectDashboard(page, account.organization);
  await expect(meter(page, 'Compute Time')).toContainText('12.5');
  const over = await page.request.post('/api/usage', {
    headers: { apikey: key },
    data: { setting: 'Compute Time', amount: 1000 },
  });
  expect(over.status()).toBe(409);
  expect((await over.json()).error).toBe('limit_reached');

  // The page knows it was used.
  await openApiKeys(page);
  await expect(row).toBeVisible();
  await expect(row).not.toContainText('Never used');

  // Deleted after a confirmation: it stops working at once.
  await keys.getByRole('link', { name: 'Delete CI uploader' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete CI uploader?' });
  await expect(confirm).toContainText('stops working at once, for every script that uses it');
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(confirm).toBeHidden();
  await expect(keys).toContainText('No API keys yet.');
  const refused = await graphql(page.request, key, '{ getOrganizations { organizationId name role } }');
  expect(refused.errors[0].message).toContain('The API key is not valid');
  expect(refused.data?.getOrganizations ?? null).toBeNull();
});

test('the new-key form says what is wrong beside the field and keeps the rest', async ({ page }) => {
  const account = newAccount('keyform');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await openApiKeys(page);

  // No name: the error is beside Name, and the choices made stay.
  const dialog = await createKey(page, '', `All of ${account.organization}`, 'In 7 days');
  const name = dialog.getByLabel('Name');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription('Enter a name for the key.');
  await expect(dialog.getByLabel('Reaches').locator('option:checked')).toHaveText(`All of ${account.organization}`);
  await expect(dialog.getByLabel('Expires')).toHaveValue('7');

  await name.fill('Deploy bot');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const created = page.getByRole('dialog', { name: 'API key created' });
  await expect(created).toContainText('Your key “Deploy bot” is ready.');
  await created.getByRole('link', { name: 'Done' }).click();
  const keys = page.getByRole('region', { name: 'Your keys' });
  const row = keys.getByRole('row', { name: /Deploy bot/ });
  await expect(row).toContainText(`Organization ${account.organization}`);

  // The same name again is refused, beside Name; the first key stays alone.
  const again = await createKey(page, 'Deploy bot');
  await expect(again.getByLabel('Name')).toHaveAccessibleDescription(
    'You already have a key named "Deploy bot". Choose another name.',
  );
  await expect(again.getByLabel('Name')).toHaveValue('Deploy bot');
  await again.getByRole('link', { name: 'Cancel' }).click();
  await expect(again).toBeHidden();
  await expect(row).toHaveCount(1);
});

test('an expired key is marked and refused, and any name can be deleted by its link', async ({ page }) => {
  const account = newAccount('keyexpiry');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await openApiKeys(page);

  // A name that a careless link would cut short at `&` or `#`.
  const name = 'Nightly export #2 & co?';
  const dialog = await createKey(page, name, undefined, 'In 7 days');
  const created = page.getByRole('dialog', { name: 'API key created' });
  const key = await created.getByLabel('API key').inputValue();
  await created.getByRole('link', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  const keys = page.getByRole('region', { name: 'Your keys' });
  const row = keys.getByRole('row', { name });
  await expect(row).toContainText('Everything you can do');
  await expect(row).not.toContainText('Expired');

  // Two weeks pass.
  const prefix = key.slice(0, 12);
  const [createdAt, expiresAt] = process.env.E2E_DATABASE_URL
    ? ["created_at - interval '14 days'", "expires_at - interval '7 days 1 minute'"]
    : [`created_at - ${14 * 86_400_000}`, `expires_at - ${7 * 86_400_000 + 60_000}`];
  sql(`UPDATE api_keys SET created_at = ${createdAt}, expires_at = ${expiresAt} WHERE prefix = '${prefix}'`);
  const refused = await graphql(page.request, key, '{ getOrganizations { organizationId name role } }');
  expect(refused.errors[0].message).toContain('The API key is not valid');
  await page.reload();
  await expect(row.getByText('Expired', { exact: true })).toBeVisible();

  await keys.getByRole('link', { name: `Delete ${name}` }).click();
  await expect(page).toHaveURL(/\?delete=Nightly%20export%20%232%20%26%20co%3F$/);
  const confirm = page.getByRole('dialog', { name: `Delete ${name}?` });
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(confirm).toBeHidden();
  await expect(keys).toContainText('No API keys yet.');
});

test('signed out, the page sends you to sign in, and back to it after', async ({ page }) => {
  const account = newAccount('keysignin');
  await signUp(page, account);
  await expectDashboard(page, account.organization);
  await signOut(page);
  await page.goto('/settings/api-keys');
  await expect(page).toHaveURL(/\/signin\?next=\/settings\/api-keys$/);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);
  await expect(page.getByRole('region', { name: 'Your keys' })).toContainText('No API keys yet.');
});
