import { createGenContext, createRng, createWorld, generateItem, type GeneratedItem, type JsonObject } from '@wabus/simulator';
import { deliverItems } from '@wabus/testing';

/** One Kafka record as ingress would produce it. */
export interface EventRecord {
  key: string;
  value: Buffer;
}

/** What the workload promises, so tests can check the API against it without trusting the tracker. */
export interface WorkloadItem {
  item: GeneratedItem;
  status: string;
}

const PATHS: readonly (readonly string[])[] = [
  ['sent', 'delivered', 'read'],
  ['sent', 'delivered', 'read'],
  ['sent', 'delivered', 'read'],
  ['sent', 'delivered'],
  ['sent', 'failed'],
  ['sent', 'delivered', 'read', 'played'],
  ['read'], // a message the tracker never saw sent, and a skipped step
  ['sent'],
  ['sent', 'deleted', 'delivered'], // a status value Meta may add one day
  ['deleted'],
];

/**
 * Realistic status items for `messages` outbound messages (simulator payloads: recipients, pricing, conversation,
 * failures with their codes, biz_opaque_callback_data), a few group sends, plus inbound messages the tracker
 * ignores. Each message follows one of PATHS; sent and delivered often share a second.
 */
export function statusWorkload(opts: { seed: string; messages: number; nowMs?: number }): WorkloadItem[] {
  const rng = createRng(opts.seed);
  const world = createWorld(rng.fork('world'), { customers: Math.max(20, Math.ceil(opts.messages / 3)) });
  const nowMs = opts.nowMs ?? Date.UTC(2025, 5, 1, 12);
  const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => nowMs });
  const out: WorkloadItem[] = [];
  for (let m = 0; m < opts.messages; m++) {
    const who = { business: rng.pick(world.businesses), customer: rng.pick(world.customers) };
    const sent = generateItem(ctx, 'status_sent', who);
    const group = rng.chance(0.05) ? { recipient_type: 'group', recipient_id: `1203630${rng.digits(11)}` } : null;
    let at = Math.floor(nowMs / 1000) - rng.int(0, 7 * 86_400);
    for (const status of rng.pick(PATHS)) {
      const participants = group === null ? [null] : ['5511' + rng.digits(9), '4477' + rng.digits(8)];
      for (const participant of participants) {
        const payload: JsonObject = { ...sent.payload, ...group, status, timestamp: String(at) };
        if (participant !== null) payload['recipient_participant_id'] = participant;
        if (status !== 'sent') {
          const variant = generateItem(ctx, status === 'failed' ? 'status_failed' : 'status_delivered', who).payload;
          Object.assign(payload, { pricing: variant['pricing'], conversation: variant['conversation'], errors: variant['errors'] });
        }
        out.push({ item: { ...sent, payload, itemType: status }, status });
        if (rng.chance(0.05)) out.push({ item: generateItem(ctx, 'text', who), status: 'message' });
      }
      at += rng.chance(0.3) ? 0 : rng.int(1, 600);
    }
  }
  return out;
}

/**
 * The records ingress would write for these items delivered in a random order, batched `1..maxPerBody` items per
 * webhook body, with a share of bodies delivered again later (Meta retries: same items, new receivedAt).
 */
export const deliver = (items: readonly WorkloadItem[], opts: { seed: string; maxPerBody?: number; retryShare?: number }): EventRecord[] =>
  deliverItems(
    items.map((w) => w.item),
    opts,
  );
