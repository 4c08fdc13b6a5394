import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDifference, diff } from './diff.ts';
import type { Expected } from './expected.ts';
import { changeRequest, describeRequest } from './meta-graph.ts';
import { mergeChanges, plan } from './plan.ts';
import { parseAppSubscriptions, parsePhoneNumbers, parseSubscribedApps, type Reported, type ReportedNumber } from './reported.ts';

const APP = '670843887433847';
const expected: Expected = {
  tenantId: 'acme',
  appId: APP,
  app: { callbackUrl: 'https://wabus.acme.example/webhook', fields: ['account_update', 'messages'] },
  wabas: [
    { id: '100', callbackOverride: null },
    { id: '101', callbackOverride: 'https://eu.acme.example/webhook' },
  ],
  phoneNumberIds: ['1001', '1011'],
  minMessagingLimit: null,
};
const number = (id: string, over: Partial<ReportedNumber> = {}): ReportedNumber => ({
  id,
  displayPhoneNumber: '15550001',
  verifiedName: 'Acme',
  status: 'CONNECTED',
  qualityRating: 'GREEN',
  messagingLimitTier: 'TIER_1K',
  throughput: 'STANDARD',
  nameStatus: 'APPROVED',
  codeVerificationStatus: 'VERIFIED',
  ...over,
});
const agreeing = (): Reported => ({
  app: { callbackUrl: 'https://wabus.acme.example/webhook', fields: ['account_update', 'messages'], active: true },
  wabas: {
    '100': { apps: [{ appId: APP, name: 'Acme', overrideCallbackUri: null }], numbers: [number('1001')] },
    '101': {
      apps: [
        { appId: '999', name: 'Other', overrideCallbackUri: null },
        { appId: APP, name: 'Acme', overrideCallbackUri: 'https://eu.acme.example/webhook' },
      ],
      numbers: [number('1011')],
    },
  },
});

test('given Meta reporting what the file expects, then no difference and nothing to write', () => {
  assert.deepEqual(diff(expected, agreeing()), []);
  assert.deepEqual(plan(expected, []), []);
});

test('given no app subscription and no WABA subscribed, then the plan sets the app webhook and subscribes each WABA with its override', () => {
  const reported: Reported = { app: null, wabas: { '100': { apps: [], numbers: [number('1001')] }, '101': { apps: [], numbers: [number('1011')] } } };
  const d = diff(expected, reported);
  assert.deepEqual(
    d.map((x) => x.kind),
    ['app_not_subscribed', 'waba_not_subscribed', 'waba_not_subscribed'],
  );
  assert.deepEqual(plan(expected, d), [
    {
      kind: 'set_app_subscription',
      appId: APP,
      callbackUrl: 'https://wabus.acme.example/webhook',
      fields: ['account_update', 'messages'],
      why: ['app_not_subscribed'],
    },
    { kind: 'subscribe_waba', tenantId: 'acme', wabaId: '100', appId: APP, callbackOverride: null, why: ['waba_not_subscribed'] },
    { kind: 'subscribe_waba', tenantId: 'acme', wabaId: '101', appId: APP, callbackOverride: 'https://eu.acme.example/webhook', why: ['waba_not_subscribed'] },
  ]);
});

test('given fields, callback and overrides that disagree, then each is named; extra fields are removed only with prune', () => {
  const r = agreeing();
  r.app = { callbackUrl: 'https://old.example/webhook', fields: ['messages', 'security'], active: false };
  r.wabas['100']!.apps[0]!.overrideCallbackUri = 'https://elsewhere.example/hook';
  r.wabas['101']!.apps[1]!.overrideCallbackUri = null;
  const d = diff(expected, r);
  assert.deepEqual(d.map(describeDifference), [
    `app ${APP}: the webhook subscription is inactive`,
    `app ${APP}: callback URL is https://old.example/webhook, expected https://wabus.acme.example/webhook`,
    `app ${APP}: not subscribed to fields account_update`,
    `app ${APP}: subscribed to fields no tenant lists: security`,
    'WABA 100: callback override is https://elsewhere.example/hook, expected none',
    'WABA 101: callback override is none, expected https://eu.acme.example/webhook',
  ]);
  const kinds = (p: ReturnType<typeof plan>) => p.map((c) => `${c.kind}${c.kind === 'subscribe_waba' ? ` ${c.wabaId}` : ''}`);
  assert.deepEqual(kinds(plan(expected, d)), ['set_app_subscription', 'subscribe_waba 100', 'subscribe_waba 101']);
  assert.deepEqual(kinds(plan(expected, d, { prune: true })), ['set_app_subscription', 'remove_app_fields', 'subscribe_waba 100', 'subscribe_waba 101']);
  assert.deepEqual(plan(expected, d)[0]!.why, ['app_inactive', 'app_callback_url', 'app_fields_missing']);
});

