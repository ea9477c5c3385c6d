import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs one SQL statement on the database of this test run: the fresh PostgreSQL database of
 * `E2E_DATABASE_URL` through psql, or the SQLite file through Python's sqlite3 module. For
 * what no user can do through the product, such as letting a week pass.
 */
export function sql(statement: string) {
  const url = process.env.E2E_DATABASE_URL;
  if (url) {
    execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', statement]);
  } else {
    const file = join(process.env.E2E_DATA!, 'e2e.db');
    execFileSync('python3', [
      '-c',
      'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=10); c.execute(sys.argv[2]); c.commit()',
      file,
      statement,
    ]);
  }
}

/** Moves the open invitation of `email` a week into the past: it has expired. */
export function expireInvitation(email: string) {
  // Timestamps are TIMESTAMPTZ on PostgreSQL, Unix milliseconds on SQLite.
  const [created, expires] = process.env.E2E_DATABASE_URL
    ? ["created_at - interval '14 days'", "expires_at - interval '7 days 1 minute'"]
    : [`created_at - ${14 * 86_400_000}`, `expires_at - ${7 * 86_400_000 + 60_000}`];
  sql(
    `UPDATE invitations SET created_at = ${created}, expires_at = ${expires} ` +
      `WHERE email = '${email.replace(/'/g, "''")}' ` +
      'AND accepted_at IS NULL AND revoked_at IS NULL AND declined_at IS NULL',
  );
}
