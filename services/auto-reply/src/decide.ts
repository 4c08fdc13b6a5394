import type { WhatsAppEvent } from '@wabus/events';
import { REPLAY_HEADER } from '@wabus/kafka';
import type { ConversationState } from './conversation-state.ts';
import { readInbound, type Address, type Inbound } from './inbound-message.ts';
import { matchesRule } from './match-rule.ts';
import type { ReplyMessage, RuleBook, TriggerType } from './rule-types.ts';

// Records a replay tool re-produces carry REPLAY_HEADER (packages/kafka): answering them again would answer twice.

/** Meta's customer service window: free-form messages only within 24 h of the customer's last message. */
export const SERVICE_WINDOW_SECONDS = 24 * 60 * 60;

/** `unknown_tenant`: the event's tenant is not in the tenants file (no rules, no token to answer with). */
export type SkipReason = 'not_inbound' | 'unanswerable' | 'bad_ids' | 'replay' | 'stale' | 'outside_window' | 'no_rule' | 'unknown_tenant';

export type Command =
  | { type: 'MarkAsRead'; phoneNumberId: string; messageId: string }
  | { type: 'SendAutoReply'; phoneNumberId: string; address: Address; replyTo: string; message: ReplyMessage };

export type Decision = { commands: Command[]; ruleId: string; trigger: TriggerType; inbound: Inbound } | { skip: SkipReason; inbound: Inbound | null };

/** One tenant's policy: its rules and the service-wide limits. */
export interface DecidePolicy {
  tenantId: string;
  rules: RuleBook;
  /** Messages older than this (by Meta's timestamp) are not answered. */
  maxAgeSeconds: number;
  allowReplay: boolean;
}

/**
 * Pure: what to do about one record, given the conversation as seen before it. No clock, no I/O: `now` (epoch ms)
 * is passed in. The checks run in this order: inbound at all, replay, answerable, age, service window, rules (the
 * first matching rule wins).
 */
export function decide(
  record: { event: WhatsAppEvent; headers: Readonly<Record<string, string>> },
  state: ConversationState | null,
  policy: DecidePolicy,
  now: number,
): Decision {
  const read = readInbound(record.event, policy.tenantId);
  if (!read.ok) return { skip: read.reason, inbound: null };
  const m = read.inbound;
  if (record.headers[REPLAY_HEADER] !== undefined && !policy.allowReplay) return { skip: 'replay', inbound: m };
  if (now - m.timestamp * 1000 > policy.maxAgeSeconds * 1000) return { skip: 'stale', inbound: m };
  const lastInbound = Math.max(state?.lastInboundAt ?? m.timestamp, m.timestamp);
  if (now - lastInbound * 1000 > SERVICE_WINDOW_SECONDS * 1000) return { skip: 'outside_window', inbound: m };
  const rule = policy.rules.rules.find((r) => matchesRule(r, m, state, policy.rules));
  if (rule === undefined) return { skip: 'no_rule', inbound: m };
  const commands: Command[] = [];
  if (rule.markAsRead) commands.push({ type: 'MarkAsRead', phoneNumberId: m.phoneNumberId, messageId: m.wamid });
  commands.push({ type: 'SendAutoReply', phoneNumberId: m.phoneNumberId, address: m.address, replyTo: m.wamid, message: rule.reply });
  return { commands, ruleId: rule.id, trigger: rule.trigger.type, inbound: m };
}
