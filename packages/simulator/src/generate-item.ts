import { buildAccountItem } from './account-item.ts';
import { buildEchoItem, buildValueErrorItem } from './echo-item.ts';
import type { GenContext } from './gen-context.ts';
import type { GeneratedItem } from './generated-item.ts';
import { ACCOUNT_KINDS, MESSAGE_KINDS, STATUS_KINDS, type AccountKind, type KindName, type MessageKind, type StatusKind } from './kinds.ts';
import { buildMessageItem } from './message-item.ts';
import { buildStatusItem } from './status-item.ts';
import type { BusinessNumber, Customer } from './world.ts';

const isMessageKind = (k: KindName): k is MessageKind => (MESSAGE_KINDS as readonly string[]).includes(k);
const isStatusKind = (k: KindName): k is StatusKind => (STATUS_KINDS as readonly string[]).includes(k);
const isAccountKind = (k: KindName): k is AccountKind => (ACCOUNT_KINDS as readonly string[]).includes(k);

/** One item of the given kind, for the given (or a random) business number and customer. */
export function generateItem(ctx: GenContext, kind: KindName, who: { business?: BusinessNumber; customer?: Customer } = {}): GeneratedItem {
  const business = who.business ?? ctx.rng.pick(ctx.world.businesses);
  const customer = who.customer ?? ctx.rng.pick(ctx.world.customers);
  if (isMessageKind(kind)) return buildMessageItem(ctx, kind, business, customer);
  if (isStatusKind(kind)) return buildStatusItem(ctx, kind, business, customer);
  if (isAccountKind(kind)) return buildAccountItem(ctx, kind, business, customer);
  if (kind === 'echo') return buildEchoItem(ctx, business, customer);
  if (kind === 'value_error') return buildValueErrorItem(ctx, business);
  const never: never = kind;
  throw new Error(`unhandled kind ${String(never)}`);
}
