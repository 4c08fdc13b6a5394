import { recall, type GenContext } from './gen-context.ts';
import type { JsonObject } from './generated-item.ts';
import { lowerHex, makeWamid, mediaId, mediaSha256 } from './ids.ts';
import type { MessageKind } from './kinds.ts';
import type { MetaJson } from './meta-json.ts';
import { BUTTON_TITLES, CAPTIONS, FILENAMES, REACTION_EMOJI, pickText } from './texts.ts';
import { randomPhone, type BusinessNumber, type Customer } from './world.ts';

/** The type-specific part of an inbound message: its `type` and the keys that go with it. */
export interface MessageContent {
  type: string;
  fields: JsonObject;
  /** A reply context, when the kind implies one (buttons answer a message we sent). */
  replyTo: 'outbound' | 'none' | 'maybe';
  /** Whether the change gets a `contacts[]` element for this sender (system messages have none). */
  withContact: boolean;
}

const FUTURE_TYPES = ['poll_vote', 'event_rsvp', 'payment_request', 'scheduled_call'] as const;
const UNSUPPORTED_SUBTYPES = ['poll', 'event', 'view_once', 'channel_invite'] as const;

const maybe = <T extends MetaJson>(ctx: GenContext, p: number, value: () => T): T | undefined => (ctx.rng.chance(p) ? value() : undefined);

function media(ctx: GenContext, mime: string, extra: JsonObject = {}): JsonObject {
  const id = mediaId(ctx.rng);
  return {
    ...extra,
    mime_type: mime,
    sha256: mediaSha256(ctx.rng),
    id,
    // Some deliveries include a short-lived download URL (slashes and `&` to escape).
    url: maybe(
      ctx,
      0.3,
      () => `https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${id}&ext=${ctx.rng.int(1e9, 2e9)}&hash=${lowerHex(ctx.rng, 24)}`,
    ),
  };
}

function contactCard(ctx: GenContext): JsonObject {
  const first = ctx.rng.pick(['Ana', 'João', 'Zoë', 'Ravi', 'Amélie', 'Omar', 'Mei']);
  const last = maybe(ctx, 0.7, () => ctx.rng.pick(['Souza', 'Müller', 'Patel', 'Núñez', 'Kim']));
  const { phone } = randomPhone(ctx.rng);
  return {
    name: { first_name: first, last_name: last, formatted_name: last === undefined ? first : `${first} ${last}` },
    phones: [{ phone: `+${phone}`, wa_id: maybe(ctx, 0.6, () => phone), type: ctx.rng.pick(['CELL', 'HOME', 'WORK', 'MAIN']) }],
    emails: maybe(ctx, 0.4, () => [{ email: `${first.toLowerCase()}@example.org`, type: 'WORK' }]),
    org: maybe(ctx, 0.2, () => ({ company: 'Padaria Pão & Cia' })),
  };
}

function referenceId(ctx: GenContext, business: BusinessNumber, customer: Customer, list: 'inbound' | 'outbound'): string {
  const ref = recall(ctx, list === 'inbound' ? ctx.inbound : ctx.outbound, business.phoneNumberId, list === 'inbound' ? customer : undefined);
  return ref?.wamid ?? makeWamid(ctx.rng, customer.phone, list);
}

