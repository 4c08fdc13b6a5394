import { buildBody, createGenContext, createRng, createWorld, generateItem, type KindName } from '@wabus/simulator';
import { encodeEvent, explodeWebhook } from '@wabus/events';
import { ingressRecords } from '@wabus/testing';

/** One Kafka record as ingress would produce it (headers only on re-produced ones). */
export interface EventRecord {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

/** What the workload promises about one inbound item, so tests can judge the service without trusting it. */
export interface WorkloadMessage {
  wamid: string;
  /** The conversation: `<phoneNumberId>:<customerId>` (the record key is the business number alone). */
  conversation: string;
  phoneNumberId: string;
  customerId: string;
  kind: KindName;
  /** Should be answered exactly once (answerable kind, fresh). */
  eligible: boolean;
}

const ANSWERABLE: readonly KindName[] = ['text', 'text', 'text', 'text', 'image', 'button_reply', 'list_reply', 'button', 'location', 'order'];
const NOT_ANSWERABLE: readonly KindName[] = ['reaction', 'revoke', 'unknown_type', 'unsupported'];

/**
 * Realistic inbound traffic from the simulator (escaped unicode, BSUID-only users, reply contexts) for a few business
 * numbers and `customers` customers, plus statuses and echoes the service must ignore. A share of messages is older
 * than `staleSeconds` (written during an outage) and must not be answered. Timestamps are around `nowMs`.
 */
export function inboundWorkload(o: { seed: string; customers: number; messages: number; nowMs: number; staleShare?: number; staleSeconds?: number }): {
  records: EventRecord[];
  messages: WorkloadMessage[];
} {
  const rng = createRng(o.seed);
  const world = createWorld(rng.fork('world'), { wabas: 1, numbersPerWaba: 2, customers: o.customers });
  const fresh = createGenContext({ rng: rng.fork('fresh'), world, now: () => o.nowMs });
  const old = createGenContext({ rng: rng.fork('old'), world, now: () => o.nowMs - (o.staleSeconds ?? 3600) * 1000 });
  const records: EventRecord[] = [];
  const messages: WorkloadMessage[] = [];
  let receivedAt = o.nowMs - 60_000;
  for (let i = 0; i < o.messages; i++) {
    const who = { business: rng.pick(world.businesses), customer: rng.pick(world.customers) };
    const roll = rng.next();
    const kind: KindName =
      roll < 0.12 ? rng.pick(NOT_ANSWERABLE) : roll < 0.2 ? rng.pick(['status_delivered', 'status_read', 'echo'] as const) : rng.pick(ANSWERABLE);
    const stale = rng.chance(o.staleShare ?? 0);
    const item = generateItem(stale ? old : fresh, kind, who);
    const body = buildBody({ items: [item], rng }).body;
    const exploded = explodeWebhook(body, { receivedAt: (receivedAt += rng.int(1, 50)) });
    if (!exploded.ok) throw new Error(`workload body rejected: ${exploded.reason}`);
    for (const e of exploded.events) {
      records.push({ key: e.key, value: encodeEvent(e) });
      if (e.kind !== 'message') continue;
      messages.push({
        wamid: e.itemId!,
        conversation: `${e.phoneNumberId}:${e.customerId}`,
        phoneNumberId: e.phoneNumberId!,
        customerId: e.customerId!,
        kind,
        eligible: ANSWERABLE.includes(kind) && !stale,
      });
    }
  }
  return { records, messages };
}

/** Records of one hand-made body (inbound.test-support.ts), as ingress would produce them. */
export const recordsOf = (body: Buffer, receivedAt = Date.now(), headers?: Record<string, string>): EventRecord[] => ingressRecords(body, receivedAt, headers);