test('given numbers missing, flagged, RED or below the minimum tier, then each is reported and nothing is planned for them', () => {
  const r = agreeing();
  r.wabas['100']!.numbers = [number('1001', { status: 'FLAGGED', qualityRating: 'RED', messagingLimitTier: 'TIER_250' })];
  r.wabas['101']!.numbers = [];
  const d = diff({ ...expected, minMessagingLimit: 'TIER_1K' }, r);
  assert.deepEqual(d.map(describeDifference), [
    'number 1001: status FLAGGED, expected CONNECTED',
    'number 1001: quality rating RED',
    'number 1001: messaging limit TIER_250, below TIER_1K',
    "number 1011: under none of the tenant's WABAs",
  ]);
  assert.deepEqual(plan(expected, d), []);
  r.wabas['100']!.numbers = [number('1001', { qualityRating: 'YELLOW', messagingLimitTier: null })];
  assert.deepEqual(
    diff({ ...expected, minMessagingLimit: 'TIER_250' }, r).map((x) => x.kind),
    ['number_messaging_limit', 'number_missing'],
    'YELLOW is not a difference; no tier reported while one is required is',
  );
});

test("given Meta's answers, then they are read by Meta's field names", () => {
  assert.deepEqual(
    parseAppSubscriptions({
      data: [
        { object: 'page', callback_url: 'https://x', active: true, fields: [{ name: 'feed', version: 'v21.0' }] },
        {
          object: 'whatsapp_business_account',
          callback_url: 'https://w',
          active: true,
          fields: [
            { name: 'messages', version: 'v21.0' },
            { name: 'account_update', version: 'v21.0' },
          ],
        },
      ],
    }),
    { callbackUrl: 'https://w', fields: ['account_update', 'messages'], active: true },
  );
  assert.equal(parseAppSubscriptions({ data: [] }), null);
  assert.deepEqual(
    parseSubscribedApps({
      data: [
        { whatsapp_business_api_data: { id: '1', link: 'https://www.facebook.com/games/?app_id=1', name: 'A' } },
        { whatsapp_business_api_data: { id: '2', name: 'B' }, override_callback_uri: 'https://o' },
      ],
    }),
    [
      { appId: '1', name: 'A', overrideCallbackUri: null },
      { appId: '2', name: 'B', overrideCallbackUri: 'https://o' },
    ],
  );
  assert.deepEqual(
    parsePhoneNumbers({
      data: [
        {
          id: '1001',
          display_phone_number: '+1 555-0001',
          status: 'CONNECTED',
          quality_rating: 'GREEN',
          messaging_limit_tier: 'TIER_1K',
          throughput: { level: 'STANDARD' },
        },
      ],
    }),
    [
      {
        id: '1001',
        displayPhoneNumber: '+1 555-0001',
        verifiedName: null,
        status: 'CONNECTED',
        qualityRating: 'GREEN',
        messagingLimitTier: 'TIER_1K',
        throughput: 'STANDARD',
        nameStatus: null,
        codeVerificationStatus: null,
      },
    ],
  );
});

test('given a plan, then its requests follow Meta (object, callback_url, comma-separated fields, override_callback_uri) and printing redacts the verify token', () => {
  const [app, , eu] = plan(expected, diff(expected, { app: null, wabas: {} }));
  assert.deepEqual(changeRequest('v21.0', app!, 'secret-verify'), {
    method: 'POST',
    path: `/v21.0/${APP}/subscriptions`,
    body: {
      object: 'whatsapp_business_account',
      callback_url: 'https://wabus.acme.example/webhook',
      fields: 'account_update,messages',
      verify_token: 'secret-verify',
    },
    token: 'app',
  });
  assert.deepEqual(changeRequest('v21.0', eu!, 'secret-verify'), {
    method: 'POST',
    path: '/v21.0/101/subscribed_apps',
    body: { override_callback_uri: 'https://eu.acme.example/webhook', verify_token: 'secret-verify' },
    token: 'graph',
  });
  const printed = describeRequest('v21.0', eu!);
  assert.ok(!printed.includes('secret-verify') && printed.includes('[redacted]'), printed);
  assert.equal(mergeChanges([app!, app!, eu!, eu!]).length, 2, 'one write per app and per WABA');
});
