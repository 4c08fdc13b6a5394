/** One line of progress: a bar, the count, the rate and the time left. Pure (the caller measures). */
export function progressLine(o: { label: string; done: bigint; total: bigint; elapsedMs: number; width?: number }): string {
  const width = o.width ?? 30;
  const ratio = o.total === 0n ? 1 : Number(o.done) / Number(o.total);
  const filled = Math.min(width, Math.round(ratio * width));
  const rate = o.elapsedMs > 0 ? (Number(o.done) * 1000) / o.elapsedMs : 0;
  const left = Number(o.total - o.done);
  const eta = rate > 0 ? `${formatDuration((left / rate) * 1000)}` : '?';
  const n = (x: bigint) => Number(x).toLocaleString('en-US');
  return `${o.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${n(o.done)}/${n(o.total)} ${Math.round(rate).toLocaleString('en-US')}/s ETA ${eta}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
