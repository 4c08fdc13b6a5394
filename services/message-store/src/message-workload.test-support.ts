import { createGenContext, createRng, createWorld, generateItem, type GeneratedItem, type KindName } from '@wabus/simulator';

/** Heavy on what folds into other documents: reactions, edits and revokes (often before their target, once shuffled). */
const KINDS: readonly KindName[] = [
  'text',
  'text',
  'text',
  'image',
  'audio',
  'button_reply',
  'location',
  'contacts',
  'reaction',
  'reaction',
  'edit',
  'revoke',
  'echo',
  'echo',
  'system',
  'status_delivered',
];

/**
 * Realistic items for `customers` customers of a few business numbers, in the order they happened: inbound messages
 * of many types, echoes, reactions, edits and revokes that point at earlier messages, a status the store ignores.
 * Meta's clock moves 0–30 s per item. Deliver them with `deliverItems` (shuffled, batched, retried).
 */
export function messageWorkload(o: { seed: string; items: number; customers: number }): GeneratedItem[] {
  const rng = createRng(o.seed);
  const world = createWorld(rng.fork('world'), { customers: o.customers });
  let clock = Date.UTC(2025, 5, 1, 12);
  const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => clock });
  return Array.from({ length: o.items }, () => {
    clock += rng.int(0, 30) * 1000;
    return generateItem(ctx, rng.pick(KINDS));
  });
}
