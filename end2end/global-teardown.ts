import { rmSync } from 'node:fs';

/** Removes this run's database folder (the SQLite file of the server under test). */
export default function globalTeardown() {
  if (process.env.E2E_DATA) rmSync(process.env.E2E_DATA, { recursive: true, force: true });
}
