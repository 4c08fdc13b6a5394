/**
 * WabusIngressSourceSilent and its recording rules (infra/observability/alert-rules.yml), evaluated by Prometheus'
 * own rule engine: `promtool test rules` over eight days of per-minute samples of sources with different habits
 * (docs/silence.md). promtool is built into the cache by `wabus infra tools` (which `./wabus test` runs); a missing
 * one is built here (minutes), never skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { installPromtool } from './promtool-install.ts';
import { sourceInputSeries, type SourceTraffic } from './source-series.test-support.ts';

const RULES = fileURLToPath(new URL('../observability/alert-rules.yml', import.meta.url));
const ALERT = 'WabusIngressSourceSilent';
const DAY = 1440;
const HOUR = 60;
const at = (day: number, hour: number, minute = 0) => day * DAY + hour * HOUR + minute;
const hourOf = (m: number) => Math.floor((m % DAY) / HOUR);

/** The alert's runbook for a tenant, as the rule renders it (its only template is the tenant). */
function runbook(tenant: string): string {
  const groups = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[] }).groups;
  const rule = groups.flatMap((g) => g.rules).find((r) => r.alert === ALERT);
  return rule!.annotations!['runbook']!.replaceAll('{{ $labels.tenant }}', tenant);
}

/** The alert as it fires for a source: silent for `silence`, usually `usualPerHour` webhooks in this hour. */
function firing(tenant: string, waba: string, silence: string, usualPerHour: number) {
  return {
    exp_labels: { severity: 'page', tenant, waba },
    exp_annotations: {
      summary: `No webhook accepted from WABA ${waba} of tenant ${tenant} for ${silence}`,
      description:
        `In the hour ending now it usually sends ${usualPerHour} webhooks (the same hour a week ago, or yesterday). Meta stopped ` +
        'sending, or ingress stopped accepting: webhooks answered 401 or quarantined do not count.',
      runbook: runbook(tenant),
    },
  };
}

interface Check {
  eval_time: string;
  alertname: string;
  exp_alerts: ReturnType<typeof firing>[];
}
const check = (minute: number, alerts: ReturnType<typeof firing>[] = []): Check => ({ eval_time: `${minute}m`, alertname: ALERT, exp_alerts: alerts });

