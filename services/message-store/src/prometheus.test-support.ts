import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const number = (v: string): number => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));

/** Parses the Prometheus text exposition format (version 0.0.4); a line it cannot read throws. */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value: number(m[3]!) });
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

/** GET /metrics of a running service over HTTP, as Prometheus would, and parses it. */
export async function scrapeMetrics(app: FastifyInstance): Promise<Scrape> {
  const { port } = app.server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  if (!res.headers.get('content-type')?.startsWith('text/plain')) throw new Error(`/metrics content type ${res.headers.get('content-type')}`);
  const samples = parsePrometheusText(await res.text());
  const matching = (name: string, labels: Record<string, string>) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    samples,
    value: (name, labels = {}) => matching(name, labels).reduce((sum, s) => sum + s.value, 0),
    series(name) {
      const out: Record<string, number> = {};
      for (const s of matching(name, {})) {
        if (s.value === 0) continue;
        const key = Object.entries(s.labels).filter(([k]) => k !== 'service').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
        out[key] = (out[key] ?? 0) + s.value;
      }
      return out;
    },
  };
}
