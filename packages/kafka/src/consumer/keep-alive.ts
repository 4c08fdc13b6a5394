/**
 * How often the runtime tells the group it is alive while a handler works. kafkajs sends a heartbeat only when its
 * `heartbeatInterval` has passed since the last one (and shares one in flight), so calling more often costs nothing
 * and keeps the gap between heartbeats close to that interval.
 */
export const HANDLER_HEARTBEAT_MS = 1_000;

/**
 * Runs `fn`, heartbeating every `everyMs` until it settles: a handler that waits long (pacing, backoff, a slow CRM)
 * stays a member of the group instead of being expelled after the session timeout with its batch redelivered.
 * A timer, not the runtime's injected clock: a test clock whose sleep returns at once would spin here.
 */
export async function whileHeartbeating<T>(heartbeat: () => Promise<void>, everyMs: number, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeat(), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
