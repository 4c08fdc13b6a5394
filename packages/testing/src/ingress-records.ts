import { encodeEvent, explodeWebhook } from '@wabus/events';
import { buildBody, createRng, type GeneratedItem, type Rng } from '@wabus/simulator';
import type { RecordToProduce } from './consumer-fixtures.ts';

/** The records ingress would write for one webhook body (key = conversation, value = Avro); `headers` on each. */
export function ingressRecords(body: Buffer, receivedAt: number, headers?: Record<string, string>): RecordToProduce[] {
  const exploded = explodeWebhook(body, { receivedAt });
  if (!exploded.ok) throw new Error(`body rejected: ${exploded.reason} ${exploded.detail}`);
  return exploded.events.map((e) => ({ key: e.key, value: encodeEvent(e), ...(headers ? { headers } : {}) }));
}

/** A seeded Fisher–Yates shuffle: the same rng state gives the same order. */
export function shuffle<T>(rng: Rng, list: readonly T[]): T[] {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * The records ingress would write for these items delivered the way Meta delivers: in a random order
 * (conversations interleaved, items reordered), `1..maxPerBody` items per webhook body, with a share of bodies
 * (`retryShare`, default 0.2) delivered again later (Meta retries: same items, new receivedAt). Seeded.
 */
export function deliverItems(items: readonly GeneratedItem[], opts: { seed: string; maxPerBody?: number; retryShare?: number }): RecordToProduce[] {
  const rng = createRng(opts.seed);
  const bodies: Buffer[] = [];
  const queue = shuffle(rng, items);
  while (queue.length > 0) bodies.push(buildBody({ items: queue.splice(0, rng.int(1, opts.maxPerBody ?? 1)), rng }).body);
  const retries = bodies.filter(() => rng.chance(opts.retryShare ?? 0.2));
  const records: RecordToProduce[] = [];
  let receivedAt = Date.UTC(2025, 5, 1, 12);
  for (const body of shuffle(rng, [...bodies, ...retries])) records.push(...ingressRecords(body, (receivedAt += rng.int(1, 900))));
  return records;
}