/** Runs promtool on one test file of `tests` over the rules; its exit code and output. */
function promtool(binary: string, tests: { minutes: number; sources: SourceTraffic[]; checks: Check[] }[]): { code: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wabus-promtool-'));
  try {
    const file = join(dir, 'silence.test.yml');
    const doc = {
      rule_files: [RULES],
      evaluation_interval: '1m',
      tests: tests.map((t) => ({ interval: '1m', input_series: t.sources.flatMap((s) => sourceInputSeries(s, t.minutes)), alert_rule_test: t.checks })),
    };
    writeFileSync(file, stringify(doc, { lineWidth: 0 }));
    const r = spawnSync(binary, ['test', 'rules', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { code: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Eight days from a Thursday (the epoch), one sample a minute. Day 7 is the day judged against day 0, a week before.
const WEEK_PLUS = 8 * DAY;
const STOP = at(7, 12); // the last webhook of the sources that stop: noon of day 7
const RESTART = STOP + 1; // ingress restarts a minute later
// 4 a minute: 240 an hour, 60 in 15 minutes (at least 40 in the shortest window).
const busy = () => 4;
const sources: SourceTraffic[] = [
  // Busy around the clock, then nothing from noon of day 7.
  { tenant: 'acme', waba: 'stops', perMinute: (m) => (m <= STOP ? busy() : 0) },
  // Busy from 08:00 to 20:00, silent every night: the night and the morning before it opens never page.
  { tenant: 'acme', waba: 'daytime', perMinute: (m) => (hourOf(m) >= 8 && hourOf(m) < 20 ? 4 : 0) },
  // One webhook every two hours, every day: never busy enough to page.
  { tenant: 'globex', waba: 'sparse', perMinute: (m) => (m % 120 === 0 ? 1 : 0) },
  // Closed one weekday (days 0 and 7, Thursdays), busy the other six: judged against last Thursday, not yesterday.
  // (One webhook at the very start, so that its series exists on day 0, as an older source's would.)
  { tenant: 'globex', waba: 'closed-thursdays', perMinute: (m) => (m === 0 ? 1 : Math.floor(m / DAY) % 7 === 0 ? 0 : 4) },
  // Ingress restarts right after the source's last webhook: it still pages, from that webhook.
  { tenant: 'initech', waba: 'silent-over-restart', perMinute: (m) => (m <= STOP ? busy() : 0), restarts: [RESTART] },
  // Ingress restarts and the source goes on: nothing.
  { tenant: 'initech', waba: 'restart', perMinute: busy, restarts: [RESTART] },
];

// The stopped sources' last webhook was at 12:00 of day 7: the silence passes 15 minutes (900 s) at 12:16, the alert
// is pending from then and fires 5 minutes later, at 12:21.
const stopped = (silence: string) => [firing('acme', 'stops', silence, 240), firing('initech', 'silent-over-restart', silence, 240)];
const weekChecks: Check[] = [
  check(at(7, 3)), // 3 a.m.: daytime silent for 7 hours, closed-thursdays for 3, sparse for an hour or so
  check(at(7, 7, 59)), // just before daytime opens: last week's same hour was silent too
  check(at(7, 8, 30)),
  check(at(7, 12, 15)),
  check(at(7, 12, 20)), // pending, not firing yet
  check(at(7, 12, 21), stopped('21m 0s')),
  check(at(7, 23, 59), stopped('11h 59m 0s')), // daytime closed four hours ago; closed-thursdays all day
];

// The first week: nothing a week ago to compare with, so yesterday's same window is the usual.
const firstWeek = {
  minutes: 2 * DAY + 60,
  sources: [{ tenant: 'hooli', waba: 'new', perMinute: (m: number) => (m <= at(1, 12) ? busy() : 0) }],
  checks: [
    check(at(1, 12, 20)),
    check(at(1, 12, 21), [firing('hooli', 'new', '21m 0s', 240)]),
    check(at(2, 0, 30), [firing('hooli', 'new', '12h 30m 0s', 240)]),
  ],
};

test('WabusIngressSourceSilent (promtool test rules): a busy source that stops pages after 21 minutes, across an ingress restart too; a quiet night, a closed weekday, a sparse source and a restart do not', async () => {
  const { binary } = await installPromtool({ log: (m) => process.stderr.write(`[promtool] ${m}\n`) });
  const r = promtool(binary, [{ minutes: WEEK_PLUS, sources, checks: weekChecks }, firstWeek]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /SUCCESS/);
});

test('the rules test can fail: promtool rejects a wrong expectation (a source paging a minute early, still pending)', async () => {
  const { binary } = await installPromtool();
  // A day and a half of one source (the week-long data of the test above costs promtool ~5× more): the alert is
  // pending at 12:20, so expecting it firing there must fail.
  const wrong = { ...firstWeek, minutes: at(1, 12, 30), checks: [check(at(1, 12, 20), [firing('hooli', 'new', '20m 0s', 240)])] };
  const r = promtool(binary, [wrong]);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /FAILED/);
  assert.match(r.output, /alertname: WabusIngressSourceSilent/);
});

test('promtool check rules: every rule of alert-rules.yml parses and is valid for Prometheus', async () => {
  const { binary } = await installPromtool();
  const r = spawnSync(binary, ['check', 'rules', RULES], { encoding: 'utf8' });
  const groups = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: unknown[] }[] }).groups;
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, new RegExp(`SUCCESS: ${groups.flatMap((g) => g.rules).length} rules found`));
});
