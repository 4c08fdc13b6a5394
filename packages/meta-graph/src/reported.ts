/** One business number as Meta reports it (`GET /{waba-id}/phone_numbers?fields=…`); null where Meta left a field out. */
export interface ReportedNumber {
  id: string;
  displayPhoneNumber: string | null;
  verifiedName: string | null;
  /** CONNECTED, or FLAGGED, RESTRICTED, RATE_LIMITED, PENDING, DISCONNECTED, OFFLINE, BANNED, DELETED… */
  status: string | null;
  /** GREEN, YELLOW, RED or UNKNOWN. */
  qualityRating: string | null;
  /** TIER_250, TIER_1K… (`messaging_limit_tier`). */
  messagingLimitTier: string | null;
  /** `throughput.level`: STANDARD or HIGH. */
  throughput: string | null;
  /** APPROVED, AVAILABLE_WITHOUT_REVIEW, PENDING_REVIEW, DECLINED, EXPIRED, NONE. */
  nameStatus: string | null;
  /** VERIFIED, NOT_VERIFIED, EXPIRED. */
  codeVerificationStatus: string | null;
}

/** An app subscribed to a WABA's webhooks (`GET /{waba-id}/subscribed_apps`). */
export interface ReportedWabaApp {
  appId: string;
  name: string | null;
  /** `override_callback_uri`: where this WABA's webhooks go instead of the app's callback; null: none. */
  overrideCallbackUri: string | null;
}

/** What Meta reports of one tenant's webhook setup. */
export interface Reported {
  /** The app's `whatsapp_business_account` subscription (`GET /{app-id}/subscriptions`); null: the app has none. */
  app: { callbackUrl: string; fields: string[]; active: boolean } | null;
  wabas: Record<string, { apps: ReportedWabaApp[]; numbers: ReportedNumber[] }>;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (body: unknown): Json[] => {
  const data = (body as { data?: unknown } | null)?.data;
  return Array.isArray(data) ? data.filter((x): x is Json => typeof x === 'object' && x !== null) : [];
};

/** `{ data: [{ object, callback_url, active, fields: [{ name, version }] }] }`: the WABA object's entry, if any. */
export function parseAppSubscriptions(body: unknown): Reported['app'] {
  const entry = list(body).find((s) => s['object'] === 'whatsapp_business_account');
  if (entry === undefined) return null;
  const fields = Array.isArray(entry['fields']) ? (entry['fields'] as unknown[]) : [];
  return {
    callbackUrl: str(entry['callback_url']) ?? '',
    fields: fields
      .map((f) => (typeof f === 'string' ? f : str((f as Json | null)?.['name'])))
      .filter((f): f is string => f !== null)
      .sort(),
    active: entry['active'] !== false,
  };
}

/** `{ data: [{ whatsapp_business_api_data: { id, link, name }, override_callback_uri? }] }`. */
export function parseSubscribedApps(body: unknown): ReportedWabaApp[] {
  return list(body).flatMap((s) => {
    const app = s['whatsapp_business_api_data'] as Json | undefined;
    const appId = str(app?.['id']);
    return appId === null ? [] : [{ appId, name: str(app?.['name']), overrideCallbackUri: str(s['override_callback_uri']) }];
  });
}

/** The fields asked of each number. */
export const NUMBER_FIELDS = [
  'id',
  'display_phone_number',
  'verified_name',
  'status',
  'quality_rating',
  'messaging_limit_tier',
  'throughput',
  'name_status',
  'code_verification_status',
] as const;

/** `{ data: [{ id, display_phone_number, status, quality_rating, messaging_limit_tier, throughput: { level }, … }], paging }`. */
export function parsePhoneNumbers(body: unknown): ReportedNumber[] {
  return list(body).flatMap((n) => {
    const id = str(n['id']);
    if (id === null) return [];
    return [
      {
        id,
        displayPhoneNumber: str(n['display_phone_number']),
        verifiedName: str(n['verified_name']),
        status: str(n['status']),
        qualityRating: str(n['quality_rating']),
        messagingLimitTier: str(n['messaging_limit_tier']),
        throughput: str((n['throughput'] as Json | undefined)?.['level']),
        nameStatus: str(n['name_status']),
        codeVerificationStatus: str(n['code_verification_status']),
      },
    ];
  });
}

/** The cursor of the next page (`paging.cursors.after` when `paging.next` is there), else null. */
export function nextCursor(body: unknown): string | null {
  const paging = (body as { paging?: { next?: unknown; cursors?: { after?: unknown } } } | null)?.paging;
  return typeof paging?.next === 'string' && typeof paging.cursors?.after === 'string' ? paging.cursors.after : null;
}
