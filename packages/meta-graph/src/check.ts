import { diff, type Difference } from './diff.ts';
import { MetaError } from './errors.ts';
import type { Target } from './expected.ts';
import type { MetaGraph } from './meta-graph.ts';
import { mergeChanges, plan, type Change } from './plan.ts';
import type { ReportedNumber } from './reported.ts';

/** One tenant's check: what differs and its numbers as reported, or why Meta could not be asked. */
export type TenantCheck =
  | { tenantId: string; ok: boolean; differences: Difference[]; numbers: (ReportedNumber & { wabaId: string })[]; error: null }
  | { tenantId: string; ok: false; differences: []; numbers: []; error: { code: string; message: string } };

/** Reads what Meta reports for each tenant and compares it with the file; a tenant Meta does not answer for is an error result, the others go on. */
export async function checkTargets(graph: MetaGraph, targets: readonly Target[]): Promise<TenantCheck[]> {
  const out: TenantCheck[] = [];
  for (const target of targets) {
    const tenantId = target.expected.tenantId;
    try {
      const reported = await graph.read(target);
      const differences = diff(target.expected, reported);
      const numbers = Object.entries(reported.wabas).flatMap(([wabaId, w]) => w.numbers.map((n) => ({ ...n, wabaId })));
      out.push({ tenantId, ok: differences.length === 0, differences, numbers, error: null });
    } catch (err) {
      if (!(err instanceof MetaError)) throw err;
      out.push({ tenantId, ok: false, differences: [], numbers: [], error: { code: err.code, message: err.message } });
    }
  }
  return out;
}

/** The writes that make Meta agree with the file for these tenants, each app-level write once. Graph failures throw. */
export async function planTargets(graph: MetaGraph, targets: readonly Target[], o: { prune?: boolean } = {}): Promise<{ target: Target; change: Change }[]> {
  const all: { target: Target; change: Change }[] = [];
  for (const target of targets) {
    const differences = diff(target.expected, await graph.read(target));
    for (const change of plan(target.expected, differences, o)) all.push({ target, change });
  }
  const kept = new Set(mergeChanges(all.map((c) => c.change)));
  return all.filter((c) => kept.has(c.change));
}
