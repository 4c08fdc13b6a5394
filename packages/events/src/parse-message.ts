import { asUnixSeconds, booleanAt, idAt, objectAt, stringAt } from './json-read.ts';
import { getMember } from './json-node.ts';
import type { JsonObject } from './json-node.ts';
import { parseErrors } from './parse-error.ts';
import { parseMessageContent } from './parse-message-content.ts';
import type { Identity, MessageContext, ParsedMessage, Referral } from './parsed-item.ts';

/**
 * An inbound message (`messages[]`) or an echo of one the business sent from the WhatsApp
 * Business app (`message_echoes[]`). `msg` null (not an object) reads as an unknown message.
 */
export function parseMessage(msg: JsonObject | null, raw: Buffer, echo: boolean): ParsedMessage {
  const from = idAt(msg, 'from');
  const fromUserId = idAt(msg, 'from_user_id');
  const to = idAt(msg, 'to');
  const toUserId = idAt(msg, 'to_user_id');
  return {
    id: idAt(msg, 'id'),
    from,
    fromUserId,
    to,
    toUserId,
    customerId: echo ? (to ?? toUserId) : (from ?? fromUserId),
    timestamp: asUnixSeconds(getMember(msg, 'timestamp')),
    context: parseContext(objectAt(msg, 'context')),
    referral: parseReferral(objectAt(msg, 'referral')),
    identity: parseIdentity(objectAt(msg, 'identity')),
    errors: parseErrors(msg),
    ...parseMessageContent(msg, raw),
  };
}

function parseContext(c: JsonObject | null): MessageContext | null {
  if (c === null) return null;
  const product = objectAt(c, 'referred_product');
  return {
    from: idAt(c, 'from'),
    id: idAt(c, 'id'),
    forwarded: booleanAt(c, 'forwarded') === true,
    frequentlyForwarded: booleanAt(c, 'frequently_forwarded') === true,
    referredProduct: product === null ? null : { catalogId: idAt(product, 'catalog_id'), productRetailerId: idAt(product, 'product_retailer_id') },
  };
}

function parseReferral(r: JsonObject | null): Referral | null {
  if (r === null) return null;
  return {
    sourceUrl: stringAt(r, 'source_url'),
    sourceId: idAt(r, 'source_id'),
    sourceType: stringAt(r, 'source_type'),
    headline: stringAt(r, 'headline'),
    body: stringAt(r, 'body'),
    mediaType: stringAt(r, 'media_type'),
    imageUrl: stringAt(r, 'image_url'),
    videoUrl: stringAt(r, 'video_url'),
    thumbnailUrl: stringAt(r, 'thumbnail_url'),
    ctwaClid: stringAt(r, 'ctwa_clid'),
  };
}

function parseIdentity(i: JsonObject | null): Identity | null {
  if (i === null) return null;
  return {
    acknowledged: booleanAt(i, 'acknowledged'),
    createdTimestamp: asUnixSeconds(getMember(i, 'created_timestamp')),
    hash: stringAt(i, 'hash'),
  };
}
