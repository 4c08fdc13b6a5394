import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusText, readScrape } from './prometheus.ts';

// As prom-client writes it: HELP and TYPE before each family, a histogram as _bucket/_sum/_count samples.
const EXPOSITION = [
  '# HELP wabus_waits_seconds Time spent waiting, by reason.',
  '# TYPE wabus_waits_seconds histogram',
  'wabus_waits_seconds_bucket{le="0.1",reason="throughput",service="auto-reply"} 3',
  'wabus_waits_seconds_bucket{le="1",reason="throughput",service="auto-reply"} 5',
  'wabus_waits_seconds_bucket{le="+Inf",reason="throughput",service="auto-reply"} 6',
  'wabus_waits_seconds_sum{reason="throughput",service="auto-reply"} 1.25',
  'wabus_waits_seconds_count{reason="throughput",service="auto-reply"} 6',
  'wabus_waits_seconds_bucket{le="0.1",reason="backoff",service="auto-reply"} 0',
  'wabus_waits_seconds_bucket{le="1",reason="backoff",service="auto-reply"} 1',
  'wabus_waits_seconds_bucket{le="+Inf",reason="backoff",service="auto-reply"} 1',
  'wabus_waits_seconds_sum{reason="backoff",service="auto-reply"} 0.5',
  'wabus_waits_seconds_count{reason="backoff",service="auto-reply"} 1',
  '',
  '# HELP wabus_replies_total Replies by state # and a hash in the help text',
  '# TYPE wabus_replies_total counter',
  'wabus_replies_total{state="sent",code="",service="auto-reply"} 3',
  'wabus_replies_total{state="failed",code="131047",service="auto-reply"} 1',
  'wabus_replies_total{state="skipped",code="x",service="auto-reply"} 0',
  '',
  '# TYPE wabus_consumer_lag gauge',
  'wabus_consumer_lag 0',
  '',
].join('\n');

test('a histogram is its _bucket, _sum and _count samples, with le="+Inf" kept as the label text', () => {
  const samples = parsePrometheusText(EXPOSITION);
  assert.equal(samples.length, 14, 'HELP, TYPE and blank lines are not samples');
  assert.deepEqual(samples[2], { name: 'wabus_waits_seconds_bucket', labels: { le: '+Inf', reason: 'throughput', service: 'auto-reply' }, value: 6 });
  assert.deepEqual(samples[3], { name: 'wabus_waits_seconds_sum', labels: { reason: 'throughput', service: 'auto-reply' }, value: 1.25 });
  assert.deepEqual(samples[13], { name: 'wabus_consumer_lag', labels: {}, value: 0 });
});

test('label values keep escaped quotes, backslashes and newlines, and may hold braces, commas and equals signs', () => {
  const [s] = parsePrometheusText('m{a="say \\"hi\\"",b="C:\\\\dir",c="two\\nlines",d="x} 1, y=\\"2\\"",} 7\n');
  assert.deepEqual(s, { name: 'm', labels: { a: 'say "hi"', b: 'C:\\dir', c: 'two\nlines', d: 'x} 1, y="2"' }, value: 7 });
});

test('special values NaN, +Inf and -Inf, exponents, and an optional timestamp', () => {
  const values = parsePrometheusText('a NaN\nb +Inf\nc -Inf\nd 1.5e-3\ne{k="v"} 42 1700000000000\n').map((s) => s.value);
  assert.ok(Number.isNaN(values[0]));
  assert.deepEqual(values.slice(1), [Infinity, -Infinity, 0.0015, 42]);
});

test("NaN and Inf in any case, as Prometheus reads them (prom-client prints a summary's empty mean as 'Nan')", () => {
  const values = parsePrometheusText('a Nan\nb nan\nc inf\nd -INF\ne +Infinity\n').map((s) => s.value);
  assert.ok(Number.isNaN(values[0]) && Number.isNaN(values[1]));
  assert.deepEqual(values.slice(2), [Infinity, -Infinity, Infinity]);
  assert.throws(() => parsePrometheusText('a nope\n'), /not a Prometheus sample value/);
});

test('a line it cannot read throws, naming the line', () => {
  assert.throws(() => parsePrometheusText('wabus_ok 1\nnot a sample\n'), /not a Prometheus sample line: not a sample/);
  assert.throws(() => parsePrometheusText('m{a="1"} one\n'), /not a Prometheus sample value: m\{a="1"\} one/);
  assert.throws(() => parsePrometheusText('m{a=1} 2\n'), /not a Prometheus label set: m\{a=1\} 2/);
  assert.throws(() => parsePrometheusText('m{a="1" b="2"} 2\n'), /not a Prometheus label set/, 'pairs need a comma');
});

test('readScrape: value sums the samples whose labels include the given ones; series lists non-zero label sets', () => {
  const m = readScrape(EXPOSITION);
  assert.equal(m.value('wabus_waits_seconds_count'), 7, 'both reasons');
  assert.equal(m.value('wabus_waits_seconds_bucket', { reason: 'backoff', le: '1' }), 1);
  assert.equal(m.value('wabus_waits_seconds_sum', { reason: 'throughput' }), 1.25);
  assert.equal(m.value('wabus_absent_total'), 0);
  assert.deepEqual(m.series('wabus_replies_total'), { 'code=,state=sent': 3, 'code=131047,state=failed': 1 }, 'sorted keys, no service label, zeros left out');
  assert.deepEqual(m.series('wabus_waits_seconds_count'), { 'reason=throughput': 6, 'reason=backoff': 1 });
});
