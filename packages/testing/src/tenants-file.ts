import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tenants file `{ tenants }` for one test (docs/tenants.md), removed after it. */
export function writeTenantsFile(t: Pick<TestContext, 'after'>, tenants: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'wabus-tenants-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'tenants.json');
  writeFileSync(path, JSON.stringify({ tenants }));
  return path;
}
