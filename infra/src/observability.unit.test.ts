import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OWNERSHIP_REASONS } from '@wabus/tenants';

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
  // The Graph-send family (packages/graph-send): names `${prefix}_…` there, registered under each prefix it is called with.
  const family = [
    ...readFileSync(join(root, 'packages/graph-send/src/graph-send-metrics.ts'), 'utf8').matchAll(
      /new (Counter|Gauge|Histogram)\(\{\s*name: `\$\{prefix\}(_[a-z_]+)`/g,
    ),
  ];
  const prefixes = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      if (entry === 'node_modules' || entry.startsWith('.')) return [];
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) return prefixes(p);
      if (!p.endsWith('.ts') || p.includes('.test.')) return [];
      return [...readFileSync(p, 'utf8').matchAll(/createGraphSendMetrics\([^,]+, '(wabus_[a-z_]+)'\)/g)].map((m) => m[1]!);
    });
  for (const prefix of prefixes(join(root, 'services'))) for (const [, type, suffix] of family) out.set(`${prefix}${suffix!}`, type!);
  return out;
}

const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

test('the alert rules and the dashboard only use metrics the services register, with the right types', () => {
  const registered = registeredMetrics();
  assert.ok(registered.size >= 15, `found ${registered.size} registered metrics`);
  for (const prefix of ['wabus_auto_reply', 'wabus_sender'])
    assert.deepEqual(
      ['graph_calls_total', 'refusals_total', 'rate_limit_wait_seconds'].map((m) => registered.get(`${prefix}_${m}`)),
      ['Counter', 'Counter', 'Histogram'],
      `${prefix}: the Graph-send family`,
    );
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

/** The text of one rule of a rules file: from its `- alert:` line to the next rule or group (YAML by indentation). */
function alertRule(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `- alert: ${name}`);
  assert.ok(start >= 0, `alert ${name} is in the rules`);
  const indent = lines[start]!.indexOf('-');
  const end = lines.findIndex((l, i) => i > start && l.trim() !== '' && l.search(/\S/) <= indent);
  return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

test('WabusIngressQuarantinedBodies: a ticket on any body quarantined for a tenant reason in 10 minutes, saying what happened and where to look', () => {
  const rule = alertRule(readFileSync(join(root, 'infra/observability/alert-rules.yml'), 'utf8'), 'WabusIngressQuarantinedBodies');
  const expr = /^\s*expr: (.+)$/m.exec(rule)?.[1] ?? '';
  assert.ok(expr.includes('increase(wabus_ingress_quarantined_total{reason=~"tenant_mismatch|unknown_owner"}[10m])'), expr);
  assert.match(expr, /\) > 0$/, 'fires on the first such body');
  // The reasons selected are exactly those the ownership check gives (and ingress counts): a renamed one fails here.
  const selected = /reason=~"([^"]+)"/.exec(expr)![1]!.split('|').sort();
  assert.deepEqual(selected, [...OWNERSHIP_REASONS].sort());
  assert.match(rule, /^\s*labels: \{ severity: ticket \}$/m);
  const words = rule.replace(/\s+/g, ' ');
  for (const said of [
    /signed by one tenant's app secret named another tenant's WABA or phone number/,
    /WABA or number no tenant owns/,
    /tenants file \(WABUS_TENANTS_FILE/,
    /quarantined records on the raw topic/,
  ]) {
    assert.match(words, said);
  }
});

