/** What one service instance says about its partitions (`GET /v1/lag`, packages/consumer-service). */
export interface ProbedPartition {
  partition: number;
  paused: boolean;
  lastError?: string;
}

/** One runtime's status: the service's main group, or its redrive group (`redrive` in the same answer). */
export interface ProbedStatus {
  groupId: string;
  /** The topic those partitions are of, when the service says (else the events topic). */
  topic?: string;
  partitions: ProbedPartition[];
}

export interface ProbeResult {
  url: string;
  ok: boolean;
  statuses?: ProbedStatus[];
  error?: string;
}

export type FetchLike = (url: string, init: { signal: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Asks each URL, in parallel, with a short timeout; an unreachable or malformed answer is reported, never thrown. */
export async function probeLag(urls: readonly string[], o: { timeoutMs?: number; fetch?: FetchLike } = {}): Promise<ProbeResult[]> {
  const fetchFn: FetchLike = o.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = o.timeoutMs ?? 1_000;
  return Promise.all(
    urls.map(async (url): Promise<ProbeResult> => {
      // A timer of our own (AbortSignal.timeout's is unref'd: alone, it would not keep the process waiting for it).
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      try {
        const res = await fetchFn(url, { signal: ctrl.signal });
        if (!res.ok) return { url, ok: false, error: `HTTP ${res.status}` };
        const main = readStatus(await res.json());
        if (main === null) return { url, ok: false, error: 'not a /v1/lag answer (expected {groupId, partitions})' };
        return { url, ok: true, statuses: [main.status, ...(main.redrive ? [main.redrive] : [])] };
      } catch (err) {
        return { url, ok: false, error: ctrl.signal.aborted ? `no answer within ${timeoutMs} ms` : (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

function readStatus(body: unknown): { status: ProbedStatus; redrive: ProbedStatus | null } | null {
  const b = body as { groupId?: unknown; topic?: unknown; partitions?: unknown; redrive?: unknown } | null;
  if (typeof b !== 'object' || b === null || typeof b.groupId !== 'string' || !Array.isArray(b.partitions)) return null;
  const partitions: ProbedPartition[] = [];
  for (const p of b.partitions as unknown[]) {
    const q = p as { partition?: unknown; paused?: unknown; lastError?: unknown } | null;
    if (typeof q?.partition !== 'number' || typeof q.paused !== 'boolean') continue;
    partitions.push({ partition: q.partition, paused: q.paused, ...(typeof q.lastError === 'string' ? { lastError: q.lastError } : {}) });
  }
  const status: ProbedStatus = { groupId: b.groupId, ...(typeof b.topic === 'string' ? { topic: b.topic } : {}), partitions };
  return { status, redrive: b.redrive === undefined ? null : (readStatus(b.redrive)?.status ?? null) };
}
