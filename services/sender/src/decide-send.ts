import { needsWindow, type SendCommand } from './send-command.ts';

/** The customer service window: free-form messages for 24 h after the customer's last message (WHATSAPP.md, 131047). */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What is known of the window: the customer's last inbound message, none ever, or not checked (no source configured). */
export type WindowKnowledge = { lastInboundAt: number } | { lastInboundAt: null } | 'unchecked';

export type SendDecision = { send: true } | { send: false; reason: 'outside_window' };

/**
 * Pure: may this command go to Meta now? Templates and read marks always; free-form messages only inside the
 * window. Unchecked (no window source configured) lets Meta decide (it answers 131047, recorded as failed).
 */
export function decideSend(c: SendCommand, window: WindowKnowledge, now: number): SendDecision {
  if (!needsWindow(c) || window === 'unchecked') return { send: true };
  if (window.lastInboundAt !== null && now - window.lastInboundAt < SERVICE_WINDOW_MS) return { send: true };
  return { send: false, reason: 'outside_window' };
}
