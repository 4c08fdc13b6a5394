import { OpsError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: an ISO 8601 time (`2025-03-01T12:00:00Z`) or a duration back from now (`90m`, `24h`, `7d`); epoch ms. */
export function parseSince(text: string, now: () => Date): number {
  const t = text.trim();
  const d = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(t);
  if (d) return now().getTime() - Math.round(Number(d[1]) * UNIT_MS[d[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  throw new OpsError('WABUS_OPS_BAD_TIME', {
    message: `--since expects an ISO time (2025-03-01T12:00:00Z) or a duration (30m, 24h, 7d), got ${JSON.stringify(text)}`,
  });
}
