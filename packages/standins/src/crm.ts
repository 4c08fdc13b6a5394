import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createCrmScript, type CrmBehavior, type CrmOutcome, type CrmRejection, type CrmRequest, type ScriptOptions } from './crm-script.ts';

export * from './crm-script.ts';
export * from './crm-dev.ts';

export interface CrmStandInOptions {
  /** Default 0 (any free port). */
  port?: number;
  host?: string;
  /** When set, every request must carry `X-Wabus-Signature: sha256=<hex HMAC-SHA256(secret, body)>`, else 401. */
  secret?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`, else 401. */
  token?: string;
  /** One line per request (dev). */
  log?: (line: string) => void;
}

/** An upsert the stand-in applied, in the order it applied them. */
export interface CrmApplied {
  id: string;
  idempotencyKey: string | null;
  seq: number;
  at: number;
}

export interface CrmStandIn {
  url: string;
  /** Every request, in arrival order. */
  requests: CrmRequest[];
  /** The CRM's current view: contact id → the last contact body applied (last write wins, by arrival). */
  contacts: Map<string, unknown>;
  applied: CrmApplied[];
  /** Behaves as told for the next matching request(s), before (delay) or instead of answering normally. */
  script(behavior: CrmBehavior, opts?: ScriptOptions): void;
  /** Refuses matching contacts with a permanent 4xx and this body, until cleared. */
  reject(when: CrmRejection['when'], answer: { status: number; body: unknown }): void;
  clearScripts(): void;
  /** Resolves with the requests once `n` requests match (checked on each arrival and each outcome). */
  waitForRequests(n: number, when?: (req: CrmRequest) => boolean): Promise<CrmRequest[]>;
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * A CRM with a generic REST upsert API, as a real HTTP server on loopback: `PUT /contacts/:id` (one contact) and
 * `POST /contacts/batch` (`[{ idempotencyKey, contact }]` → `{ results: [{ id, status, body }] }`), plus
 * `GET /contacts[/:id]` to look. A repeated `Idempotency-Key` (or a batch item's `idempotencyKey`) gets the stored
 * answer and is not applied again. It records every request and can be scripted to be slow, fail or vanish.
 */
export async function startCrmStandIn(opts: CrmStandInOptions = {}): Promise<CrmStandIn> {
  const requests: CrmRequest[] = [];
  const contacts = new Map<string, unknown>();
  const applied: CrmApplied[] = [];
  const stored = new Map<string, Answer>();
  const itemResults = new Map<string, { id: string; status: number; body: unknown }>();
  const rejections: CrmRejection[] = [];
  const script = createCrmScript();
  const waiters: { n: number; when: (r: CrmRequest) => boolean; resolve: (r: CrmRequest[]) => void }[] = [];
  const sockets = new Set<Socket>();

  const notify = () => {
    for (const w of [...waiters]) {
      if (requests.filter(w.when).length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve([...requests]);
      }
    }
  };

  function apply(req: CrmRequest, id: string, contact: unknown, key: string | null): void {
    contacts.set(id, contact);
    applied.push({ id, idempotencyKey: key, seq: req.seq, at: Date.now() });
  }

  const rejectionFor = (id: string, contact: unknown) => rejections.find((r) => r.when(id, contact));

  function upsertOne(req: CrmRequest, id: string, contact: unknown): Answer {
    if (typeof contact !== 'object' || contact === null || (contact as { id?: unknown }).id !== id) {
      return { status: 400, body: { error: 'body must be a contact object whose id matches the path' } };
    }
    const rejection = rejectionFor(id, contact);
    if (rejection) return { status: rejection.status, body: rejection.body };
    apply(req, id, contact, req.headers['idempotency-key'] ?? null);
    return { status: 200, body: { id, status: 'applied' } };
  }

  function upsertBatch(req: CrmRequest, items: unknown): Answer {
    if (!Array.isArray(items)) return { status: 400, body: { error: 'body must be an array of { idempotencyKey, contact }' } };
    const results = items.map((item: { idempotencyKey?: unknown; contact?: { id?: unknown } } | null) => {
      const contact = item?.contact;
      const id = typeof contact?.id === 'string' ? contact.id : null;
      if (id === null) return { id: null, status: 400, body: { error: 'contact.id missing' } };
      const key = typeof item?.idempotencyKey === 'string' ? item.idempotencyKey : null;
      const seen = key === null ? undefined : itemResults.get(key);
      if (seen) return seen;
      const rejection = rejectionFor(id, contact);
      if (rejection) return { id, status: rejection.status, body: rejection.body };
      apply(req, id, contact, key);
      const result = { id, status: 200, body: { id, status: 'applied' } };
      if (key !== null) itemResults.set(key, result);
      return result;
    });
    return { status: 200, body: { results } };
  }

  function read(req: CrmRequest): Answer {
    if (req.path === '/contacts') return { status: 200, body: Object.fromEntries(contacts) };
    const one = /^\/contacts\/([^/]+)$/.exec(req.path);
    const c = one ? contacts.get(decodeURIComponent(one[1]!)) : undefined;
    return c === undefined ? { status: 404, body: { error: 'no such contact' } } : { status: 200, body: c };
  }

  function route(req: CrmRequest): Answer {
    // Reads (GET /contacts[/:id]) are for looking at the stand-in by hand: no credentials needed.
    if (req.method === 'GET') return read(req);
    if (opts.token !== undefined && req.headers['authorization'] !== `Bearer ${opts.token}`)
      return { status: 401, body: { error: 'bad or missing bearer token' } };
    if (opts.secret !== undefined) {
      const expected = `sha256=${createHmac('sha256', opts.secret).update(req.body).digest('hex')}`;
      if (!sameText(req.headers['x-wabus-signature'] ?? '', expected)) return { status: 401, body: { error: 'bad or missing X-Wabus-Signature' } };
    }
    const one = /^\/contacts\/([^/]+)$/.exec(req.path);
    // DELETE /contacts/:id (a contact merged into another): 200 when it was there, 404 when not; no body.
    if (req.method === 'DELETE' && one) {
      const id = decodeURIComponent(one[1]!);
      return contacts.delete(id) ? { status: 200, body: { id, status: 'removed' } } : { status: 404, body: { error: 'no such contact' } };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    const key = req.headers['idempotency-key'];
    const replay = key === undefined ? undefined : stored.get(`${req.method} ${req.path} ${key}`);
    if (replay) return { ...replay, headers: { 'idempotent-replayed': 'true' } };
    let answer: Answer;
    if (req.method === 'POST' && req.path === '/contacts/batch') answer = upsertBatch(req, parsed);
    else if (req.method === 'PUT' && one && one[1] !== 'batch') answer = upsertOne(req, decodeURIComponent(one[1]!), parsed);
    else return { status: 404, body: { error: `no route ${req.method} ${req.path}` } };
    // Only successes are remembered: a refused request may be sent again once the cause is fixed.
    if (key !== undefined && answer.status < 300) stored.set(`${req.method} ${req.path} ${key}`, answer);
    return answer;
  }

  const finish = (rec: CrmRequest, outcome: CrmOutcome) => {
    rec.outcome = outcome;
    const what = outcome.kind === 'answered' ? `${outcome.status}${outcome.replayed ? ' (replayed)' : ''}` : outcome.kind;
    opts.log?.(`${rec.method} ${rec.path} → ${what}`);
    notify();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const name of Object.keys(req.headers)) headers[name] = header(req, name) ?? '';
    const rec: CrmRequest = {
      seq: requests.length,
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt: Date.now(),
    };
    requests.push(rec);
    notify();
    const behavior = script.take(rec);
    if (behavior?.kind === 'drop') {
      finish(rec, { kind: 'dropped', at: Date.now() });
      req.socket.destroy();
      return;
    }
    if (behavior?.kind === 'hang') {
      finish(rec, { kind: 'hung', at: Date.now() });
      return;
    }
    if (behavior?.kind === 'delay') await new Promise((r) => setTimeout(r, behavior.ms));
    let answer: Answer;
    if (behavior?.kind === 'status') {
      const retryAfter: Record<string, string> = behavior.retryAfter === undefined ? {} : { 'retry-after': String(behavior.retryAfter) };
      answer = { status: behavior.status, body: behavior.body ?? { error: `scripted ${behavior.status}` }, headers: retryAfter };
    } else answer = route(rec);
    finish(rec, { kind: 'answered', status: answer.status, body: answer.body, at: Date.now(), replayed: answer.headers?.['idempotent-replayed'] === 'true' });
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end(String(err));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    requests,
    contacts,
    applied,
    script: (behavior, o) => script.add(behavior, o),
    reject: (when, answer) => void rejections.push({ when, ...answer }),
    clearScripts() {
      script.clear();
      rejections.length = 0;
    },
    waitForRequests(n, when = () => true) {
      return new Promise((resolve) => {
        waiters.push({ n, when, resolve });
        notify();
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
