import type { AddressInfo } from 'node:net';

/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A sample value as Prometheus reads it (Go's ParseFloat): NaN and ±Inf in any case, so prom-client's `Nan` (what
 * it prints for a summary with no observations yet) is the NaN a real scrape would store, not a parse error.
 */
function number(v: string, line: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(v);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const n = Number(v);
  if (Number.isNaN(n) || v.trim() === '') throw new Error(`not a Prometheus sample value: ${line}`);
  return n;
}

/** `name="value"` pairs, comma-separated, a trailing comma allowed; escapes `\\`, `\"` and `\n` in values. */
function parseLabels(block: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
  while (pair.lastIndex < block.length) {
    const l = pair.exec(block);
    if (!l) throw new Error(`not a Prometheus label set: ${line}`);
    labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/**
 * Parses the Prometheus text exposition format (version 0.0.4): every sample line, `# HELP` / `# TYPE` and other
 * comments skipped, histogram and summary series as the plain samples they are (`_bucket`, `_sum`, `_count`).
 * A line it cannot read throws.
 */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    out.push({ name: m[1]!, labels: parseLabels(m[2] ?? '', line), value: number(m[3]!, line) });
  }
  return out;
}

/** What a scrape of `/metrics` holds: `value` sums the samples of a name whose labels include the given ones. */
export interface Scrape {
  samples: Sample[];
  value(name: string, labels?: Record<string, string>): number;
  /** Label sets of a name with a non-zero value, as `k=v,…` strings (sorted), for exact comparisons. */
  series(name: string): Record<string, number>;
}

/** A parsed exposition with the lookups tests use. */
export function readScrape(text: string): Scrape {
  const samples = parsePrometheusText(text);
  const matching = (name: string, labels: Record<string, string>) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    samples,
    value: (name, labels = {}) => matching(name, labels).reduce((sum, s) => sum + s.value, 0),
    series(name) {
      const out: Record<string, number> = {};
      for (const s of matching(name, {})) {
        if (s.value === 0) continue;
        const key = Object.entries(s.labels)
          .filter(([k]) => k !== 'service')
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        out[key] = (out[key] ?? 0) + s.value;
      }
      return out;
    },
  };
}

/** What `scrapeMetrics` needs of a listening fastify instance (kept structural: this package has no fastify). */
export interface ListeningApp {
  server: { address(): AddressInfo | string | null };
}

/** GET /metrics of a running service over HTTP, as Prometheus would, and parses it. */
export async function scrapeMetrics(app: ListeningApp): Promise<Scrape> {
  const { port } = app.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  if (!res.headers.get('content-type')?.startsWith('text/plain')) throw new Error(`/metrics content type ${res.headers.get('content-type')}`);
  return readScrape(await res.text());
}
