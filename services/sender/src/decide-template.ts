import type { SendCommand } from './send-command.ts';

/** The one template status a send may go out with (Meta's reference: "approved and can now be sent"). */
export const SENDABLE_TEMPLATE_STATUS = 'APPROVED';

/**
 * What account-state knows of a template: its current status, null when it has seen no status event of it (a
 * template approved before wabus listened, or no event yet), or not checked (no account-state configured).
 */
export type TemplateKnowledge = { status: string | null } | 'unchecked';

export type TemplateDecision = { send: true } | { send: false; status: string };

/**
 * Pure: may this template go to Meta now? Only when its known status is APPROVED. A template account-state knows no
 * status of goes out and Meta decides (132001 does not exist, 132015 paused...): Meta sends status events only on
 * changes, so templates approved before wabus listened would otherwise never be sendable. Other commands always go.
 */
export function decideTemplate(c: SendCommand, known: TemplateKnowledge): TemplateDecision {
  if (c.kind !== 'message' || c.message.type !== 'template' || known === 'unchecked' || known.status === null) return { send: true };
  return known.status === SENDABLE_TEMPLATE_STATUS ? { send: true } : { send: false, status: known.status };
}
