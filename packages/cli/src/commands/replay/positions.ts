import { OpsError, parseOffsets, parseSince, type EndAt, type StartAt } from '@wabus/ops';

export const now = () => new Date();

/** A position on the command line: offsets (`N`, `P=N,...`) or a time (ISO, or a duration back such as 24h). */
function position(text: string, flag: string): { kind: 'offsets'; offsets: Map<number, bigint> } | { kind: 'time'; ms: number } {
  if (/^[\d\s,=:]+$/.test(text) || text.includes('=')) {
    const o = parseOffsets(text, flag);
    return { kind: 'offsets', offsets: 'all' in o ? new Map([[-1, o.all]]) : o.each };
  }
  try {
    return { kind: 'time', ms: parseSince(text, now) };
  } catch {
    throw new OpsError('WABUS_OPS_BAD_TIME', {
      message: `${flag} expects ${flag === '--from' ? 'beginning, ' : ''}an offset (N), offsets (P=N,...) or a time (ISO such as 2026-11-27T10:00:00Z, or 90m/24h/7d back), got ${JSON.stringify(text)}`,
    });
  }
}

export const startAt = (text: string | undefined): StartAt => (text === undefined || text === 'beginning' ? { kind: 'beginning' } : position(text, '--from'));
export const endAt = (text: string | undefined): EndAt => (text === undefined ? { kind: 'frontier' } : position(text, '--to'));

/** `--from 0` means offset 0 on every partition: spread the -1 entry over the topic's partitions. */
export async function spread<T extends StartAt | EndAt>(at: T, partitions: () => Promise<number[]>): Promise<T> {
  if (at.kind !== 'offsets' || !at.offsets.has(-1)) return at;
  const all = at.offsets.get(-1)!;
  return { kind: 'offsets', offsets: new Map((await partitions()).map((p) => [p, all])) } as unknown as T;
}