test('WabusIngressBodiesRefusedByKafka: a ticket on any body quarantined because Kafka refused it, for exactly the reasons ingress gives; not also WabusIngressQuarantine', () => {
  const rules = readFileSync(join(root, 'infra/observability/alert-rules.yml'), 'utf8');
  const rule = alertRule(rules, 'WabusIngressBodiesRefusedByKafka');
  const expr = /^\s*expr: (.+)$/m.exec(rule)?.[1] ?? '';
  assert.match(expr, /increase\(wabus_ingress_quarantined_total\{reason=~"[a-z_|]+"\}\[10m\]\)\) > 0$/);
  // The reasons ingress quarantines a refused body with (services/ingress/src/store-delivery.ts, REFUSAL_REASONS).
  const source = readFileSync(join(root, 'services/ingress/src/store-delivery.ts'), 'utf8');
  const table = /export const REFUSAL_REASONS = \{([\s\S]*?)\} as const;/.exec(source)?.[1] ?? '';
  const given = [...table.matchAll(/^\s+\w+: '([a-z_]+)',$/gm)].map((m) => m[1]!).sort();
  assert.equal(given.length, 3, table);
  assert.deepEqual(/reason=~"([^"]+)"/.exec(expr)![1]!.split('|').sort(), given);
  assert.match(rule, /^\s*labels: \{ severity: ticket \}$/m);
  const words = rule.replace(/\s+/g, ' ');
  for (const said of [/Meta was answered 200 and will not resend/, /replay rederive --since .* --only-missing --execute/, /max\.message\.bytes/])
    assert.match(words, said);
  // The form-quarantine ticket leaves these to this alert (one cause, one alert).
  const form = /^\s*expr: (.+)$/m.exec(alertRule(rules, 'WabusIngressQuarantine'))?.[1] ?? '';
  for (const reason of given) assert.ok(/reason!~"([^"]+)"/.exec(form)![1]!.split('|').includes(reason), `${reason} excluded from WabusIngressQuarantine`);

  const auth = alertRule(rules, 'WabusIngressKafkaNotAuthorized');
  assert.match(auth, /increase\(wabus_ingress_produce_refused_total\{kind="not_authorized"\}\[5m\]\)\) > 0/);
  assert.match(auth, /^\s*labels: \{ severity: page \}$/m);
});

test('dispatcher alerts: a paused endpoint after 10 minutes, per subscription; dead deliveries by their status label; attempts in doubt by their result', () => {
  const rules = readFileSync(join(root, 'infra/observability/alert-rules.yml'), 'utf8');
  const paused = alertRule(rules, 'WabusDispatcherEndpointPaused');
  assert.match(paused, /^\s*expr: max by \(subscription\) \(wabus_dispatcher_endpoint_paused\) == 1$/m);
  assert.match(paused, /^\s*for: 10m$/m);
  // The statuses selected are those the dispatcher settles deliveries with (services/dispatcher delivery-queue.ts).
  const statuses = readFileSync(join(root, 'services/dispatcher/src/delivery-queue.ts'), 'utf8');
  const inDoubt = alertRule(rules, 'WabusDispatcherInDoubtAttempts');
  assert.ok(inDoubt.includes('increase(wabus_dispatcher_attempts_total{result="in_doubt"}[15m])'), inDoubt);
  assert.ok(readFileSync(join(root, 'services/dispatcher/src/decide-attempt.ts'), 'utf8').includes("type: 'in_doubt'"), 'in_doubt is an attempt result');
  for (const [name, status] of [['WabusDispatcherDeadLetters', 'dead']] as const) {
    const rule = alertRule(rules, name);
    assert.ok(rule.includes(`increase(wabus_dispatcher_deliveries_total{status="${status}"}[15m])`), rule);
    assert.ok(statuses.includes(`'${status}'`), `${status} is a delivery status`);
    assert.match(rule, /^\s*labels: \{ severity: ticket \}$/m);
  }
});

