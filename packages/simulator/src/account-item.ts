import { unixSeconds, type GenContext } from './gen-context.ts';
import type { GeneratedItem, JsonObject } from './generated-item.ts';
import { bigDecimalId } from './ids.ts';
import type { AccountKind } from './kinds.ts';
import { rawNumber } from './meta-json.ts';
import { contactOf } from './message-item.ts';
import type { BusinessNumber, Customer } from './world.ts';

const FIELDS: Readonly<Record<AccountKind, string>> = {
  account_update: 'account_update',
  template_status: 'message_template_status_update',
  phone_quality: 'phone_number_quality_update',
  user_preferences: 'user_preferences',
};

function accountUpdate(ctx: GenContext, business: BusinessNumber): JsonObject {
  const { rng } = ctx;
  const expiration = unixSeconds(ctx) + 7 * 86_400;
  return rng.pick<() => JsonObject>([
    () => ({ phone_number: business.displayPhoneNumber, event: 'VERIFIED_ACCOUNT' }),
    () => ({ event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration }] }),
    () => ({ event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: rng.pick(['SCAM', 'SPAM', 'ADULT']) } }),
    () => ({ event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: ['SCHEDULE_FOR_DISABLE'], waba_ban_date: 'DATE' } }),
  ])();
}

function templateStatus(ctx: GenContext): JsonObject {
  const { rng } = ctx;
  const event = rng.pick(['APPROVED', 'REJECTED', 'PAUSED', 'FLAGGED', 'DISABLED']);
  return {
    event,
    // Template ids are 64-bit: written as a bare literal that JSON.parse rounds, exactly as Meta does.
    message_template_id: rawNumber(bigDecimalId(rng)),
    message_template_name: rng.pick(['order_update', 'boas_vindas', 'otp_código']),
    message_template_language: rng.pick(['en_US', 'pt_BR', 'es']),
    reason: event === 'REJECTED' ? rng.pick(['INCORRECT_CATEGORY', 'SCAM', 'INVALID_FORMAT']) : event === 'APPROVED' ? 'NONE' : null,
  };
}

function phoneQuality(ctx: GenContext, business: BusinessNumber): JsonObject {
  const { rng } = ctx;
  const limits = ['TIER_250', 'TIER_1K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'];
  return {
    display_phone_number: business.displayPhoneNumber,
    event: rng.pick(['FLAGGED', 'UNFLAGGED', 'UPGRADE', 'DOWNGRADE']),
    current_limit: rng.pick(limits),
  };
}

function userPreferences(ctx: GenContext, business: BusinessNumber, customer: Customer): JsonObject {
  const stop = ctx.rng.chance(0.6);
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId },
    contacts: [contactOf(customer)],
    user_preferences: [
      {
        wa_id: customer.waId ?? undefined,
        user_id: customer.waId === null ? (customer.userId ?? undefined) : undefined,
        detail: stop ? 'User requested to stop marketing messages' : 'User requested to resume marketing messages',
        category: 'marketing_messages',
        value: stop ? 'stop' : 'resume',
        timestamp: unixSeconds(ctx),
      },
    ],
  };
}

/**
 * One account-level change (one change = one event). user_preferences is phone-level: it carries metadata and
 * no `entry.time`; the others carry no metadata and an integer `entry.time`.
 */
export function buildAccountItem(ctx: GenContext, kind: AccountKind, business: BusinessNumber, customer: Customer): GeneratedItem {
  const field = FIELDS[kind];
  const phoneLevel = kind === 'user_preferences';
  const value =
    kind === 'account_update'
      ? accountUpdate(ctx, business)
      : kind === 'template_status'
        ? templateStatus(ctx)
        : kind === 'phone_quality'
          ? phoneQuality(ctx, business)
          : userPreferences(ctx, business, customer);
  return {
    simKind: kind,
    kind: 'change',
    field,
    wabaId: business.wabaId,
    business: phoneLevel ? business : null,
    array: null,
    contact: null,
    payload: value,
    id: null,
    customerId: null,
    itemType: field,
    time: phoneLevel ? null : unixSeconds(ctx),
  };
}
