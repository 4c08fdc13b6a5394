export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

/**
 * Exact nearest-rank percentiles over every sample. A sort of a few hundred thousand doubles takes tens of
 * milliseconds and 8 bytes a sample, so an HDR histogram (a dependency, and bucketed values) buys nothing here.
 */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0, count: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] as number, mean: sum / sorted.length, count: sorted.length };
}
