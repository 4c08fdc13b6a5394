import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every `name: 'wabus_…'` a service or package registers with prom-client, with its type. */
function registeredMetrics(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.includes('.test.') && !p.includes('test-support')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/new (Counter|Gauge|Histogram)\(\{\s*name: '(wabus_[a-z_]+)'/g)) out.set(m[2]!, m[1]!);
      }
    }
  };
  for (const d of ['packages', 'services']) walk(join(root, d));
  return out;
}

const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

test('the alert rules and the dashboard only use metrics the services register, with the right types', () => {
  const registered = registeredMetrics();
  assert.ok(registered.size >= 15, `found ${registered.size} registered metrics`);
  for (const file of ['infra/observability/alert-rules.yml', 'infra/observability/grafana-dashboard.json']) {
    const text = readFileSync(join(root, file), 'utf8');
    const used = new Set([...text.matchAll(/wabus_[a-z_]+/g)].map((m) => m[0]));
    assert.ok(used.size > 5, `${file} uses metrics`);
    for (const name of used) {
      const type = registered.get(base(name)) ?? registered.get(name);
      assert.ok(type, `${file}: ${name} is not registered by any service`);
      if (name !== base(name)) assert.equal(type, 'Histogram', `${file}: ${name} needs a histogram`);
    }
    // rate()/increase() only make sense on counters and histograms, never on gauges.
    for (const m of text.matchAll(/(?:rate|increase)\((wabus_[a-z_]+)/g)) {
      assert.notEqual(registered.get(base(m[1]!)), 'Gauge', `${file}: rate/increase over the gauge ${m[1]}`);
    }
  }
  assert.doesNotThrow(() => JSON.parse(readFileSync(join(root, 'infra/observability/grafana-dashboard.json'), 'utf8')));
});
