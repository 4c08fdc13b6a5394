import { signBody } from '@wabus/simulator';

/** The statuses Meta reports about a sent message, in the order the stand-in reports them. */
export type StandInStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** Where the stand-in reports statuses, as Meta calls a business's webhook: signed with the app secret. */
export interface StatusCallbackOptions {
  /** The webhook URL (ingress' `/webhook`). */
  url: string;
  /** The Meta app secret ingress verifies `X-Hub-Signature-256` with. */
  appSecret: string;
  /** `entry[].id` of the webhooks (default a fixed test WABA id). */
  wabaId?: string;
  /** Pause before each status (default 20 ms): Meta's statuses come after the send's answer, one by one. */
  delayMs?: number;
  /** The `error.code` of a `failed` status (default 131026, undeliverable). */
  failCode?: number;
}

/** One status webhook the stand-in posted, with ingress' answer (null when it could not be reached). */
export interface StatusCallback {
  wamid: string;
  status: StandInStatus;
  httpStatus: number | null;
  /** The webhook's span context, when the send carried one (`traceparent`), for span links. */
  traceparent: string | null;
}

export interface StatusCallbacks {
  /** Every callback posted so far, in order. */
  sent: StatusCallback[];
  /** Reports `statuses` of one accepted send, one after the other (not awaited by the send's answer). */
  report(s: { wamid: string; phoneNumberId: string; recipient: string; statuses: readonly StandInStatus[]; traceparent: string | null }): void;
  /** Resolves once every report started so far is posted. */
  idle(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Meta's statuses webhook for one status (WHATSAPP.md, "Statuses"). */
function statusBody(o: StatusCallbackOptions, s: { wamid: string; phoneNumberId: string; recipient: string }, status: StandInStatus): string {
  const item = {
    id: s.wamid,
    status,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: s.recipient,
    ...(status === 'failed' ? { errors: [{ code: o.failCode ?? 131026, title: 'Message undeliverable', message: 'Message undeliverable' }] } : {}),
  };
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: s.phoneNumberId }, statuses: [item] };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: o.wabaId ?? '102290129340398', changes: [{ field: 'messages', value }] }] });
}

/** Posts status webhooks like Meta: one per status, signed, after the send was answered. */
export function createStatusCallbacks(o: StatusCallbackOptions): StatusCallbacks {
  const sent: StatusCallback[] = [];
  const running = new Set<Promise<void>>();
  async function post(s: Parameters<StatusCallbacks['report']>[0]): Promise<void> {
    for (const status of s.statuses) {
      await sleep(o.delayMs ?? 20);
      const body = Buffer.from(statusBody(o, s, status));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, o.appSecret) };
      if (s.traceparent !== null) headers['traceparent'] = s.traceparent;
      const httpStatus = await fetch(o.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        () => null,
      );
      sent.push({ wamid: s.wamid, status, httpStatus, traceparent: s.traceparent });
    }
  }
  return {
    sent,
    report(s) {
      const p = post(s).finally(() => running.delete(p));
      running.add(p);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
