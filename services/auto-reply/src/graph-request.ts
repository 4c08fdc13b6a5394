import { messagesPath, type GraphRequest } from '@wabus/graph-send';
import type { Command } from './decide.ts';
import type { ReplyMessage } from './rule-types.ts';

const text = (t: string) => ({ type: 'text', text: t });

function interactive(m: Exclude<ReplyMessage, { type: 'text' }>): Record<string, unknown> {
  const frame = {
    ...(m.header === undefined ? {} : { header: text(m.header) }),
    body: { text: m.body },
    ...(m.footer === undefined ? {} : { footer: { text: m.footer } }),
  };
  if (m.type === 'buttons')
    return { type: 'button', ...frame, action: { buttons: m.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) } };
  return { type: 'list', ...frame, action: { button: m.button, sections: m.sections.map((s) => ({ ...s, rows: s.rows.map((r) => ({ ...r })) })) } };
}

/** The message object of WHATSAPP.md "Sending": quoting the inbound message through `context.message_id`. */
function messageBody(c: Extract<Command, { type: 'SendAutoReply' }>): Record<string, unknown> {
  // `to` (a phone number) or `recipient` (a BSUID), never both (inbound-message.ts, Address).
  const head = { messaging_product: 'whatsapp', recipient_type: 'individual', ...c.address, context: { message_id: c.replyTo } };
  const m = c.message;
  if (m.type === 'text') return { ...head, type: 'text', text: { preview_url: m.previewUrl, body: m.text } };
  return { ...head, type: 'interactive', interactive: interactive(m) };
}

/** Pure: the Graph API request for a command. */
export function graphRequest(apiVersion: string, c: Command): GraphRequest {
  const path = messagesPath(apiVersion, c.phoneNumberId);
  switch (c.type) {
    case 'SendAutoReply':
      return { method: 'POST', path, body: messageBody(c) };
    case 'MarkAsRead':
      return { method: 'POST', path, body: { messaging_product: 'whatsapp', status: 'read', message_id: c.messageId } };
    default: {
      const never: never = c;
      throw new Error(`unhandled command ${JSON.stringify(never)}`);
    }
  }
}