export function messageContent(ctx: GenContext, kind: MessageKind, business: BusinessNumber, customer: Customer): MessageContent {
  const { rng } = ctx;
  const plain = (type: string, fields: JsonObject, replyTo: MessageContent['replyTo'] = 'maybe'): MessageContent => ({
    type,
    fields,
    replyTo,
    withContact: true,
  });
  switch (kind) {
    case 'text':
      return plain('text', { text: { body: pickText(ctx.rng) } });
    case 'image':
      return plain('image', { image: media(ctx, 'image/jpeg', { caption: maybe(ctx, 0.4, () => rng.pick(CAPTIONS)) }) });
    case 'video':
      return plain('video', { video: media(ctx, 'video/mp4', { caption: maybe(ctx, 0.4, () => rng.pick(CAPTIONS)) }) });
    case 'audio': {
      const voice = rng.chance(0.7);
      return plain('audio', { audio: { ...media(ctx, voice ? 'audio/ogg; codecs=opus' : 'audio/mpeg'), voice } });
    }
    case 'document': {
      const filename = rng.pick(FILENAMES);
      const mime = filename.endsWith('.docx') ? 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' : 'application/pdf';
      return plain('document', { document: media(ctx, mime, { caption: maybe(ctx, 0.5, () => rng.pick(CAPTIONS)), filename }) });
    }
    case 'sticker':
      return plain('sticker', { sticker: { ...media(ctx, 'image/webp'), animated: rng.chance(0.4) } });
    case 'location': {
      const named = rng.chance(0.4);
      return plain('location', {
        location: {
          latitude: Math.round((rng.next() * 140 - 70) * 1e6) / 1e6,
          longitude: Math.round((rng.next() * 360 - 180) * 1e6) / 1e6,
          name: named ? rng.pick(['Padaria São João', 'Café Zoë', 'Main St. Store']) : undefined,
          address: named ? rng.pick(['Av. Paulista, 1000 - São Paulo/SP', '221B Baker St, London']) : undefined,
        },
      });
    }
    case 'contacts':
      return plain('contacts', { contacts: Array.from({ length: rng.int(1, 3) }, () => contactCard(ctx)) });
    case 'button_reply':
      return plain(
        'interactive',
        { interactive: { type: 'button_reply', button_reply: { id: `btn_${rng.int(1, 3)}`, title: rng.pick(BUTTON_TITLES) } } },
        'outbound',
      );
    case 'list_reply':
      return plain(
        'interactive',
        {
          interactive: {
            type: 'list_reply',
            list_reply: { id: `row_${rng.int(1, 10)}`, title: rng.pick(BUTTON_TITLES), description: maybe(ctx, 0.5, () => 'Entrega em até 2 dias úteis') },
          },
        },
        'outbound',
      );
    case 'nfm_reply': {
      // response_json is a JSON document inside a string: its quotes get escaped once more on the wire.
      const response = { flow_token: `flows-${lowerHex(rng, 16)}`, rating: String(rng.int(1, 5)), comment: pickText(ctx.rng) };
      return plain(
        'interactive',
        { interactive: { type: 'nfm_reply', nfm_reply: { response_json: JSON.stringify(response), body: 'Sent', name: 'flow' } } },
        'outbound',
      );
    }
    case 'button':
      return plain('button', { button: { payload: rng.pick(['CONFIRM', 'CANCEL', 'Stop promotions']), text: rng.pick(BUTTON_TITLES) } }, 'outbound');
    case 'reaction': {
      const messageId = referenceId(ctx, business, customer, rng.chance(0.7) ? 'outbound' : 'inbound');
      const removal = rng.chance(0.2);
      // A removed reaction comes with an empty emoji, or without the key at all.
      const emoji = removal ? (rng.chance(0.5) ? '' : undefined) : rng.pick(REACTION_EMOJI);
      return plain('reaction', { reaction: { message_id: messageId, emoji } }, 'none');
    }
    case 'order':
      return plain('order', {
        order: {
          catalog_id: rng.digits(15),
          text: maybe(ctx, 0.5, () => 'Sem cebola, por favor'),
          product_items: Array.from({ length: rng.int(1, 4) }, () => ({
            product_retailer_id: rng.pick(['SKU-1001', 'PÃO-FRANCÊS', 'café/250g', 'TSHIRT_M']),
            quantity: rng.int(1, 5),
            item_price: rng.int(100, 9999) / 100,
            currency: rng.pick(['BRL', 'USD', 'INR', 'EUR']),
          })),
        },
      });
    case 'system':
      if (customer.waId === null) {
        return {
          type: 'system',
          fields: { system: { body: 'User identity changed', type: 'customer_identity_changed' } },
          replyTo: 'none',
          withContact: false,
        };
      }
      {
        const changedTo = randomPhone(rng).phone;
        return {
          type: 'system',
          fields: { system: { body: `User ${customer.name} changed from ${customer.waId} to ${changedTo}`, wa_id: changedTo, type: 'user_changed_number' } },
          replyTo: 'none',
          withContact: false,
        };
      }
    case 'revoke':
      return plain('revoke', { revoke: { original_message_id: referenceId(ctx, business, customer, 'inbound') } }, 'none');
    case 'edit':
      return plain(
        'edit',
        { edit: { original_message_id: referenceId(ctx, business, customer, 'inbound'), message: { type: 'text', text: { body: pickText(ctx.rng) } } } },
        'none',
      );
    case 'unsupported':
      return plain(
        'unsupported',
        {
          errors: [
            {
              code: 131051,
              title: 'Message type unknown',
              message: 'Message type unknown',
              error_data: { details: 'Message type is currently not supported.' },
            },
          ],
          unsupported: maybe(ctx, 0.5, () => ({ type: rng.pick(UNSUPPORTED_SUBTYPES) })),
        },
        'none',
      );
    case 'unknown_type': {
      const type = rng.pick(FUTURE_TYPES);
      return plain(type, { [type]: { id: lowerHex(rng, 12), note: 'a type this ingester has never seen' } }, 'none');
    }
    default: {
      const never: never = kind;
      throw new Error(`unhandled message kind ${String(never)}`);
    }
  }
}
