import { logLevel, type LogEntry } from 'kafkajs';

export type BridgedLevel = 'debug' | 'warn' | 'error';

/** One kafkajs log entry as wabus logs it: the level, the object (no stack below `error`), the message. */
export interface BridgedLine {
  level: BridgedLevel;
  obj: Record<string, unknown>;
  message: string;
}

/**
 * The broker's answers while a group coordinator is not ready yet (a broker starting, loading __consumer_offsets, or
 * moving the coordinator): kafkajs retries each of them itself, and they are retriable in its error table
 * (GROUP_COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR_FOR_GROUP, LEADER_NOT_AVAILABLE);
 * kafkajs-log.unit.test.ts checks these texts against that table.
 */
export const COORDINATOR_WARMING_UP: ReadonlySet<string> = new Set([
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
]);

/**
 * How a kafkajs log entry is logged. kafkajs logs at ERROR what it then retries itself: every error response on a
 * connection, and a consumer's "Crash" (with its stack) followed by "Restarting the consumer". The runtime logs each
 * crash once, with what it means (run-consumer.ts, at the level `crashLevel` below gives), so kafkajs' own crash lines
 * are debug; a coordinator that is still loading is debug; other error responses are warnings (the caller gets the
 * error and decides); other errors stay errors. A stack is kept on error lines only: everything else is one readable
 * line.
 */
export function bridgeKafkajsLog({ namespace, level, log: entry }: Pick<LogEntry, 'namespace' | 'level' | 'log'>): BridgedLine {
  const { message, timestamp: _ts, logger: _l, stack, ...extra } = entry as LogEntry['log'] & { logger?: string; stack?: unknown };
  const obj: Record<string, unknown> = { component: 'kafkajs', namespace, ...extra };
  const line = (l: BridgedLevel): BridgedLine => ({ level: l, obj: l === 'error' && stack !== undefined ? { ...obj, stack } : obj, message });
  if (level === logLevel.ERROR) {
    if (namespace === 'Consumer' && (message.startsWith('Crash: ') || message.startsWith('Restarting the consumer'))) return line('debug');
    if (namespace === 'Connection') return line(typeof extra['error'] === 'string' && COORDINATOR_WARMING_UP.has(extra['error']) ? 'debug' : 'warn');
    return line('error');
  }
  if (level === logLevel.WARN) return line('warn');
  return line('debug');
}

/** How long after a runtime starts a crash that kafkajs restarts from is still the broker warming up. */
export const STARTUP_GRACE_MS = 60_000;

/**
 * The level of a consumer crash (kafkajs' CRASH event): one that kafkajs does not restart from ends the consumer
 * (error); a retriable one before the member ever joined its group, within `STARTUP_GRACE_MS` of the start, is the
 * broker warming up (debug); later, a crash it restarts from is worth a warning.
 */
export function crashLevel(o: { restart: boolean; joinedOnce: boolean; sinceStartMs: number }): BridgedLevel {
  if (!o.restart) return 'error';
  return !o.joinedOnce && o.sinceStartMs < STARTUP_GRACE_MS ? 'debug' : 'warn';
}
