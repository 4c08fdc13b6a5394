import { createHash } from 'node:crypto';
import type { ContactState } from './contact-state.ts';
import { idempotencyKey, type CrmAdapter, type RemoveResult, type UpsertResult } from './crm-adapter.ts';
import type { CrmHttp } from './crm-http.ts';
import type { CrmObserver } from './crm-observer.ts';
import { CrmSyncError } from './errors.ts';
import { backoffDelay, classifyStatus } from './http-retry.ts';

export interface RestCrmAdapterOptions {
  http: CrmHttp;
  /** Use `POST /contacts/batch` (`[{ idempotencyKey, contact }]` → `{ results: [{ id, status, body }] }`). */
  batch: boolean;
  batchSize: number;
  /** Requests in flight at once (different contacts only: one contact is in one request per call). */
  concurrency: number;
  /** Used when the caller gives no deadline. */
  retryBudgetMs: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Backoff before retrying batch items the CRM answered with a retryable status (metrics). */
  observer?: CrmObserver;
}

const UNPATHABLE = 'not sent: the contact id cannot be a URL path segment (empty, or a dot segment that URLs resolve away)';

/**
 * `/contacts/<id>`, or null when no URL can carry the id: `''`, `.` and `..` (also as `%2E`) are resolved away by
 * every URL parser, so a PUT would reach another resource (a 404 retried forever). A lone surrogate (legal in a
 * webhook's JSON) is sent as U+FFFD, the form the store keeps it in (encodeURIComponent would throw on it).
 */
export function contactPath(id: string): string | null {
  if (id === '' || id === '.' || id === '..') return null;
  return `/contacts/${encodeURIComponent(wellFormed(id))}`;
}

const wellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();

const MAX_TEXT = 4_000;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);

/**
 * `fn` over the items, `limit` at a time. After a failure no new item starts, but every started one is awaited:
 * the caller must not act (release leases) while a request may still be in flight. An in-doubt failure wins.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && errors.length === 0) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors.find((e) => e instanceof CrmSyncError && e.inDoubt) ?? errors[0];
  return out;
}

interface BatchItemResult {
  id?: unknown;
  status?: unknown;
  body?: unknown;
}

function batchResults(text: string): BatchItemResult[] | null {
  try {
    const parsed = JSON.parse(text) as { results?: unknown };
    return Array.isArray(parsed.results) ? (parsed.results as BatchItemResult[]) : null;
  } catch {
    return null;
  }
}

/**
 * The generic REST adapter: JSON over HTTP(S), one `PUT /contacts/:id` per contact, or `POST /contacts/batch` when
 * enabled. Every operation carries an `Idempotency-Key` (per contact state; for a batch, a hash of its items' keys)
 * and, when configured, an HMAC-SHA256 signature of the body. A batch the CRM refuses as a whole is retried one
 * contact at a time, so a single bad contact is singled out and the others go through.
 */
