import { asUnixSeconds, booleanAt, idAt, objectAt, stringAt } from './json-read.ts';
import { getMember } from './json-node.ts';
import type { JsonObject } from './json-node.ts';
import { parseErrors } from './parse-error.ts';
import { KNOWN_STATUSES } from './parsed-item.ts';
import type { KnownStatus, ParsedStatus } from './parsed-item.ts';

/** A delivery status of an outbound message (`statuses[]`); call statuses read as `unknown`. */
export function parseStatus(s: JsonObject | null): ParsedStatus {
  const statusRaw = stringAt(s, 'status');
  const conversation = objectAt(s, 'conversation');
  const pricing = objectAt(s, 'pricing');
  return {
    id: idAt(s, 'id'),
    status: isKnownStatus(statusRaw) ? statusRaw : 'unknown',
    statusRaw,
    timestamp: asUnixSeconds(getMember(s, 'timestamp')),
    recipientId: idAt(s, 'recipient_id'),
    recipientUserId: idAt(s, 'recipient_user_id'),
    recipientType: stringAt(s, 'recipient_type'),
    recipientParticipantId: idAt(s, 'recipient_participant_id'),
    recipientParticipantUserId: idAt(s, 'recipient_participant_user_id'),
    type: stringAt(s, 'type'),
    conversation:
      conversation === null
        ? null
        : {
            id: idAt(conversation, 'id'),
            expirationTimestamp: asUnixSeconds(getMember(conversation, 'expiration_timestamp')),
            originType: stringAt(objectAt(conversation, 'origin'), 'type'),
          },
    pricing:
      pricing === null
        ? null
        : {
            billable: booleanAt(pricing, 'billable'),
            pricingModel: stringAt(pricing, 'pricing_model'),
            category: stringAt(pricing, 'category'),
            type: stringAt(pricing, 'type'),
          },
    errors: parseErrors(s),
    bizOpaqueCallbackData: stringAt(s, 'biz_opaque_callback_data'),
  };
}

function isKnownStatus(value: string | null): value is KnownStatus {
  return value !== null && (KNOWN_STATUSES as readonly string[]).includes(value);
}
