/**
 * What Prometheus would have scraped, once a minute, from ingress for one source (tenant, WABA): its
 * `wabus_ingress_accepted_webhooks_total` and `wabus_ingress_last_accepted_timestamp_seconds`, written in promtool's
 * expanding notation for `promtool test rules` input series. Time 0 is the Unix epoch, so a sample's time in seconds
 * is its minute times 60.
 */
export interface SourceTraffic {
  tenant: string;
  waba: string;
  /** Webhooks accepted in the minute that ends at minute `m` (scraped at `m`). */
  perMinute: (m: number) => number;
  /** Minutes at which ingress restarts: both series go stale and stay absent until the source's next webhook. */
  restarts?: readonly number[];
}

type Sample = number | '_' | 'stale';

/** The two series' samples at minutes 0..minutes-1, as the ingress process exports them (source-metrics.ts). */
export function sourceSamples(s: SourceTraffic, minutes: number): { bodies: Sample[]; last: Sample[] } {
  const bodies: Sample[] = [];
  const last: Sample[] = [];
  const restarts = new Set(s.restarts ?? []);
  let count: number | null = null;
  let lastSeconds: number | null = null;
  for (let m = 0; m < minutes; m++) {
    if (restarts.has(m)) {
      // A new process: nothing about this source until its next webhook (Prometheus marks the series stale).
      count = null;
      lastSeconds = null;
      bodies.push('stale');
      last.push('stale');
      continue;
    }
    const n = s.perMinute(m);
    if (n > 0) {
      count = (count ?? 0) + n;
      lastSeconds = m * 60;
    }
    bodies.push(count ?? '_');
    last.push(lastSeconds ?? '_');
  }
  return { bodies, last };
}

/** Samples in promtool's expanding notation: runs of a constant step as `a+bxn`, missing runs as `_xn`. */
export function expandingNotation(samples: readonly Sample[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < samples.length) {
    const v = samples[i]!;
    if (typeof v !== 'number') {
      let j = i;
      while (j + 1 < samples.length && samples[j + 1] === v) j++;
      out.push(
        v === '_' && j > i
          ? `_x${j - i + 1}`
          : Array(j - i + 1)
              .fill(v)
              .join(' '),
      );
      i = j + 1;
      continue;
    }
    const next = samples[i + 1];
    if (typeof next !== 'number') {
      out.push(String(v));
      i++;
      continue;
    }
    const step = next - v;
    let j = i + 1;
    while (j + 1 < samples.length && typeof samples[j + 1] === 'number' && (samples[j + 1] as number) - (samples[j] as number) === step) j++;
    out.push(`${v}${step < 0 ? '-' : '+'}${Math.abs(step)}x${j - i}`);
    i = j + 1;
  }
  return out.join(' ');
}

/** promtool input series for one source. */
export function sourceInputSeries(s: SourceTraffic, minutes: number): { series: string; values: string }[] {
  const { bodies, last } = sourceSamples(s, minutes);
  const labels = `job="wabus-ingress",instance="ingress-0:8080",tenant="${s.tenant}",waba="${s.waba}"`;
  return [
    { series: `wabus_ingress_accepted_webhooks_total{${labels}}`, values: expandingNotation(bodies) },
    { series: `wabus_ingress_last_accepted_timestamp_seconds{${labels}}`, values: expandingNotation(last) },
  ];
}
