/** The business number of `mediaBody`'s messages. */
export const MEDIA_PHONE = '106540352242922';

let seq = 0;

/**
 * A webhook body with one inbound media message (or echo), as Meta sends it: `{ id, mime_type, sha256, filename? }`
 * under the message's type (WHATSAPP.md). For media-store's tests and bench.
 */
export function mediaBody(o: {
  mediaId: string;
  sha256: string;
  mimeType?: string;
  type?: string;
  wamid?: string;
  echo?: boolean;
  timestamp?: number;
  phoneNumberId?: string;
}): Buffer {
  const type = o.type ?? 'document';
  const message = {
    ...(o.echo ? { from: '15550783881', to: '5511999990000' } : { from: '5511999990000' }),
    id: o.wamid ?? `wamid.MEDIA${++seq}.${Math.random().toString(36).slice(2)}`,
    timestamp: String(o.timestamp ?? Math.floor(Date.now() / 1000)),
    type,
    [type]: { id: o.mediaId, mime_type: o.mimeType ?? 'application/pdf', sha256: o.sha256, ...(type === 'document' ? { filename: 'file.pdf' } : {}) },
  };
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: o.phoneNumberId ?? MEDIA_PHONE },
    ...(o.echo ? { message_echoes: [message] } : { contacts: [{ profile: { name: 'Maria' }, wa_id: '5511999990000' }], messages: [message] }),
  };
  const field = o.echo ? 'smb_message_echoes' : 'messages';
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field, value }] }] }));
}