export function createRestCrmAdapter(o: RestCrmAdapterOptions): CrmAdapter {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function upsertOne(contact: ContactState, deadline: number): Promise<UpsertResult> {
    // The id in the body as in the path (a lone surrogate as U+FFFD), as the store keeps it.
    const body = JSON.stringify({ ...contact, id: wellFormed(contact.id) });
    const path = contactPath(contact.id);
    if (path === null) {
      // Refused here, for good, like a CRM's 400 (its records are dead-lettered): retrying cannot make a path of it.
      return { id: contact.id, outcome: 'rejected', status: 400, request: clip(`PUT /contacts/:id ${body}`), response: UNPATHABLE };
    }
    const answer = await o.http.send({ method: 'PUT', path, body, idempotencyKey: idempotencyKey(contact) }, deadline);
    const doubt = answer.inDoubt ? { inDoubt: true } : {};
    if (classifyStatus(answer.status) === 'ok') return { id: contact.id, outcome: 'applied', ...doubt };
    return { id: contact.id, outcome: 'rejected', status: answer.status, request: clip(`PUT ${path} ${body}`), response: clip(answer.text), ...doubt };
  }

  async function upsertBatch(chunk: readonly ContactState[], deadline: number): Promise<UpsertResult[]> {
    const results = new Map<string, UpsertResult>();
    const doubtful = new Set<string>();
    let pending = [...chunk];
    for (let round = 0; pending.length > 0; round++) {
      const items = pending.map((contact) => ({ idempotencyKey: idempotencyKey(contact), contact }));
      const body = JSON.stringify(items);
      const key = createHash('sha256')
        .update(items.map((i) => i.idempotencyKey).join('\n'))
        .digest('hex');
      const answer = await o.http.send({ method: 'POST', path: '/contacts/batch', body, idempotencyKey: key }, deadline);
      if (answer.inDoubt) for (const c of pending) doubtful.add(c.id);
      if (classifyStatus(answer.status) === 'permanent') {
        // Refused as a whole (too large, one malformed item...): one by one, each gets its own answer.
        for (const r of await mapLimit(pending, o.concurrency, (c) => upsertOne(c, deadline))) results.set(r.id, r);
        break;
      }
      const list = batchResults(answer.text);
      const retry: ContactState[] = [];
      for (const contact of pending) {
        const item = list?.find((r) => r.id === contact.id);
        const status = typeof item?.status === 'number' ? item.status : 200;
        const cls = classifyStatus(status);
        if (cls === 'ok') results.set(contact.id, { id: contact.id, outcome: 'applied' });
        else if (cls === 'retry') retry.push(contact);
        else {
          const request = clip(`POST /contacts/batch item ${JSON.stringify({ idempotencyKey: idempotencyKey(contact), contact })}`);
          results.set(contact.id, { id: contact.id, outcome: 'rejected', status, request, response: clip(JSON.stringify(item?.body ?? null)) });
        }
      }
      pending = retry;
      if (pending.length === 0) break;
      const delay = backoffDelay(round, { baseMs: 200, maxMs: 5_000 }, o.random);
      if (now() + delay > deadline)
        throw new CrmSyncError('WABUS_CRM_UNAVAILABLE', { message: `CRM unavailable: ${pending.length} batch item(s) kept failing with retryable statuses` });
      o.observer?.waited?.('backoff', delay / 1000);
      await sleep(delay);
    }
    return chunk.map((c) => (doubtful.has(c.id) ? { ...results.get(c.id)!, inDoubt: true } : results.get(c.id)!));
  }

  async function removeOne(id: string, deadline: number): Promise<RemoveResult> {
    const path = contactPath(id);
    // Never sent (see upsertOne), so never in the CRM: nothing to delete.
    if (path === null) return { id, outcome: 'removed' };
    const key = createHash('sha256').update(`DELETE\n${id}`).digest('hex');
    // 404/410: already gone — a delete that landed while its answer was lost (a SIGKILL, a cut) is sent again.
    const answer = await o.http.send({ method: 'DELETE', path, body: '', idempotencyKey: key, final: [404, 410] }, deadline);
    if (classifyStatus(answer.status) === 'ok' || answer.status === 404 || answer.status === 410) return { id, outcome: 'removed' };
    return { id, outcome: 'rejected', status: answer.status, response: clip(answer.text) };
  }

  return {
    async remove(ids, opts = {}) {
      const deadline = opts.deadline ?? now() + o.retryBudgetMs;
      return mapLimit(ids, o.concurrency, (id) => removeOne(id, deadline));
    },
    async upsert(contacts, opts = {}) {
      const deadline = opts.deadline ?? now() + o.retryBudgetMs;
      if (!o.batch) return mapLimit(contacts, o.concurrency, (c) => upsertOne(c, deadline));
      const chunks: ContactState[][] = [];
      for (let i = 0; i < contacts.length; i += o.batchSize) chunks.push(contacts.slice(i, i + o.batchSize));
      return (await mapLimit(chunks, o.concurrency, (chunk) => upsertBatch(chunk, deadline))).flat();
    },
  };
}
