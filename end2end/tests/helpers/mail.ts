import { expect } from '@playwright/test';
import { mailURL } from '../../playwright.config';

export type Email = {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
  from: { address: string; name: string }[];
};

/** Waits for the emails MailDev received for `address` until there are `count`; newest last. */
export async function emailsTo(address: string, count = 1): Promise<Email[]> {
  let found: Email[] = [];
  await expect
    .poll(
      async () => {
        const all: Email[] = await (await fetch(`${mailURL}/api/email`)).json();
        found = all.filter((e) => e.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
        return found.length;
      },
      { message: `emails to ${address}`, timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return found;
}

/** The invitation link an email carries. */
export function linkIn(email: Email): string {
  const m = email.text.match(/https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/);
  expect(m, `an invitation link in: ${email.text}`).not.toBeNull();
  return m![0];
}
