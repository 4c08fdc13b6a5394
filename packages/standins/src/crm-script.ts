/** One request as the CRM stand-in received it. */
export interface CrmRequest {
  /** Position in `requests`, from 0. */
  seq: number;
  method: string;
  path: string;
  /** Lower-case names, first value of each. */
  headers: Record<string, string>;
  /** The body bytes as UTF-8 text. */
  body: string;
  /** Epoch ms when the whole body had arrived. */
  receivedAt: number;
  /** What the stand-in did; set when it answered (or dropped / hung up). */
  outcome?: CrmOutcome;
}

export type CrmOutcome =
  { kind: 'answered'; status: number; body: unknown; at: number; replayed: boolean } | { kind: 'dropped'; at: number } | { kind: 'hung'; at: number };

/** What the stand-in does with a request instead of (or before) answering it normally. */
export type CrmBehavior =
  /** Wait, then process normally: the upsert is applied even if the client gave up meanwhile (as real servers do). */
  | { kind: 'delay'; ms: number }
  /** Answer with this status (5xx, 429 with Retry-After, a 4xx with a body) without applying anything. */
  | { kind: 'status'; status: number; body?: unknown; retryAfter?: number | string }
  /** Destroy the connection without an answer; nothing is applied. */
  | { kind: 'drop' }
  /** Never answer, never apply (the socket is destroyed on close()). */
  | { kind: 'hang' };

export interface ScriptOptions {
  /** For how many matching requests (default 1; Infinity for all). */
  times?: number;
  /** Only requests this predicate accepts (default: any). */
  when?: (req: CrmRequest) => boolean;
}

interface ScriptEntry {
  behavior: CrmBehavior;
  left: number;
  when: (req: CrmRequest) => boolean;
}

/** Scripted behaviours, first match wins, each used up after `times` requests. */
export function createCrmScript() {
  const entries: ScriptEntry[] = [];
  return {
    add(behavior: CrmBehavior, opts: ScriptOptions = {}): void {
      entries.push({ behavior, left: opts.times ?? 1, when: opts.when ?? (() => true) });
    },
    /** The behaviour for this request, consuming one use of it; null: answer normally. */
    take(req: CrmRequest): CrmBehavior | null {
      const entry = entries.find((e) => e.left > 0 && e.when(req));
      if (!entry) return null;
      entry.left--;
      return entry.behavior;
    },
    clear(): void {
      entries.length = 0;
    },
  };
}

/** A contact the CRM refuses with a permanent 4xx (per item in a batch, the whole answer for a single PUT). */
export interface CrmRejection {
  when: (contactId: string, contact: unknown) => boolean;
  status: number;
  body: unknown;
}
