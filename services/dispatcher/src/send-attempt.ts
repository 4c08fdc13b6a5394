import type { AttemptResult } from './decide-attempt.ts';
import { retryAfterOf } from './decide-attempt.ts';
import type { Delivery } from './delivery-queue.ts';
import type { SendMail } from './mail-transport.ts';
import { signedHeaders } from './sign-delivery.ts';
import type { Subscription } from './subscription.ts';

/** One attempt of one delivery to its target. */
export type Transport = (sub: Subscription, d: Pick<Delivery, '_id' | 'body'>) => Promise<AttemptResult>;

/** Errors raised before a request left: trying again cannot make a second copy. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function createTransport(o: { timeoutMs: number; sendMail: SendMail | null; now: () => number }): Transport {
  async function post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    try {
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      const retryAfterMs = retryAfterOf(res.headers.get('retry-after'), o.now());
      return { type: 'answered', status: res.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      if (e.name === 'TimeoutError') return { type: 'in_doubt', code: 'timeout' };
      const code = e.cause?.code ?? 'error';
      return NOT_SENT.has(code) ? { type: 'not_sent', code } : { type: 'in_doubt', code };
    }
  }
  return async (sub, d) => {
    const t = sub.target;
    switch (t.type) {
      case 'webhook':
        return post(t.url, signedHeaders({ secret: t.secret, deliveryId: d._id, body: d.body, now: o.now() }), d.body);
      case 'slack':
        return post(t.url, { 'content-type': 'application/json' }, d.body);
      case 'email': {
        if (o.sendMail === null) return { type: 'answered', status: 400 };
        const m = JSON.parse(d.body) as { subject: string; text: string };
        return o.sendMail({ from: t.from, to: t.to, subject: m.subject, text: m.text, deliveryId: d._id });
      }
      default: {
        const never: never = t;
        return never;
      }
    }
  };
}
