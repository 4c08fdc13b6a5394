import { messagesPath, type GraphRequest } from '@wabus/graph-send';
import type { SendCommand, SendMessage } from './send-command.ts';

/** Meta's field for one message type (WHATSAPP.md, "Sending"; Meta's messages reference). */
function content(m: SendMessage): Record<string, unknown> {
  switch (m.type) {
    case 'text':
      return { text: { preview_url: m.previewUrl, body: m.body } };
    case 'template':
      return { template: { name: m.name, language: { code: m.language }, ...(m.components.length > 0 ? { components: m.components } : {}) } };
    case 'interactive':
      return { interactive: m.interactive };
    case 'reaction':
      return { reaction: { message_id: m.messageId, emoji: m.emoji } };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return {
        [m.type]: { ...m.media, ...(m.caption === undefined ? {} : { caption: m.caption }), ...(m.filename === undefined ? {} : { filename: m.filename }) },
      };
    default: {
      const never: never = m;
      throw new Error(`unhandled message ${JSON.stringify(never)}`);
    }
  }
}

/** Pure: the Graph API request for a command. */
export function graphRequestOf(apiVersion: string, c: SendCommand): GraphRequest {
  const path = messagesPath(apiVersion, c.phoneNumberId);
  if (c.kind === 'read') return { method: 'POST', path, body: { messaging_product: 'whatsapp', status: 'read', message_id: c.messageId } };
  return {
    method: 'POST',
    path,
    body: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...c.address,
      ...(c.replyTo === null ? {} : { context: { message_id: c.replyTo } }),
      type: c.message.type,
      ...content(c.message),
    },
  };
}