test('account-state alerts: a flagged number, an unusable template and a restricted WABA, each `max by` its entity over the gauge account-state reads from its store', () => {
  const rules = readFileSync(join(root, 'infra/observability/alert-rules.yml'), 'utf8');
  const metrics = readFileSync(join(root, 'services/account-state/src/account-metrics.ts'), 'utf8');
  for (const [alert, metric] of [
    ['WabusBusinessNumberFlagged', 'wabus_account_state_phone_number_flagged'],
    ['WabusTemplateUnusable', 'wabus_account_state_template_unusable'],
    ['WabusAccountRestricted', 'wabus_account_state_waba_restricted'],
  ] as const) {
    const rule = alertRule(rules, alert);
    const by = /^\s*expr: max by \(([a-z_, ]+)\) \((wabus_[a-z_]+)\) == 1$/m.exec(rule);
    assert.ok(by, rule);
    assert.equal(by[2], metric);
    // Grouped by every label the gauge has (the service label aside): one alert per entity, none lost to a merge.
    const declared = new RegExp(`name: '${metric}',[\\s\\S]*?labelNames: \\[([^\\]]+)\\]`).exec(metrics)?.[1] ?? '';
    assert.deepEqual(by[1]!.split(', ').sort(), [...declared.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort(), `${alert}: grouped by the gauge's labels`);
  }
});

test('recording rules: every recorded series an expression reads (wabus:…) is recorded by a rule of the file, and the dashboard reads only those', () => {
  const rules = readFileSync(join(root, 'infra/observability/alert-rules.yml'), 'utf8');
  const recorded = new Set([...rules.matchAll(/^\s*- record: (wabus:[a-z0-9_:]+)$/gm)].map((m) => m[1]!));
  assert.ok(recorded.has('wabus:ingress_source_silence_seconds'), [...recorded].join(', '));
  // Everything but the record lines: expressions, and the annotations' queries.
  const reads = rules
    .split('\n')
    .filter((l) => !/^\s*- record: /.test(l))
    .join('\n');
  const dashboard = readFileSync(join(root, 'infra/observability/grafana-dashboard.json'), 'utf8');
  for (const [where, text] of [
    ['alert-rules.yml', reads],
    ['grafana-dashboard.json', dashboard],
  ] as const) {
    for (const m of text.matchAll(/wabus:[a-z0-9_:]+/g)) assert.ok(recorded.has(m[0]), `${where} reads ${m[0]}, which no rule records`);
  }
});

test('WabusIngressSourceSilent: a page per tenant and WABA when the silence passes 15 minutes, an hour or 4 hours where the same window usually has 40 webhooks; the runbook says what to check', () => {
  const rules = readFileSync(join(root, 'infra/observability/alert-rules.yml'), 'utf8');
  const rule = alertRule(rules, 'WabusIngressSourceSilent');
  const words = rule.replace(/\s+/g, ' ');
  for (const [seconds, window] of [
    [900, '15m'],
    [3600, '1h'],
    [14400, '4h'],
  ] as const) {
    assert.ok(
      words.includes(`(wabus:ingress_source_silence_seconds > ${seconds} and on (tenant, waba) wabus:ingress_source_usual_webhooks{window="${window}"} >= 40)`),
      `the ${window} clause: ${words}`,
    );
    assert.ok(rules.includes(`increase(wabus_ingress_accepted_webhooks_total[${window}]))\n        labels: { window: ${window} }`), `${window} recorded`);
  }
  // The usual count: the same window a week ago, else yesterday; the silence from what was recorded (restarts).
  assert.match(rules, /expr: wabus:ingress_source_webhooks:increase offset 7d or wabus:ingress_source_webhooks:increase offset 1d$/m);
  assert.match(rules, /expr: time\(\) - wabus:ingress_source_last_accepted_timestamp_seconds:latest$/m);
  assert.ok(
    rules
      .replace(/\s+/g, ' ')
      .includes(
        'max by (tenant, waba) ( wabus_ingress_last_accepted_timestamp_seconds or last_over_time(wabus:ingress_source_last_accepted_timestamp_seconds:latest[1h]) > time() - 7 * 86400 )',
      ),
    'the last-accepted time: the latest of the live gauges and of its own last value, kept for 7 days',
  );
  assert.match(rule, /^\s*for: 5m$/m);
  assert.match(rule, /^\s*labels: \{ severity: page \}$/m);
  for (const said of [
    /pnpm wabus meta check for tenant \{\{ \$labels\.tenant \}\}/,
    /subscribed_apps/,
    /WabusIngressBadSignatures/,
    /unknown_owner/,
    /Status page/,
  ])
    assert.match(words, said);
});
