import type { Rng } from './rng.ts';
import type { Customer, World } from './world.ts';

/** A message we have seen or sent, so replies, reactions, edits and statuses can point at real ids. */
export interface MessageRef {
  wamid: string;
  phoneNumberId: string;
  customer: Customer;
}

export interface GenContext {
  rng: Rng;
  world: World;
  /** Wall clock in epoch milliseconds (injected: tests pin it). */
  now: () => number;
  /** Share of message / status timestamps written as JSON numbers instead of strings. */
  numericTimestampShare: number;
  inbound: MessageRef[];
  outbound: MessageRef[];
}

const RECENT_LIMIT = 256;

export function createGenContext(input: { rng: Rng; world: World; now: () => number; numericTimestampShare?: number }): GenContext {
  return { ...input, numericTimestampShare: input.numericTimestampShare ?? 0.05, inbound: [], outbound: [] };
}

export function remember(list: MessageRef[], ref: MessageRef): void {
  list.push(ref);
  if (list.length > RECENT_LIMIT) list.shift();
}

/** A recent id for this business number (and customer, when given), or null. */
export function recall(ctx: GenContext, list: readonly MessageRef[], phoneNumberId: string, customer?: Customer): MessageRef | null {
  const matches = list.filter((r) => r.phoneNumberId === phoneNumberId && (customer === undefined || r.customer === customer));
  return matches.length === 0 ? null : ctx.rng.pick(matches);
}

/** Unix seconds, a few seconds in the past; usually a string as Meta sends it, sometimes a number. */
export function timestamp(ctx: GenContext, maxLagSeconds = 5): string | number {
  const seconds = Math.floor(ctx.now() / 1000) - ctx.rng.int(0, maxLagSeconds);
  return ctx.rng.chance(ctx.numericTimestampShare) ? seconds : String(seconds);
}

export const unixSeconds = (ctx: GenContext): number => Math.floor(ctx.now() / 1000);
