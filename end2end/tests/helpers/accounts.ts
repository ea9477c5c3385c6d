import { Page, expect } from '@playwright/test';

export type Account = { name: string; email: string; password: string; organization: string };

let counter = 0;

/** A new account's details, unique to this test run. */
export function newAccount(prefix = 'user'): Account {
  const id = `${Date.now().toString(36)}${process.pid.toString(36)}${(counter++).toString(36)}`;
  return {
    name: `${prefix[0].toUpperCase()}${prefix.slice(1)} Tester`,
    email: `${prefix}-${id}@example.com`,
    password: `pw-${id}-long-enough`,
    organization: `${prefix[0].toUpperCase()}${prefix.slice(1)} Org ${id}`,
  };
}

/** Fills the sign-up form and submits it. */
export async function signUp(page: Page, account: Account) {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Work email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Organization name').fill(account.organization);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Fills the sign-in form and submits it. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs out through the user menu in the header. */
export async function signOut(page: Page) {
  await page.locator('.user-menu > summary').click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/signin(\?next=.*)?$/);
}

/** The dashboard of `organization` is showing. */
export async function expectDashboard(page: Page, organization: string) {
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: organization })).toBeVisible();
}
